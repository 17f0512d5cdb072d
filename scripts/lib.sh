# shellcheck shell=bash
# Shared environment and helpers for scripts/*.sh. Source it; do not run it.
#
# After sourcing: REPO is the repository root, the current directory is REPO, and PATH has
# tests/node_modules/.bin FIRST (npm binaryen's wasm-opt 132 must win over any Debian
# binaryen), then ~/.cargo/bin (wasm-bindgen, trunk).

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
cd "$REPO" || exit 1

export PATH="$REPO/tests/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_PROGRESS_WHEN=never

# Tool versions. wasm-bindgen must equal the crate pin in the root Cargo.toml.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen *= *"=\{0,1\}\([0-9][0-9.]*\)".*/\1/p' "$REPO/Cargo.toml" | head -n1)"
WASM_BINDGEN_VERSION="${WASM_BINDGEN_VERSION:-0.2.130}"
TRUNK_SERIES="0.21" # 0.22 needs a newer rustc than 1.95
WASM_OPT_VERSION="132"
# The nightly that builds the npm package (crates/client/build-npm.sh, -Zbuild-std): a dated
# one, so that a new day's nightly can neither change the package's bytes nor break its build.
# NIGHTLY_RUSTC is what `rustc --version` of that toolchain must say; setup.sh installs it.
NIGHTLY_TOOLCHAIN="nightly-2026-05-20"
NIGHTLY_RUSTC="rustc 1.97.0-nightly (e50aa6fba 2026-05-19)"
# Its flags for the browser builds (with -Zbuild-std=std,panic_abort): a panic is a trap with
# no message, location or formatting code linked.
NIGHTLY_WASM_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
export WASM_BINDGEN_VERSION TRUNK_SERIES WASM_OPT_VERSION NIGHTLY_TOOLCHAIN NIGHTLY_RUSTC NIGHTLY_WASM_RUSTFLAGS

# shellcheck disable=SC2034 # the colours are used by the scripts that source this file
if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  C_BOLD=$'\e[1m' C_RED=$'\e[31m' C_GREEN=$'\e[32m' C_YELLOW=$'\e[33m' C_OFF=$'\e[0m'
else
  C_BOLD='' C_RED='' C_GREEN='' C_YELLOW='' C_OFF=''
fi

# Seconds since the epoch (integer).
now() { date +%s; }

# 75 -> "1m15s"
fmt_secs() {
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

header() { printf '\n%s==== %s ====%s\n' "$C_BOLD" "$*" "$C_OFF"; }
info() { printf '%s\n' "$*"; }
warn() { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2
  exit 1
}

# Run as root, or through sudo when available.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo -n "$@"
  else
    die "need root (or sudo) for: $*"
  fi
}

# Builds the web UI into dist/ (Trunk, release, offline; PATH wasm-bindgen + npm wasm-opt).
# STRIP=debuginfo: `strip = true` in [profile.wasm-release] also drops the wasm
# `target_features` section, so wasm-bindgen warns and wasm-opt rejects the module
# ("memory.copy operations require bulk memory"). Names/debug info are still removed
# (wasm-opt drops them too), so the output size is the same. No-op once the profile says
# `strip = "debuginfo"`.
#
# Like the npm package, the web UI is built with the dated nightly (NIGHTLY_TOOLCHAIN) and
# -Zbuild-std with panic=immediate-abort (NIGHTLY_WASM_RUSTFLAGS): no panic message, location
# or the formatting code behind them is linked, and a panic is a trap. Measured on
# 2026-12-04 on the same tree (gzip -9): the app's wasm 389.9 KB with stable, 367.0 KB with
# this. (opt-level "s" instead of "z": 421.6 KB; -reference-types as in the npm build: 1.8 KB
# less wasm but 0.3 KB more glue, not taken.) Leptos'
# `--cfg erase_components` (see .cargo/config.toml, which an explicit RUSTFLAGS replaces)
# stays on. Its own target directory keeps the stable wasm32 cache (clippy-wasm, tests) warm.
# WANEDIT_WEB_TOOLCHAIN=stable builds with stable instead.
build_web() {
  if [[ "${WANEDIT_WEB_TOOLCHAIN:-nightly}" == stable ]]; then
    CARGO_PROFILE_WASM_RELEASE_STRIP=debuginfo RUST_BACKTRACE=0 trunk build --release --offline
  else
    RUSTUP_TOOLCHAIN="$NIGHTLY_TOOLCHAIN" CARGO_TARGET_DIR="$REPO/target/web-nightly" \
      CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      RUSTFLAGS="--cfg erase_components $NIGHTLY_WASM_RUSTFLAGS" \
      CARGO_PROFILE_WASM_RELEASE_STRIP=debuginfo RUST_BACKTRACE=0 trunk build --release --offline
  fi
  # Brotli and gzip once at build time; the relay serves them to browsers that accept them.
  node "$REPO/scripts/precompress.mjs" "$REPO/dist"
}
