#!/usr/bin/env bash
# THE run command: installs what is missing (scripts/setup.sh), builds the web UI into dist/,
# then starts the app.
#
# It then runs
#   wanedit-relay --simulate --serve dist
# the relay serving the UI at http://127.0.0.1:8787/, with the built-in simulator standing in
# for DashScope (upstream "sim", no key needed). Extra arguments go to the relay, e.g.
#   scripts/run.sh --listen 127.0.0.1:9000
# With DASHSCOPE_API_KEY set, the relay holds that key for the real upstreams (intl, cn); it
# then needs --access-token or --allow-origin (see crates/relay/README.md).
#
#   SKIP_SETUP=1 scripts/run.sh   skip scripts/setup.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -z "${SKIP_SETUP:-}" ]]; then
  scripts/setup.sh
fi

header "run: build the web UI (trunk build --release --offline)"
build_web
info "web UI built: $(find dist -maxdepth 1 -type f -printf '%f (%s bytes)  ')"

header "run: start the relay (wanedit-relay --simulate --serve dist)"
cargo build --release -p wanedit-relay
info "Open the URL the relay prints below (default http://127.0.0.1:8787/). Ctrl+C stops it."
# The demo simulator runs 10x faster than DashScope so a VACE task takes ~30 s, not ~5 min.
exec target/release/wanedit-relay --simulate --sim-time-scale 10 --serve dist "$@"
