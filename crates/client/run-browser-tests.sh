#!/usr/bin/env bash
# The browser suite of wanedit-client (tests/web.rs, wasm-bindgen-test in headless Chromium)
# against the real relay and simulator over loopback:
#
#   1. builds wanedit-sim and wanedit-relay (debug);
#   2. starts tests/harness.mjs: the simulator (frozen clock), the relay in front of it
#      (access token, the test page's origin allowed, no rate limit) and a control server;
#   3. runs `cargo test -p wanedit-client --target wasm32-unknown-unknown --test web` with the
#      wasm-bindgen-test server on a fixed loopback address (the allowed origin) and the
#      harness URL passed at compile time (WANEDIT_TEST_HARNESS).
#
# Environment: WANEDIT_TEST_PORT (test page, default 8917), WANEDIT_HARNESS_PORT (default
# 8918), CHROMEDRIVER (default /usr/bin/chromedriver). Extra arguments go to `cargo test`.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

PORT="${WANEDIT_TEST_PORT:-8917}"
HARNESS_PORT="${WANEDIT_HARNESS_PORT:-8918}"

info "building wanedit-sim and wanedit-relay"
cargo build -q -p wanedit-sim -p wanedit-relay

log="$(mktemp)"
WANEDIT_TEST_ORIGIN="http://127.0.0.1:$PORT" WANEDIT_HARNESS_LISTEN="127.0.0.1:$HARNESS_PORT" \
  node "$REPO/crates/client/tests/harness.mjs" >"$log" 2>&1 &
harness_pid=$!
cleanup() {
  kill "$harness_pid" 2>/dev/null || true
  wait "$harness_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q 'harness listening on' "$log" && break
  kill -0 "$harness_pid" 2>/dev/null || { cat "$log" >&2; die "the harness stopped"; }
  sleep 0.2
done
url="$(sed -n 's/^harness listening on \(http:[^ ]*\)$/\1/p' "$log" | head -n1)"
[[ -n "$url" ]] || { cat "$log" >&2; die "the harness did not start"; }
info "harness: $url ($(tail -n1 "$log"))"

export WANEDIT_TEST_HARNESS="$url"
export WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$PORT"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-240}"
cargo test -p wanedit-client --target wasm32-unknown-unknown --test web "$@"
