#!/usr/bin/env bash
# Builds the npm package `wanedit` from crates/client:
#
#   target/npm/wanedit/            the package directory
#   target/npm/wanedit-VERSION.tgz the tarball (`npm pack`)
#
# Two WebAssembly modules, both with the `wasm-release` profile (opt-level z, LTO, one codegen
# unit, panic=abort), wasm-bindgen `--target web`, then `wasm-opt -Oz` from npm binaryen 132:
#   wanedit_bg.wasm               the client: validate, needsOssResolve, toCurl, Client
#                                 (feature js)
#   probe/wanedit_probe_bg.wasm   probeMedia and checkMedia, loaded lazily (feature probe-module)
#
# Then it prints the sizes (wasm + JS glue, gzip -9) and checks the budget of the main module
# (what a page that never probes downloads): it FAILS (exit 1) above WANEDIT_SIZE_BUDGET_KB
# (default 60) gzipped KB. The figures go to target/npm/sizes.txt too.
#
#   crates/client/build-npm.sh                     build, pack, size check
#   crates/client/build-npm.sh --skip-size-check   build and pack only (the tests use this)
set -euo pipefail
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

check_size=1
for arg in "$@"; do
  case "$arg" in
    --skip-size-check) check_size=0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

CRATE="$REPO/crates/client"
NPM="$REPO/target/npm"
OUT="$NPM/wanedit"
WORK="$NPM/build"
WASM="$REPO/target/wasm32-unknown-unknown/wasm-release/wanedit_client.wasm"
BUDGET_KB="${WANEDIT_SIZE_BUDGET_KB:-60}"

command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found (scripts/setup.sh installs it)"
[[ "$(wasm-bindgen --version)" == *"$WASM_BINDGEN_VERSION"* ]] ||
  die "wasm-bindgen $(wasm-bindgen --version) does not match the crate pin $WASM_BINDGEN_VERSION"
WASM_OPT="$REPO/tests/node_modules/.bin/wasm-opt"
[[ -x "$WASM_OPT" ]] || die "npm binaryen's wasm-opt not found at $WASM_OPT (npm ci in tests/)"
[[ "$("$WASM_OPT" --version)" == *"version $WASM_OPT_VERSION"* ]] ||
  die "wasm-opt must be version $WASM_OPT_VERSION, got: $("$WASM_OPT" --version)"

# Duplicate crate versions in the browser build make it bigger; report them.
dups="$(cargo tree -q -d -e normal -p wanedit-client --target wasm32-unknown-unknown \
  --no-default-features --features js 2>/dev/null || true)"
if [[ -n "$dups" ]]; then
  warn "duplicate crate versions in the main module's dependency tree:"
  printf '%s\n' "$dups" >&2
fi

VERSION="$(cargo metadata --no-deps --format-version 1 |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages.find(p=>p.name==="wanedit-client");console.log(p.version)})')"

rm -rf "$OUT" "$WORK"
mkdir -p "$OUT/probe" "$WORK"

# `strip = "debuginfo"`: see build_web in scripts/lib.sh (keep the target_features section).
build() { # features, output file
  info "cargo build (wasm-release, features $1)"
  CARGO_PROFILE_WASM_RELEASE_STRIP=debuginfo RUST_BACKTRACE=0 \
    cargo build -q -p wanedit-client --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "$1"
  cp "$WASM" "$2"
}
build js "$WORK/main.wasm"
build probe-module "$WORK/probe.wasm"

info "wasm-bindgen --target web"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name wanedit "$WORK/main.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$OUT/probe" --out-name wanedit_probe "$WORK/probe.wasm"

info "wasm-opt -Oz ($("$WASM_OPT" --version))"
for f in "$OUT/wanedit_bg.wasm" "$OUT/probe/wanedit_probe_bg.wasm"; do
  "$WASM_OPT" -Oz "$f" -o "$f.opt"
  mv "$f.opt" "$f"
done

cp "$CRATE/npm/index.js" "$CRATE/npm/node.js" "$CRATE/npm/index.d.ts" "$CRATE/npm/README.md" "$OUT/"
sed "s/@VERSION@/$VERSION/" "$CRATE/npm/package.json" >"$OUT/package.json"

info "npm pack"
rm -f "$NPM"/wanedit-*.tgz
(cd "$OUT" && npm pack --silent --pack-destination "$NPM" >/dev/null)
TARBALL="$NPM/wanedit-$VERSION.tgz"
[[ -f "$TARBALL" ]] || die "npm pack did not write $TARBALL"

# --- sizes ---------------------------------------------------------------------------------
size() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
main_wasm=$(size "$OUT/wanedit_bg.wasm")
main_wasm_gz=$(gz "$OUT/wanedit_bg.wasm")
glue=$(($(size "$OUT/wanedit.js") + $(size "$OUT/index.js")))
glue_gz=$(($(gz "$OUT/wanedit.js") + $(gz "$OUT/index.js")))
probe_wasm=$(size "$OUT/probe/wanedit_probe_bg.wasm")
probe_wasm_gz=$(gz "$OUT/probe/wanedit_probe_bg.wasm")
probe_glue=$(size "$OUT/probe/wanedit_probe.js")
probe_glue_gz=$(gz "$OUT/probe/wanedit_probe.js")
main_total_gz=$((main_wasm_gz + glue_gz))
{
  printf 'wanedit %s (%s)\n' "$VERSION" "$(basename "$TARBALL"), $(kb "$(size "$TARBALL")")"
  printf '  main   wasm %s (gz %s) + glue wanedit.js+index.js %s (gz %s) = gz %s\n' \
    "$(kb "$main_wasm")" "$(kb "$main_wasm_gz")" "$(kb "$glue")" "$(kb "$glue_gz")" "$(kb "$main_total_gz")"
  printf '  probe  wasm %s (gz %s) + glue %s (gz %s), loaded only for probeMedia/checkMedia\n' \
    "$(kb "$probe_wasm")" "$(kb "$probe_wasm_gz")" "$(kb "$probe_glue")" "$(kb "$probe_glue_gz")"
  printf '  budget: main gz %s, goal 20 KB, limit %s KB\n' "$(kb "$main_total_gz")" "$BUDGET_KB"
} | tee "$NPM/sizes.txt"

if ((check_size)) && ((main_total_gz > BUDGET_KB * 1024)); then
  printf '%sSIZE BUDGET EXCEEDED:%s the main module is %s gzipped; the limit is %s KB.\n' \
    "$C_RED" "$C_OFF" "$(kb "$main_total_gz")" "$BUDGET_KB" >&2
  exit 1
fi
info "package: $OUT"
info "tarball: $TARBALL"
