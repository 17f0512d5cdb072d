#!/usr/bin/env bash
# Instructions per request, relay vs nginx, counted by valgrind's callgrind: unlike requests/s,
# these counts are repeatable on a busy machine (they leave out the kernel's share: system
# calls, wake-ups, copies, which bench.sh's CPU column includes). Each proxy forwards
# GET /static/api/v1/tasks/{id} to the trivial upstream (examples/bench_upstream.rs); after 200
# warm-up requests the counters are zeroed, N requests are sent over 4 keep-alive connections
# and the counters dumped. Loopback only, bounded (about a minute).
#
#   crates/relay/bench/callgrind.sh                 # N=2000, relay and nginx
#   N=5000 NGINX=0 crates/relay/bench/callgrind.sh  # relay only
#   RELAY_BIN=/tmp/old/wanedit-relay crates/relay/bench/callgrind.sh
#
# Prints instructions per request and where the relay's go (self cost, top functions); the
# callgrind files stay in the printed directory for callgrind_annotate / kcachegrind.
# Needs valgrind, python3 and curl (and nginx for the comparison). Not part of the test suite.
set -euo pipefail

N=${N:-2000}
NGINX=${NGINX:-1}
TOP=${TOP:-30}

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
# shellcheck source=crates/relay/bench/common.sh
source crates/relay/bench/common.sh
require_tools "apt-get install -y valgrind curl python3" valgrind callgrind_control callgrind_annotate curl python3
[ "$NGINX" = 1 ] && ! command -v nginx >/dev/null && { echo "missing nginx (or NGINX=0)"; exit 1; }

build_release bench_upstream

WORK=$(mktemp -d /tmp/wanedit-callgrind.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

ORIGIN=http://127.0.0.1:1

# N keep-alive GETs over C connections, round robin; fails on any non-200.
cat >"$WORK/drive.py" <<'PY'
import http.client, sys
port, path, n, c = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=120) for _ in range(c)]
headers = {"Origin": sys.argv[5], "Authorization": "Bearer sk-sim"}
for i in range(n):
    conn = conns[i % c]
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        sys.exit(f"answer {r.status}")
PY

"$TARGET/release/examples/bench_upstream" >"$WORK/upstream.out" &
PIDS+=($!)
wait_line "$WORK/upstream.out" UPSTREAM_BASE
UPSTREAM=$(sed -n 's/^UPSTREAM_BASE=//p' "$WORK/upstream.out")

profile() { # name port pid -> instructions per request
  local port=$2 pid=$3
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  python3 "$WORK/drive.py" "$port" /static/api/v1/tasks/abc 200 4 "$ORIGIN"
  callgrind_control -z "$pid" >/dev/null 2>&1
  python3 "$WORK/drive.py" "$port" /static/api/v1/tasks/abc "$N" 4 "$ORIGIN"
  callgrind_control -d "$pid" >/dev/null 2>&1
  sleep 1
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local dump
  dump=$(ls "$WORK/$1".*.1)
  python3 - "$dump" "$N" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
total = int(re.search(r"^(?:summary|totals): (\d+)", text, re.M).group(1))
print(f"{total / int(sys.argv[2]):.0f}")
PY
}

echo "== relay under callgrind ($N requests)"
PORT=$(free_port)
RUST_LOG=warn WANEDIT_WORKERS=2 TOKIO_WORKER_THREADS=2 valgrind -q --tool=callgrind --callgrind-out-file="$WORK/relay.%p" \
  "$RELAY_BIN" --listen "127.0.0.1:$PORT" --upstream "static=$UPSTREAM" --rate-limit 0 \
  --allow-origin "$ORIGIN" >/dev/null 2>"$WORK/relay.err" &
RELAY_PID=$!
PIDS+=($RELAY_PID)
RELAY_IR=$(profile relay "$PORT" "$RELAY_PID")

if [ "$NGINX" = 1 ]; then
  echo "== nginx under callgrind ($N requests, one worker process)"
  PORT=$(free_port)
  write_nginx_conf $'daemon off;\nmaster_process off;\nworker_processes 1;' "$PORT" \
    'location / { return 404; }' "static=$UPSTREAM"
  valgrind -q --tool=callgrind --callgrind-out-file="$WORK/nginx.%p" \
    nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" >/dev/null 2>"$WORK/nginx.err" &
  NGINX_PID=$!
  PIDS+=($NGINX_PID)
  NGINX_IR=$(profile nginx "$PORT" "$NGINX_PID")
fi

echo "== where the relay's instructions go (self cost per request, top $TOP)"
# Functions still on the stack when the counters were zeroed show their inclusive cost as
# self cost; they are left out (anything above 20% of the total).
callgrind_annotate --threshold=100 --auto=no "$(ls "$WORK"/relay.*.1)" 2>/dev/null | python3 -c "
import re, sys
n, top = int(sys.argv[1]), int(sys.argv[2])
rows = []
for line in sys.stdin:
    m = re.match(r'\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)', line)
    if m:
        rows.append((int(m.group(1).replace(',', '')), m.group(2)))
total = next(v for v, name in rows if 'PROGRAM TOTALS' in name)
for v, name in [r for r in rows if r[0] <= 0.2 * total][:top]:
    name = re.sub(r'^\?\?\?:', '', name)
    print(f'{v / n:8.0f}  {name[:140]}')
" "$N" "$TOP"

echo "== instructions per request (user space; $N requests, 4 keep-alive connections)"
echo "relay  $RELAY_IR"
[ "$NGINX" = 1 ] && echo "nginx  $NGINX_IR" && python3 -c "print(f'relay/nginx {$RELAY_IR / $NGINX_IR:.2f}x')"
echo "callgrind files: $WORK"
