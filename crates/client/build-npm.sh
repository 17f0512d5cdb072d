#!/usr/bin/env bash
# Builds the npm package `wanedit` from crates/client:
#
#   target/npm/wanedit/            the package directory
#   target/npm/wanedit-VERSION.tgz the tarball (`npm pack`)
#
# Three WebAssembly modules, all with the `wasm-release` profile (opt-level z, LTO, one codegen
# unit, panic=abort), wasm-bindgen `--target web`, then `wasm-opt -Oz` from npm binaryen 132:
#   wanedit_bg.wasm               the client: validate, needsOssResolve, toCurl, Client
#                                 (feature js)
#   upload/wanedit_upload_bg.wasm Client.upload, loaded by the first upload (feature
#                                 upload-module)
#   probe/wanedit_probe_bg.wasm   probeMedia and checkMedia, loaded lazily (feature probe-module)
#
# The toolchain is the dated nightly NIGHTLY_TOOLCHAIN of scripts/lib.sh (scripts/setup.sh installs
# it with rust-src and the wasm32 target):
# `-Zbuild-std` rebuilds the standard library with `-Cpanic=immediate-abort`, so no panic
# message, location or formatting code is linked (a panic is a trap); see NIGHTLY_RUSTFLAGS.
# It builds into target/npm-nightly, so the stable target directory keeps its cache.
# WANEDIT_NPM_TOOLCHAIN=stable builds with the stable toolchain instead (panic=abort; the main
# module is then about 8 KB gzipped larger). tools/slim-glue.mjs then shortens the names the
# modules and their glue share and removes comments from the glue and index.js.
#
# Then it prints the sizes (wasm + JS glue, gzip -9) and checks the budget of the main module
# (what a page that never uploads or probes downloads): it FAILS (exit 1) above
# WANEDIT_SIZE_BUDGET_KB (default 60) gzipped KB. The figures go to target/npm/sizes.txt too.
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
mkdir -p "$OUT/upload" "$OUT/probe" "$WORK"

# `strip = "debuginfo"`: see build_web in scripts/lib.sh (keep the target_features section).
TOOLCHAIN="${WANEDIT_NPM_TOOLCHAIN:-nightly}"
case "$TOOLCHAIN" in
  nightly)
    have="$(rustc "+$NIGHTLY_TOOLCHAIN" --version 2>/dev/null || true)"
    [[ "$have" == "$NIGHTLY_RUSTC" ]] ||
      die "$NIGHTLY_TOOLCHAIN must be '$NIGHTLY_RUSTC', got '${have:-not installed}' (scripts/setup.sh installs it)"
    for need in "component rust-src" "target wasm32-unknown-unknown"; do
      installed="$(rustup "${need%% *}" list --toolchain "$NIGHTLY_TOOLCHAIN" --installed 2>/dev/null || true)"
      grep -q "^${need#* }" <<<"$installed" ||
        die "$NIGHTLY_TOOLCHAIN ${need} is missing (scripts/setup.sh installs it)"
    done
    NIGHTLY_TARGET="$REPO/target/npm-nightly"
    # Without reference types wasm-bindgen keeps JavaScript values in a table on the
    # JavaScript side instead of an externref table, which costs less code in the module.
    NIGHTLY_RUSTFLAGS="$NIGHTLY_WASM_RUSTFLAGS"
    NIGHTLY_RUSTFLAGS+=" -Ctarget-feature=-reference-types"
    WASM="$NIGHTLY_TARGET/wasm32-unknown-unknown/wasm-release/wanedit_client.wasm"
    ;;
  stable) ;;
  *) die "WANEDIT_NPM_TOOLCHAIN must be nightly or stable, not $TOOLCHAIN" ;;
esac
build() { # features, output file
  info "cargo build ($TOOLCHAIN, wasm-release, features $1)"
  if [[ "$TOOLCHAIN" == nightly ]]; then
    env -u CARGO_ENCODED_RUSTFLAGS CARGO_TARGET_DIR="$NIGHTLY_TARGET" \
      CARGO_PROFILE_WASM_RELEASE_STRIP=debuginfo RUST_BACKTRACE=0 \
      RUSTFLAGS="$NIGHTLY_RUSTFLAGS" \
      cargo "+$NIGHTLY_TOOLCHAIN" build -q -p wanedit-client --target wasm32-unknown-unknown \
      --profile wasm-release --no-default-features --features "$1" \
      -Zbuild-std=std,panic_abort
  else
    CARGO_PROFILE_WASM_RELEASE_STRIP=debuginfo RUST_BACKTRACE=0 \
      cargo build -q -p wanedit-client --target wasm32-unknown-unknown --profile wasm-release \
      --no-default-features --features "$1"
  fi
  cp "$WASM" "$2"
}
build js "$WORK/main.wasm"
build upload-module "$WORK/upload.wasm"
build probe-module "$WORK/probe.wasm"

info "wasm-bindgen --target web"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name wanedit "$WORK/main.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$OUT/upload" --out-name wanedit_upload "$WORK/upload.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$OUT/probe" --out-name wanedit_probe "$WORK/probe.wasm"

