#!/usr/bin/env bash
# Relay vs nginx, forwarding the same task-query route to the same simulator, in one run:
# requests/s and p50/p99 latency with wrk at fixed concurrency, the relay/nginx ratio, and the
# relay's peak RSS while it streams a 100 MB upload. Loopback only; bounded in time (~1 min
# after the release build).
#
#   crates/relay/bench/bench.sh            # defaults: 10 s per run, 32 connections, 2 threads
#   DURATION=5 CONNECTIONS=64 crates/relay/bench/bench.sh
#
# Needs nginx (with the proxy module) and wrk: `apt-get install -y nginx-light wrk`.
set -euo pipefail

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
UPLOAD_MB=${UPLOAD_MB:-100}

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y nginx-light wrk curl python3)"; exit 1; }
done

echo "== building (release)"
cargo build --release -q -p wanedit-relay --bin wanedit-relay --example bench_sim
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
RELAY_BIN=$TARGET/release/wanedit-relay
SIM_BIN=$TARGET/release/examples/bench_sim

WORK=$(mktemp -d /tmp/wanedit-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }

echo "== simulator"
"$SIM_BIN" >"$WORK/sim.out" 2>"$WORK/sim.err" &
PIDS+=($!)
for _ in $(seq 100); do grep -qs TASK_ID "$WORK/sim.out" && break; sleep 0.1; done
SIM_BASE=$(sed -n 's/^SIM_BASE=//p' "$WORK/sim.out")
TASK_ID=$(sed -n 's/^TASK_ID=//p' "$WORK/sim.out")
SIM_HOSTPORT=${SIM_BASE#http://}
echo "simulator $SIM_BASE, task $TASK_ID"

RELAY_PORT=$(free_port)
NGINX_PORT=$(free_port)
ORIGIN="http://127.0.0.1:$RELAY_PORT"

echo "== relay on 127.0.0.1:$RELAY_PORT"
# Per-request log lines off (RUST_LOG=warn), like nginx's access_log off below.
RUST_LOG=warn "$RELAY_BIN" --listen "127.0.0.1:$RELAY_PORT" --upstream "sim=$SIM_BASE" \
  --upload-host-allow "$SIM_BASE" --rate-limit 0 2>"$WORK/relay.err" &
RELAY_PID=$!
PIDS+=($RELAY_PID)
wait_for "http://127.0.0.1:$RELAY_PORT/healthz"

echo "== nginx on 127.0.0.1:$NGINX_PORT"
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  map \$http_origin \$cors_origin { default ""; "$ORIGIN" \$http_origin; }
  upstream sim { server $SIM_HOSTPORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /sim/ {
      proxy_pass http://sim/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Cookie "";
      proxy_redirect off;
      add_header Access-Control-Allow-Origin \$cors_origin always;
      add_header Vary Origin always;
    }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"
wait_for "http://127.0.0.1:$NGINX_PORT/sim/api/v1/tasks/$TASK_ID"

PATH_Q="/sim/api/v1/tasks/$TASK_ID"
for name in relay nginx; do
  port=$RELAY_PORT; [ $name = nginx ] && port=$NGINX_PORT
  code=$(curl -s -o "$WORK/$name.body" -w '%{http_code}' -H "Origin: $ORIGIN" -H 'Authorization: Bearer sk-sim' "http://127.0.0.1:$port$PATH_Q")
  [ "$code" = 200 ] || { echo "$name answered $code: $(cat "$WORK/$name.body")"; exit 1; }
done

run_wrk() { # name port -> prints "rps p50 p99"
  local out
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Origin: $ORIGIN" -H 'Authorization: Bearer sk-sim' \
    "http://127.0.0.1:$2$PATH_Q" >/dev/null # warm-up
  out=$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -H "Origin: $ORIGIN" -H 'Authorization: Bearer sk-sim' "http://127.0.0.1:$2$PATH_Q")
  echo "$out" >"$WORK/wrk-$1.txt"
  if grep -q "Non-2xx" <<<"$out"; then echo "$1: non-2xx answers:"; echo "$out"; exit 1; fi
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
print(f"{rps:.0f} {p50:.3f} {p99:.3f}")
PY
}

echo "== wrk: GET $PATH_Q, $CONNECTIONS connections, $THREADS threads, ${DURATION}s each"
read -r R_RPS R_P50 R_P99 < <(run_wrk relay "$RELAY_PORT")
read -r N_RPS N_P50 N_P99 < <(run_wrk nginx "$NGINX_PORT")
printf '%-8s %12s %10s %10s\n' "" "requests/s" "p50 ms" "p99 ms"
printf '%-8s %12s %10s %10s\n' relay "$R_RPS" "$R_P50" "$R_P99"
printf '%-8s %12s %10s %10s\n' nginx "$N_RPS" "$N_P50" "$N_P99"
python3 -c "print(f'relay/nginx: throughput {$R_RPS/$N_RPS:.2f}x, p50 {$R_P50/$N_P50:.2f}x, p99 {$R_P99/$N_P99:.2f}x')"

echo "== ${UPLOAD_MB} MB upload through the relay"
RSS_BEFORE=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PID/status")
head -c $((UPLOAD_MB * 1000 * 1000)) /dev/zero >"$WORK/upload.bin"
curl -s -H 'Authorization: Bearer sk-sim' \
  "http://127.0.0.1:$RELAY_PORT/sim/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit" >"$WORK/policy.json"
mapfile -t F < <(python3 - "$WORK/policy.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["data"]
for k in ("upload_host", "oss_access_key_id", "signature", "policy", "upload_dir", "x_oss_object_acl", "x_oss_forbid_overwrite"):
    print(d[k])
PY
)
RESULT=$(timeout 120 curl -s -o "$WORK/upload.out" -w '%{http_code} %{time_total}' \
  -F "OSSAccessKeyId=${F[1]}" -F "Signature=${F[2]}" -F "policy=${F[3]}" -F "key=${F[4]}/bench.bin" \
  -F "x-oss-object-acl=${F[5]}" -F "x-oss-forbid-overwrite=${F[6]}" -F "success_action_status=200" \
  -F "file=@$WORK/upload.bin" "${F[0]}")
read -r CODE SECS <<<"$RESULT"
[ "$CODE" = 200 ] || { echo "upload answered $CODE: $(cat "$WORK/upload.out")"; exit 1; }
RSS_AFTER=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PID/status")
python3 -c "print(f'upload: HTTP $CODE in {float(\"$SECS\"):.2f} s ({$UPLOAD_MB/float(\"$SECS\"):.0f} MB/s); relay peak RSS {$RSS_AFTER/1024:.1f} MiB (before the upload {$RSS_BEFORE/1024:.1f} MiB)')"
