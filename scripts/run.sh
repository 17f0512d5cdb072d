#!/usr/bin/env bash
# THE run command: installs what is missing (scripts/setup.sh), builds the web UI into dist/,
# then starts the app.
#
# Today the relay is not written yet, so this stops after the build. Later it will run
#   wanedit-relay --simulate --serve dist
# (the relay serving the UI with the built-in simulator standing in for DashScope).
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

header "run: start"
# When crates/relay grows its binary, replace this block with:
#   cargo build --release -p wanedit-relay
#   exec target/release/wanedit-relay --simulate --serve dist "$@"
info "The relay (wanedit-relay --simulate --serve dist) and the full web UI are coming;"
info "for now the proof page is built in $REPO/dist."
info "To look at it: node tests/serve.mjs   (serves dist/ on http://127.0.0.1:8080/)"
