#!/usr/bin/env bash
# Installs everything the build and the tests need. Idempotent: each tool's version is checked
# first and only missing or wrong ones are installed, so a warm run takes a few seconds.
#
#   Rust:    rustfmt + clippy components, wasm32-unknown-unknown target, crate downloads
#            (`cargo fetch`, so the offline Trunk build finds every crate); for the npm
#            package (crates/client/build-npm.sh: -Zbuild-std) the dated nightly
#            NIGHTLY_TOOLCHAIN of scripts/lib.sh with rust-src and the wasm32 target
#   cargo:   wasm-bindgen-cli (= the wasm-bindgen pin in Cargo.toml), trunk 0.21.x
#   apt:     chromium, chromium-driver (headless browser tests), nginx-light (the replicas
#            test: three relays behind nginx)
#   npm:     tests/ deps from tests/package-lock.json: playwright-core (drives the system
#            Chromium; never downloads a browser) and binaryen 132 (wasm-opt for Trunk);
#            tests/ai-sdk/ deps from its lockfile: `ai` + `@ai-sdk/alibaba` (Vercel AI SDK);
#            tests/bundler/ deps from its lockfile: vite + esbuild (the package in bundlers)
#   PyPI:    tests/sdk/.venv from tests/sdk/requirements.txt: `dashscope` (the official
#            DashScope SDK) + pytest, every dependency pinned (Python >= 3.9: WANEDIT_PYTHON,
#            else /root/.pyenv/shims/python3, python3.11, python3)
#
# Needs network access to crates.io, the Rust toolchain server (first run), Debian apt, npm
# and PyPI.
# Usage: scripts/setup.sh   (environment: SETUP_SKIP_APT=1 to never call apt-get)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_start=$(now)
did=()
skipped=()
ok() { skipped+=("$1"); info "  ok       $1"; }
installing() { did+=("$1"); info "  install  $1"; }

header "setup: Rust toolchain"
command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs) first"
command -v rustup >/dev/null || die "rustup not found: it is needed to add the wasm32 target"
info "  $(rustc --version)"
for component in rustfmt clippy; do
  if rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
    ok "rustup component $component"
  else
    installing "rustup component $component"
    rustup component add "$component"
  fi
done
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "rustup target wasm32-unknown-unknown"
else
  installing "rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The npm package is built with a dated nightly (NIGHTLY_TOOLCHAIN in scripts/lib.sh) and
# -Zbuild-std (crates/client/build-npm.sh), which needs the standard library's sources and the
# wasm32 target of that toolchain. The date is pinned so that a new day cannot change the
# package's bytes or break its build; `rustc --version` must say NIGHTLY_RUSTC.
if [[ "$(rustc "+$NIGHTLY_TOOLCHAIN" --version 2>/dev/null || true)" == "$NIGHTLY_RUSTC" ]]; then
  ok "rust toolchain $NIGHTLY_TOOLCHAIN"
else
  installing "rust toolchain $NIGHTLY_TOOLCHAIN (minimal profile)"
  rustup toolchain install "$NIGHTLY_TOOLCHAIN" --profile minimal --no-self-update
  have="$(rustc "+$NIGHTLY_TOOLCHAIN" --version 2>/dev/null || true)"
  [[ "$have" == "$NIGHTLY_RUSTC" ]] || die "$NIGHTLY_TOOLCHAIN says '$have', expected '$NIGHTLY_RUSTC'"
fi
nightly_components="$(rustup component list --toolchain "$NIGHTLY_TOOLCHAIN" --installed 2>/dev/null || true)"
if grep -qx rust-src <<<"$nightly_components"; then
  ok "rustup component rust-src ($NIGHTLY_TOOLCHAIN)"
else
  installing "rustup component rust-src ($NIGHTLY_TOOLCHAIN)"
  rustup component add rust-src --toolchain "$NIGHTLY_TOOLCHAIN"
