#!/usr/bin/env bash
# Throughput of 1 vs 3 relay replicas behind nginx (round robin, keep-alive to the replicas),
# on the task-query route (GET /sim/api/v1/tasks/{id}) against the simulator
# (examples/bench_sim.rs: no query limit). wrk at fixed concurrency on loopback; each setup is
# warmed up, then measured REPS times for DURATION seconds, 1 and 3 replicas alternating. Prints
# medians of requests/s and p50/p99 latency, and the 3/1 ratio. A figure, not a test: on a
# machine with few cores the replicas, nginx, the simulator and wrk share them, so more
# replicas buy no CPU; what the figure shows is the cost (or not) of spreading the load.
#
#   crates/relay/bench/replicas.sh
#   REPS=5 DURATION=10 WORKERS=2 crates/relay/bench/replicas.sh   # 2 worker threads per replica
#
# Bounded in time: about 2 x (WARMUP + REPS x DURATION) s plus the build. Needs nginx and wrk:
# `apt-get install -y nginx-light wrk`.
set -euo pipefail

DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
REPS=${REPS:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-1}

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
# shellcheck source=crates/relay/bench/common.sh
source crates/relay/bench/common.sh
require_tools "apt-get install -y nginx-light wrk curl python3" nginx wrk curl python3

build_release bench_sim
SIM_BIN=$TARGET/release/examples/bench_sim

WORK=$(mktemp -d /tmp/wanedit-bench-replicas.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pidfile in "$WORK"/nginx-*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$SIM_BIN" >"$WORK/sim.out" 2>"$WORK/sim.err" &
PIDS+=($!)
wait_line "$WORK/sim.out" TASK_ID
SIM_BASE=$(sed -n 's/^SIM_BASE=//p' "$WORK/sim.out")
TASK_ID=$(sed -n 's/^TASK_ID=//p' "$WORK/sim.out")
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# nginx_for N PORT: nginx (one worker process) on PORT in front of the first N replicas.
nginx_for() {
  local n=$1 port=$2 dir=$WORK/nginx-$1 i
  mkdir -p "$dir"
  {
    echo "worker_processes 1; pid $WORK/nginx-$n.pid; error_log $dir/error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http { access_log off; client_body_temp_path $dir/body; proxy_temp_path $dir/proxy;"
    echo "  fastcgi_temp_path $dir/fcgi; uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;"
    echo "  upstream relays {"
    for ((i = 0; i < n; i++)); do echo "    server 127.0.0.1:${REPLICA_PORTS[$i]};"; done
    echo "    keepalive 64; }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://relays;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\";"
    echo "    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }"
  } >"$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log"
}

REPLICA_PORTS=()
for i in 0 1 2; do
  port=$(free_port)
  REPLICA_PORTS+=("$port")
  RUST_LOG=warn WANEDIT_UPLOAD_SECRET=$SECRET "$RELAY_BIN" --listen "127.0.0.1:$port" \
    --workers "$WORKERS" --upstream "sim=$SIM_BASE" --rate-limit 0 --trusted-proxy 127.0.0.1 \
    >/dev/null 2>"$WORK/relay-$i.err" &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
done
declare -A FRONT
for n in 1 3; do
  FRONT[$n]=$(free_port)
  nginx_for "$n" "${FRONT[$n]}"
  wait_for "http://127.0.0.1:${FRONT[$n]}/healthz"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-sim' \
    "http://127.0.0.1:${FRONT[$n]}/sim/api/v1/tasks/$TASK_ID")
  [ "$code" = 200 ] || { echo "$n replica(s): query answered $code"; exit 1; }
done

run() { # n seconds -> wrk output
  timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency \
    -H 'Authorization: Bearer sk-sim' "http://127.0.0.1:${FRONT[$1]}/sim/api/v1/tasks/$TASK_ID"
}

echo "== wrk: $CONNECTIONS connections, $THREADS threads, $WORKERS worker thread(s) per replica; $REPS x ${DURATION}s each"
: >"$WORK/results.txt"
for n in 1 3; do run "$n" "$WARMUP" >/dev/null; done
for rep in $(seq "$REPS"); do
  if [ $((rep % 2)) = 1 ]; then order="1 3"; else order="3 1"; fi
  for n in $order; do
    out=$(run "$n" "$DURATION")
    if grep -q "Non-2xx" <<<"$out"; then echo "$n replica(s): non-2xx answers:"; echo "$out"; exit 1; fi
    python3 - "$out" "$n" "$rep" >>"$WORK/results.txt" <<'PY'
import re, sys
out, n, rep = sys.argv[1:]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    x, u = float(m.group(1)), m.group(2)
    return x / 1000 if u == "us" else x * 1000 if u == "s" else x
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
print(f"{n} {rep} {rps:.0f} {p50:.3f} {p99:.3f}")
PY
    tail -n1 "$WORK/results.txt" | awk '{printf "   %s replica(s) rep %s: %7s req/s  p50 %6s ms  p99 %6s ms\n", $1, $2, $3, $4, $5}'
  done
done

echo "== results (medians of $REPS runs; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$WORK/results.txt" <<'PY'
import statistics as st, sys
runs = {}
for line in open(sys.argv[1]):
    n, rep, rps, p50, p99 = line.split()
    runs.setdefault(n, []).append((float(rps), float(p50), float(p99)))
for n in ("1", "3"):
    r = runs[n]
    print(f"{n} replica(s) behind nginx: {st.median(x[0] for x in r):8.0f} req/s  "
          f"p50 {st.median(x[1] for x in r):.3f} ms  p99 {st.median(x[2] for x in r):.3f} ms")
print(f"3/1 throughput: {st.median(x[0] for x in runs['3']) / st.median(x[0] for x in runs['1']):.2f}x")
PY
