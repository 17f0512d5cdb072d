#!/usr/bin/env bash
# THE test command: installs what is missing (scripts/setup.sh), then runs every check.
#
#   scripts/test.sh              all steps
#   scripts/test.sh clippy e2e   only the named steps (see `scripts/test.sh --list`)
#   SKIP_SETUP=1 scripts/test.sh skip scripts/setup.sh (tools already installed)
#
# Every step runs even when an earlier one failed (so one run shows every problem), except
# steps that need the output of a failed step, which are skipped. Exit status is non-zero
# when any step failed or was skipped.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- The steps: "key|title|command". Add new checks here (in order). --------------------
# A step's command runs in bash from the repo root; `needs:<key>` at the start of the command
# skips the step unless step <key> passed.
STEPS=(
  "fmt|cargo fmt --all --check|fmt_check"
  "clippy|cargo clippy (workspace, all targets, -D warnings)|cargo clippy --workspace --all-targets -- -D warnings"
  "clippy-wasm|cargo clippy (browser crates on wasm32, -D warnings)|cargo clippy -p wanedit-web -p wanedit-client --target wasm32-unknown-unknown -- -D warnings"
  "test|cargo test --workspace|cargo test --workspace"
  "core-wasm-min|wanedit-core on wasm32 (no default features)|cargo build -p wanedit-core --target wasm32-unknown-unknown --no-default-features"
  "core-wasm|wanedit-core on wasm32 (default features)|cargo build -p wanedit-core --target wasm32-unknown-unknown"
  "client-wasm|wasm-bindgen-test (wanedit-client vs relay + simulator, headless Chromium)|crates/client/run-browser-tests.sh"
  # Later: relay integration tests (cargo test -p wanedit-relay --test ...) / relay + simulator e2e.
  "relay-bin|cargo build -p wanedit-relay (the relay the UI browser tests start)|cargo build -p wanedit-relay"
  "web|trunk build --release --offline (web UI -> dist/)|build_web"
  "client-npm|npm package wanedit (client + the embed from dist/): size budget (fails above 60 KB gz), then Node 20 and a plain HTML page, the validation golden table, Vite and esbuild, its types (tsc) and slim-glue|needs:web crates/client/build-npm.sh && node --test --test-reporter=spec tests/client-npm.spec.mjs tests/client-golden.spec.mjs tests/bundler/bundler.spec.mjs crates/client/tests/types.spec.mjs crates/client/tools/slim-glue.test.mjs"
  "e2e|browser tests (node --test tests/*.spec.mjs, headless Chromium)|needs:web run_e2e"
  "sdk-python|official DashScope Python SDK (tests/sdk, pytest) via relay + simulator and the simulator alone|needs:relay-bin run_sdk_python"
  "ai-sdk|Vercel AI SDK Alibaba provider (tests/ai-sdk, node --test) via relay + simulator|needs:relay-bin run_ai_sdk"
  "replicas|3 relay replicas (shared upload secret) behind nginx, one wanedit-sim; SIGTERM + SIGKILL mid-run|run_replicas"
)

fmt_check() {
  # rustfmt's diff is coloured even into a log file unless told otherwise.
  if [[ -t 1 ]]; then cargo fmt --all --check; else cargo fmt --all --check -- --color never; fi
}