fi
nightly_targets="$(rustup target list --toolchain "$NIGHTLY_TOOLCHAIN" --installed 2>/dev/null || true)"
if grep -qx wasm32-unknown-unknown <<<"$nightly_targets"; then
  ok "rustup target wasm32-unknown-unknown ($NIGHTLY_TOOLCHAIN)"
else
  installing "rustup target wasm32-unknown-unknown ($NIGHTLY_TOOLCHAIN)"
  rustup target add wasm32-unknown-unknown --toolchain "$NIGHTLY_TOOLCHAIN"
fi
# -Zbuild-std compiles the standard library's own dependencies; the web UI's Trunk build is
# offline, so they are fetched here (a no-op once they are in the cargo cache).
nightly_library="$(rustc "+$NIGHTLY_TOOLCHAIN" --print sysroot)/lib/rustlib/src/rust/library"
cargo "+$NIGHTLY_TOOLCHAIN" fetch -q --manifest-path "$nightly_library/Cargo.toml"
info "  $NIGHTLY_RUSTC ($NIGHTLY_TOOLCHAIN)"

header "setup: system packages (apt)"
apt_pkgs=()
[[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
[[ -x /usr/bin/chromedriver ]] || apt_pkgs+=(chromium-driver)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || apt_pkgs+=(nginx-light)
if ((${#apt_pkgs[@]} == 0)); then
  ok "chromium, chromium-driver ($(/usr/bin/chromium --version 2>/dev/null | head -n1)), nginx"
elif [[ -n "${SETUP_SKIP_APT:-}" ]]; then
  die "missing ${apt_pkgs[*]} and SETUP_SKIP_APT is set"
else
  installing "apt: ${apt_pkgs[*]}"
  as_root apt-get update -q -o DPkg::Lock::Timeout=120
  as_root apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends "${apt_pkgs[@]}" fonts-liberation
fi

header "setup: npm packages (tests/)"
command -v node >/dev/null || die "node not found: install Node.js >= 20"
command -v npm >/dev/null || die "npm not found"
# Up to date when every package in the lockfile is installed at the locked version.
npm_current() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("tests/package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages || {})) {
      if (!path.startsWith("node_modules/")) continue;
      const pkg = JSON.parse(fs.readFileSync("tests/" + path + "/package.json", "utf8"));
      if (pkg.version !== meta.version) process.exit(1);
    }' 2>/dev/null
}
[[ -f tests/package-lock.json ]] || die "tests/package-lock.json is missing (run: npm install --prefix tests)"
if [[ -d tests/node_modules ]] && npm_current; then
  ok "tests/node_modules ($(cd tests && node -p 'require("playwright-core/package.json").version' 2>/dev/null | sed 's/^/playwright-core /'))"
else
  installing "npm ci (tests/)"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
wasm_opt_version="$(wasm-opt --version 2>/dev/null || true)"
[[ "$(command -v wasm-opt)" == "$REPO/tests/node_modules/.bin/wasm-opt" ]] ||
  die "wasm-opt on PATH is $(command -v wasm-opt || echo none), expected tests/node_modules/.bin/wasm-opt"
[[ "$wasm_opt_version" == *"version_${WASM_OPT_VERSION}"* ]] ||
  die "wasm-opt reports '$wasm_opt_version', expected version_${WASM_OPT_VERSION}"
info "  wasm-opt: $wasm_opt_version (npm binaryen)"

header "setup: third-party client suites (tests/sdk, tests/ai-sdk)"
# The official DashScope Python SDK + pytest, exactly as pinned in tests/sdk/requirements.txt,
# in the git-ignored venv tests/sdk/.venv. Up to date when the stamp written after the last
# install holds the requirements file's hash and the venv's python still runs.
sdk_req=tests/sdk/requirements.txt
sdk_venv=tests/sdk/.venv
sdk_hash="$(sha256sum "$sdk_req" | cut -d' ' -f1)"
if [[ -x "$sdk_venv/bin/python" && "$(cat "$sdk_venv/.requirements.sha256" 2>/dev/null)" == "$sdk_hash" ]] &&
  "$sdk_venv/bin/python" -c '' 2>/dev/null; then
  ok "$sdk_venv ($(grep -E '^(dashscope|pytest)==' "$sdk_req" | paste -sd' ' -))"
else
  installing "python venv $sdk_venv from $sdk_req"
  sdk_python=""
  for p in "${WANEDIT_PYTHON:-}" /root/.pyenv/shims/python3 python3.11 python3; do
    if [[ -n "$p" ]] && command -v "$p" >/dev/null &&
      "$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
      sdk_python="$p"
      break
    fi
  done
  [[ -n "$sdk_python" ]] || die "no Python >= 3.9 with venv found (set WANEDIT_PYTHON; Debian: apt-get install python3-venv)"
  info "  $("$sdk_python" --version) ($sdk_python)"
  rm -rf "$sdk_venv"
  "$sdk_python" -m venv "$sdk_venv"
  "$sdk_venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$sdk_req"
  echo "$sdk_hash" >"$sdk_venv/.requirements.sha256"
fi
# npm suites with their own lockfile: up to date when every package the lockfile lists is
# installed at its locked version.
lock_current() { # dir
  node -e '
    const fs = require("fs");
    const dir = process.argv[1];
    const lock = JSON.parse(fs.readFileSync(dir + "/package-lock.json", "utf8"));
    for (const [path, meta] of Object.entries(lock.packages || {})) {
      if (!path.startsWith("node_modules/")) continue;
      if (meta.optional && !fs.existsSync(dir + "/" + path)) continue;
      const pkg = JSON.parse(fs.readFileSync(dir + "/" + path + "/package.json", "utf8"));
      if (pkg.version !== meta.version) process.exit(1);
    }' "$1" 2>/dev/null
}
npm_suite() { # dir, packages to name in the log
  local dir="$1"
  shift
  if [[ -d "$dir/node_modules" ]] && lock_current "$dir"; then
    ok "$dir/node_modules ($(cd "$dir" && node -p 'process.argv.slice(1).map((p) => p + " " + require(p + "/package.json").version).join(", ")' "$@" 2>/dev/null))"
  else
    installing "npm ci ($dir/)"
    # The AI SDK packages declare node >= 22; their Node APIs work on 20 (the suite runs there).
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false)
  fi
}
# The Vercel AI SDK + its Alibaba provider; Vite + esbuild for the bundler suite.
npm_suite tests/ai-sdk ai @ai-sdk/alibaba
npm_suite tests/bundler vite esbuild

header "setup: cargo tools"
# Compile the tools quickly rather than optimally (about 2x faster to install).
fast_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install "$@"
}
wbg="$(wasm-bindgen --version 2>/dev/null || true)"
if [[ "$wbg" == "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  ok "$wbg"
else
  installing "wasm-bindgen-cli $WASM_BINDGEN_VERSION (was: ${wbg:-none}; takes ~5 min)"
  # No --locked: the CLI's own lockfile does not build with the current toolchain.
  fast_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
trunk_v="$(trunk --version 2>/dev/null || true)"
if [[ "$trunk_v" == "trunk ${TRUNK_SERIES}."* ]]; then
  ok "$trunk_v"
else
  installing "trunk ~${TRUNK_SERIES} (was: ${trunk_v:-none}; takes ~9 min)"
  fast_install trunk --version "~${TRUNK_SERIES}" --locked --force
fi
# Trunk.toml pins the same wasm-bindgen version (Trunk runs offline and never downloads).
grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml ||
  die "Trunk.toml [tools] wasm_bindgen must be \"$WASM_BINDGEN_VERSION\" (the pin in Cargo.toml)"

header "setup: crates"
# Downloads every crate for every target (incl. wasm-only ones) so `trunk build --offline` works.
cargo fetch --quiet
ok "cargo fetch"

header "setup: done in $(fmt_secs $(($(now) - setup_start)))"
if ((${#did[@]})); then
  info "  installed: ${did[*]}"
else
  info "  installed: nothing (all ${#skipped[@]} checks already satisfied)"
fi
