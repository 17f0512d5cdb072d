#!/usr/bin/env bash
# Relay vs nginx (proxy_pass + CORS headers), forwarding the same task-query route
# (GET /{name}/api/v1/tasks/{id}) to the same upstream, with wrk at fixed concurrency on
# loopback. Two upstreams:
#   sim     the in-repo DashScope simulator (examples/bench_sim.rs): the realistic case, but the
#           simulator's own CPU cost shares the machine with the proxy and wrk;
#   static  a trivial keep-alive server answering a fixed JSON (examples/bench_upstream.rs), so
#           the difference between the two proxies is the proxies' own cost.
# Each (upstream, proxy) pair is warmed up once, then measured REPS times for DURATION seconds,
# relay and nginx alternating (relay first on odd repetitions, nginx first on even ones) so a
# burst of load from elsewhere hits both. The table shows medians: requests/s, p50/p99 latency,
# CPU time the proxy process(es) used per request, relay/nginx throughput ratio and the p99 the
# relay adds over nginx (both medians of the per-repetition pairs). Then the peak RSS of a fresh
# relay streaming a 100 MB upload. The machine's load average is printed before and after: on a
# shared machine, compare runs made under similar load.
#
# Like for like: the relay runs WORKERS worker threads (WANEDIT_WORKERS; TOKIO_WORKER_THREADS
# too, for builds before --workers, whose one tokio runtime served everything), nginx WORKERS
# worker processes; per-request logs are off on both (RUST_LOG=warn, access_log off).
#
#   crates/relay/bench/bench.sh                         # 5 x 5 s per pair, 32 connections
#   REPS=3 DURATION=10 CONNECTIONS=64 crates/relay/bench/bench.sh
#   UPSTREAMS=static crates/relay/bench/bench.sh        # only the trivial upstream
#   RELAY_BIN=/tmp/old/wanedit-relay crates/relay/bench/bench.sh   # another relay build
#
# Bounded in time: about (2 x UPSTREAMS x (WARMUP + REPS x DURATION)) s plus the build and the
# upload (~2.5 min with the defaults). Not part of the test suite. Needs nginx (with the proxy
# module) and wrk: `apt-get install -y nginx-light wrk`.
set -euo pipefail

DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
REPS=${REPS:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
UPSTREAMS=${UPSTREAMS:-sim static}
UPLOAD_MB=${UPLOAD_MB:-100}

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
# shellcheck source=crates/relay/bench/common.sh
source crates/relay/bench/common.sh
require_tools "apt-get install -y nginx-light wrk curl python3" nginx wrk curl python3

build_release bench_sim bench_upstream
SIM_BIN=$TARGET/release/examples/bench_sim
STATIC_BIN=$TARGET/release/examples/bench_upstream

WORK=$(mktemp -d /tmp/wanedit-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "not up: $1"; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== machine: $(nproc) cores, load average $(load) (1/5/15 min)"

echo "== upstreams"
"$SIM_BIN" >"$WORK/sim.out" 2>"$WORK/sim.err" &
PIDS+=($!)
wait_line "$WORK/sim.out" TASK_ID
SIM_BASE=$(sed -n 's/^SIM_BASE=//p' "$WORK/sim.out")
TASK_ID=$(sed -n 's/^TASK_ID=//p' "$WORK/sim.out")
"$STATIC_BIN" >"$WORK/static.out" 2>"$WORK/static.err" &
PIDS+=($!)
wait_line "$WORK/static.out" UPSTREAM_BASE
STATIC_BASE=$(sed -n 's/^UPSTREAM_BASE=//p' "$WORK/static.out")
echo "simulator $SIM_BASE (task $TASK_ID), static $STATIC_BASE"

RELAY_PORT=$(free_port)
NGINX_PORT=$(free_port)
ORIGIN="http://127.0.0.1:$RELAY_PORT"

start_relay() { # port logfile -> pid
  RUST_LOG=warn WANEDIT_WORKERS=$WORKERS TOKIO_WORKER_THREADS=$WORKERS "$RELAY_BIN" --listen "127.0.0.1:$1" \
    --upstream "sim=$SIM_BASE" --upstream "static=$STATIC_BASE" \
    --upload-host-allow "$SIM_BASE" --rate-limit 0 >/dev/null 2>"$2" &
  echo $!
}

echo "== relay on 127.0.0.1:$RELAY_PORT ($WORKERS worker threads)"
RELAY_PID=$(start_relay "$RELAY_PORT" "$WORK/relay.err")
PIDS+=($RELAY_PID)
wait_for "http://127.0.0.1:$RELAY_PORT/healthz"

echo "== nginx on 127.0.0.1:$NGINX_PORT ($WORKERS worker processes)"
write_nginx_conf "worker_processes $WORKERS;" "$NGINX_PORT" "" "sim=$SIM_BASE" "static=$STATIC_BASE"
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"
wait_for "http://127.0.0.1:$NGINX_PORT/sim/api/v1/tasks/$TASK_ID"
NGINX_MASTER=$(cat "$WORK/nginx.pid")

port_of() { if [ "$1" = relay ]; then echo "$RELAY_PORT"; else echo "$NGINX_PORT"; fi; }
url_of() { echo "http://127.0.0.1:$(port_of "$1")/$2/api/v1/tasks/$TASK_ID"; }

for up in $UPSTREAMS; do
  for proxy in relay nginx; do
    code=$(curl -s -o "$WORK/check.body" -w '%{http_code}' -H "Origin: $ORIGIN" \
      -H 'Authorization: Bearer sk-sim' "$(url_of "$proxy" "$up")")
    [ "$code" = 200 ] || { echo "$proxy → $up answered $code: $(cat "$WORK/check.body")"; exit 1; }
  done
done

# CPU time (user + system, in clock ticks) of the proxy's processes: the relay, or nginx's
# master and workers.
cpu_ticks() {
  local pids=$RELAY_PID
  [ "$1" = nginx ] && pids="$NGINX_MASTER $(ps -o pid= --ppid "$NGINX_MASTER" | tr '\n' ' ')"
  local total=0 pid
  for pid in $pids; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the command name.
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

wrk_run() { # proxy upstream seconds -> wrk output
  timeout $(($3 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --latency \
    -H "Origin: $ORIGIN" -H 'Authorization: Bearer sk-sim' "$(url_of "$1" "$2")"
}

measure() { # upstream proxy rep -> appends "upstream proxy rep rps p50 p99 cpu_us_per_req"
  local before after out
  before=$(cpu_ticks "$2")
  out=$(wrk_run "$2" "$1" "$DURATION")
  after=$(cpu_ticks "$2")
  echo "$out" >"$WORK/wrk-$1-$2-$3.txt"
  if grep -q "Non-2xx" <<<"$out"; then echo "$2 → $1: non-2xx answers:"; echo "$out"; exit 1; fi
  grep "Socket errors" <<<"$out" | sed "s/^ */   ($2 → $1) /" || true
  python3 - "$out" "$1" "$2" "$3" "$((after - before))" "$(getconf CLK_TCK)" >>"$WORK/results.txt" <<'PY'
import re, sys
out, up, proxy, rep, ticks, hz = sys.argv[1:]
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    n, u = float(m.group(1)), m.group(2)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
cpu_us = int(ticks) / int(hz) * 1e6 / max(total, 1)
print(f"{up} {proxy} {rep} {rps:.0f} {p50:.3f} {p99:.3f} {cpu_us:.1f}")
PY
  tail -n1 "$WORK/results.txt" | awk '{printf "   %-6s %-5s rep %s: %7s req/s  p50 %6s ms  p99 %6s ms  CPU %5s us/req\n", $1, $2, $3, $4, $5, $6, $7}'
}

echo "== wrk: $CONNECTIONS connections, $THREADS threads; warm-up ${WARMUP}s, then $REPS x ${DURATION}s per pair"
: >"$WORK/results.txt"
for up in $UPSTREAMS; do
  for proxy in relay nginx; do wrk_run "$proxy" "$up" "$WARMUP" >/dev/null; done
  for rep in $(seq "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then order="relay nginx"; else order="nginx relay"; fi
    for proxy in $order; do measure "$up" "$proxy" "$rep"; done
  done
done
RELAY_LOAD_HWM=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PID/status")

echo "== ${UPLOAD_MB} MB upload through a fresh relay"
UPLOAD_PORT=$(free_port)
UPLOAD_PID=$(start_relay "$UPLOAD_PORT" "$WORK/upload-relay.err")
PIDS+=($UPLOAD_PID)
wait_for "http://127.0.0.1:$UPLOAD_PORT/healthz"
RSS_BEFORE=$(awk '/VmHWM/ {print $2}' "/proc/$UPLOAD_PID/status")
head -c $((UPLOAD_MB * 1000 * 1000)) /dev/zero >"$WORK/upload.bin"
curl -s -H 'Authorization: Bearer sk-sim' \
  "http://127.0.0.1:$UPLOAD_PORT/sim/api/v1/uploads?action=getPolicy&model=wan2.7-videoedit" >"$WORK/policy.json"
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
RSS_AFTER=$(awk '/VmHWM/ {print $2}' "/proc/$UPLOAD_PID/status")

echo "== results (medians of $REPS runs; load average now $(load))"
python3 - "$WORK/results.txt" "$CODE" "$SECS" "$UPLOAD_MB" "$RSS_BEFORE" "$RSS_AFTER" "$RELAY_LOAD_HWM" <<'PY'
import statistics as st, sys
path, code, secs, mb, rss_before, rss_after, load_hwm = sys.argv[1:]
runs = {}
for line in open(path):
    up, proxy, rep, rps, p50, p99, cpu = line.split()
    runs.setdefault((up, proxy), {})[int(rep)] = (float(rps), float(p50), float(p99), float(cpu))
med = lambda xs: st.median(xs)
print(f"{'upstream':<9}{'proxy':<7}{'req/s':>9}{'(min-max)':>16}{'p50 ms':>9}{'p99 ms':>9}{'CPU us/req':>12}")
ups = []
for (up, proxy) in runs:
    if up not in ups:
        ups.append(up)
for up in ups:
    for proxy in ("relay", "nginx"):
        r = list(runs[(up, proxy)].values())
        rps = [x[0] for x in r]
        print(f"{up:<9}{proxy:<7}{med(rps):>9.0f}{f'({min(rps):.0f}-{max(rps):.0f})':>16}"
              f"{med([x[1] for x in r]):>9.3f}{med([x[2] for x in r]):>9.3f}{med([x[3] for x in r]):>12.1f}")
    rel, ngx = runs[(up, "relay")], runs[(up, "nginx")]
    reps = sorted(set(rel) & set(ngx))
    ratio = med([rel[i][0] / ngx[i][0] for i in reps])
    added50 = med([rel[i][1] - ngx[i][1] for i in reps])
    added99 = med([rel[i][2] - ngx[i][2] for i in reps])
    cpu = med([rel[i][3] / ngx[i][3] for i in reps if ngx[i][3] > 0] or [float("nan")])
    print(f"{'':<9}relay/nginx: throughput {ratio:.2f}x, p50 added {added50:+.3f} ms, "
          f"p99 added {added99:+.3f} ms, CPU per request {cpu:.2f}x")
secs = float(secs)
print(f"upload: {mb} MB, HTTP {code} in {secs:.2f} s ({int(mb) / secs:.0f} MB/s); relay peak RSS "
      f"{int(rss_after) / 1024:.1f} MiB (at start {int(rss_before) / 1024:.1f} MiB); "
      f"relay peak RSS under the wrk load {int(load_hwm) / 1024:.1f} MiB")
PY
