#!/usr/bin/env bash
# Optional check of the npm package `wanedit` in a Vite project (needs the npm registry to
# install Vite): installs Vite and the packed tarball into a temporary folder, then
# crates/client/tests/vite-check.mjs runs `vite build` and the dev server and loads both in
# headless Chromium.
#
#   scripts/client-vite.sh                  Vite 8.3.8 (build and dev server must work)
#   VITE_VERSION=5.4.21 scripts/client-vite.sh   (Vite 5: the build works; its dev server
#                                            needs optimizeDeps.exclude, see the package README)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VITE_VERSION="${VITE_VERSION:-8.3.8}"
tarball="$(find "$REPO/target/npm" -maxdepth 1 -name 'wanedit-*.tgz' 2>/dev/null | head -n1)"
if [[ -z "$tarball" ]]; then
  crates/client/build-npm.sh --skip-size-check
  tarball="$(find "$REPO/target/npm" -maxdepth 1 -name 'wanedit-*.tgz' | head -n1)"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '{"name":"vite-check","private":true,"type":"module"}\n' >"$tmp/package.json"
(cd "$tmp" && npm install --no-audit --no-fund --loglevel=error "vite@$VITE_VERSION" "$tarball")
node "$REPO/crates/client/tests/vite-check.mjs" "$tmp"