run_e2e() {
  rm -rf tests/artifacts
  # The npm package's own specs run in the client-npm step.
  local specs=()
  for spec in tests/*.spec.mjs; do [[ "$spec" == tests/client-* ]] || specs+=("$spec"); done
  node --test --test-reporter=spec "${specs[@]}"
  info "artifacts: $(find tests/artifacts -type f -printf '%p  ' 2>/dev/null)"
}

run_replicas() {
  # crates/relay/tests/replicas.rs is ignored by a plain `cargo test` (it needs nginx and the
  # simulator binary). With the Python SDK suite's venv present, the SDK's own flow runs too.
  cargo build -p wanedit-relay -p wanedit-sim
  local sdk=""
  [[ -x tests/sdk/.venv/bin/python ]] && tests/sdk/.venv/bin/python -c 'import dashscope' 2>/dev/null &&
    sdk="$PWD/tests/sdk/.venv/bin/python"
  WANEDIT_SDK_PYTHON="$sdk" cargo test -p wanedit-relay --test replicas -- --ignored --nocapture
}

# Third-party clients (tests/sdk, tests/ai-sdk) against the relay and simulator binaries.
# Each run is bounded (10 min) and must run at least one test: pytest exits 5 on none, and
# node's runner, which exits 0 on none, is checked on its summary line.
run_sdk_python() {
  cargo build -p wanedit-relay -p wanedit-sim
  timeout 600 tests/sdk/.venv/bin/python -m pytest tests/sdk
}

run_ai_sdk() {
  cargo build -p wanedit-relay -p wanedit-sim
  local log rc=0
  log="$(mktemp)"
  timeout 600 node --test --test-reporter=spec tests/ai-sdk/*.spec.mjs 2>&1 | tee "$log" || rc=$?
  grep -Eq '^ℹ tests [1-9]' "$log" || { warn "tests/ai-sdk ran no test"; rc=1; }
  rm -f "$log"
  return "$rc"
}

if [[ "${1:-}" == "--list" ]]; then
  for s in "${STEPS[@]}"; do IFS='|' read -r key title _ <<<"$s" && printf '%-14s %s\n' "$key" "$title"; done
  exit 0
fi
selected=("$@")
for want in "${selected[@]}"; do
  found=0
  for s in "${STEPS[@]}"; do [[ "${s%%|*}" == "$want" ]] && found=1; done
  ((found)) || die "unknown step '$want' (see: scripts/test.sh --list)"
done

total_start=$(now)
results=()
declare -A status=()
failed=0

if [[ -z "${SKIP_SETUP:-}" ]]; then
  t0=$(now)
  if scripts/setup.sh; then
    results+=("PASS  setup  ($(fmt_secs $(($(now) - t0))))")
  else
    die "scripts/setup.sh failed; nothing was tested"
  fi
fi

for s in "${STEPS[@]}"; do
  IFS='|' read -r key title cmd <<<"$s"
  if ((${#selected[@]})) && [[ " ${selected[*]} " != *" $key "* ]]; then
    continue
  fi
  header "$key: $title"
  if [[ "$cmd" == needs:* ]]; then
    dep="${cmd%% *}"
    dep="${dep#needs:}"
    cmd="${cmd#* }"
    if [[ "${status[$dep]:-}" != PASS ]] && { ((${#selected[@]} == 0)) || [[ " ${selected[*]} " == *" $dep "* ]]; }; then
      info "SKIPPED: needs step '$dep', which did not pass"
      status[$key]=SKIP
      results+=("SKIP  $key  (needs $dep)")
      failed=$((failed + 1))
      continue
    fi
  fi
  info "\$ $cmd"
  t0=$(now)
  # In a subshell with errexit active (it would be ignored inside an `if` condition).
  set +e
  (
    set -e
    eval "$cmd"
  )
  rc=$?
  set -e
  if ((rc == 0)); then
    status[$key]=PASS
  else
    status[$key]=FAIL
    failed=$((failed + 1))
  fi
  secs=$(($(now) - t0))
  info "${status[$key]}: $key in $(fmt_secs "$secs")$( ((rc)) && echo " (exit status $rc)")"
  results+=("${status[$key]}  $key  ($(fmt_secs "$secs"))")
done

header "summary"
for r in "${results[@]}"; do
  case "$r" in
    PASS*) printf '%s%s%s\n' "$C_GREEN" "$r" "$C_OFF" ;;
    *) printf '%s%s%s\n' "$C_RED" "$r" "$C_OFF" ;;
  esac
done
npass=0
for k in "${!status[@]}"; do [[ "${status[$k]}" == PASS ]] && npass=$((npass + 1)); done
elapsed=$(fmt_secs $(($(now) - total_start)))
if ((failed)); then
  printf '%stest.sh: FAILED: %d of %d steps did not pass (%s)%s\n' "$C_RED" "$failed" "${#status[@]}" "$elapsed" "$C_OFF"
  exit 1
fi
printf '%stest.sh: OK: all %d steps passed (%s)%s\n' "$C_GREEN" "$npass" "$elapsed" "$C_OFF"