# --low-memory-unused: Rust's data starts at 1 MiB and the stack grows down from there, so the
# first KB is only reached by a stack overflow. The last two drop sections nothing reads.
info "wasm-opt -Oz ($("$WASM_OPT" --version))"
for f in "$OUT/wanedit_bg.wasm" "$OUT/upload/wanedit_upload_bg.wasm" "$OUT/probe/wanedit_probe_bg.wasm"; do
  "$WASM_OPT" -Oz --low-memory-unused --converge --strip-producers --strip-target-features \
    "$f" -o "$f.opt"
  mv "$f.opt" "$f"
done

cp "$CRATE/npm/index.js" "$CRATE/npm/node.js" "$CRATE/npm/index.d.ts" "$CRATE/npm/README.md" "$OUT/"

# The embeddable editor (`wanedit/embed`): the web UI's own build (Trunk, dist/), copied as it
# is: embed.js, the app's glue + wasm + CSS it imports, and the media probe worker. One copy of
# the app's wasm serves both the app and the embed.
DIST="${WANEDIT_DIST:-$REPO/dist}"
[[ -f "$DIST/embed.js" ]] ||
  die "$DIST/embed.js not found: build the web UI first (scripts/test.sh web, or trunk build --release --offline)"
mkdir -p "$OUT/embed"
cp "$DIST"/embed.js "$DIST"/wanedit-web-*.js "$DIST"/wanedit-web-*_bg.wasm "$DIST"/style-*.css \
  "$DIST"/probe-worker-loader.js "$DIST"/probe-worker.js "$DIST"/probe-worker_bg.wasm "$OUT/embed/"
[[ -d "$DIST/snippets" ]] && cp -r "$DIST/snippets" "$OUT/embed/"
cp "$REPO/web/embed/embed.d.ts" "$OUT/embed/"
sed "s/@VERSION@/$VERSION/" "$CRATE/npm/package.json" >"$OUT/package.json"

info "slim-glue (short import/export names, no comments in the glue and index.js)"
node "$CRATE/tools/slim-glue.mjs" "$OUT" wanedit "$OUT/index.js"
node "$CRATE/tools/slim-glue.mjs" "$OUT/upload" wanedit_upload
node "$CRATE/tools/slim-glue.mjs" "$OUT/probe" wanedit_probe
for f in "$OUT/wanedit.js" "$OUT/index.js" "$OUT/upload/wanedit_upload.js" "$OUT/probe/wanedit_probe.js"; do
  node --check "$f" || die "slim-glue broke $f"
done

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
upload_wasm=$(size "$OUT/upload/wanedit_upload_bg.wasm")
upload_wasm_gz=$(gz "$OUT/upload/wanedit_upload_bg.wasm")
upload_glue=$(size "$OUT/upload/wanedit_upload.js")
upload_glue_gz=$(gz "$OUT/upload/wanedit_upload.js")
probe_wasm=$(size "$OUT/probe/wanedit_probe_bg.wasm")
probe_wasm_gz=$(gz "$OUT/probe/wanedit_probe_bg.wasm")
probe_glue=$(size "$OUT/probe/wanedit_probe.js")
probe_glue_gz=$(gz "$OUT/probe/wanedit_probe.js")
main_total_gz=$((main_wasm_gz + glue_gz))
embed_js_gz=$(gz "$OUT/embed/embed.js")
app_wasm="$(ls "$OUT"/embed/wanedit-web-*_bg.wasm)"
app_glue="$(ls "$OUT"/embed/wanedit-web-*.js)"
app_css="$(ls "$OUT"/embed/style-*.css)"
app_gz=$(($(gz "$app_wasm") + $(gz "$app_glue") + $(gz "$app_css")))
cmp -s "$app_wasm" "$DIST/$(basename "$app_wasm")" || die "the embed's wasm differs from the app's"
{
  printf 'wanedit %s (%s)\n' "$VERSION" "$(basename "$TARBALL"), $(kb "$(size "$TARBALL")")"
  printf '  main   wasm %s (gz %s) + glue wanedit.js+index.js %s (gz %s) = gz %s\n' \
    "$(kb "$main_wasm")" "$(kb "$main_wasm_gz")" "$(kb "$glue")" "$(kb "$glue_gz")" "$(kb "$main_total_gz")"
  printf '  upload wasm %s (gz %s) + glue %s (gz %s), loaded only for Client.upload\n' \
    "$(kb "$upload_wasm")" "$(kb "$upload_wasm_gz")" "$(kb "$upload_glue")" "$(kb "$upload_glue_gz")"
  printf '  probe  wasm %s (gz %s) + glue %s (gz %s), loaded only for probeMedia/checkMedia\n' \
    "$(kb "$probe_wasm")" "$(kb "$probe_wasm_gz")" "$(kb "$probe_glue")" "$(kb "$probe_glue_gz")"
  printf '  budget: main gz %s, goal 20 KB, limit %s KB\n' "$(kb "$main_total_gz")" "$BUDGET_KB"
  printf '  embed  embed.js gz %s added over the app'"'"'s own files (wasm + glue + CSS gz %s, the same files the app loads)\n' \
    "$(kb "$embed_js_gz")" "$(kb "$app_gz")"
} | tee "$NPM/sizes.txt"

if ((check_size)) && ((main_total_gz > BUDGET_KB * 1024)); then
  printf '%sSIZE BUDGET EXCEEDED:%s the main module is %s gzipped; the limit is %s KB.\n' \
    "$C_RED" "$C_OFF" "$(kb "$main_total_gz")" "$BUDGET_KB" >&2
  exit 1
fi
info "package: $OUT"
info "tarball: $TARBALL"
