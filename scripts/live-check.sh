#!/usr/bin/env bash
# Runs the official Python SDK and wanedit's own relay against the REAL DashScope, with your key,
# on the documents' public sample media and the cheapest settings. CI never runs it (no internet
# there); it is for a person with a key who wants to see the real service agree with the
# simulator.
#
#   scripts/live-check.sh                      no key: prints the plan and the cost, calls nothing
#   DASHSCOPE_API_KEY=sk-... scripts/live-check.sh
#
# Environment:
#   DASHSCOPE_API_KEY  your key (never printed, never passed as a flag)
#   LIVE_REGION        intl (default) or cn: the key's region (keys work only in their own)
#   LIVE_VACE=1        also run one VACE video_repainting task (5 s of output: costs more)
#   LIVE_CONFIRM=yes   proceed without the question (for non-interactive use)
#   LIVE_PYTHON        the Python with the SDK (default: tests/sdk/.venv, made by setup.sh)
#   LIVE_BASE_URL      another host for the region (a workspace host; or the simulator, which
#                      is how scripts/test.sh checks this script without spending anything)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

region="${LIVE_REGION:-intl}"
case "$region" in
  intl | cn) ;;
  *) die "LIVE_REGION must be intl or cn (the regions where the documents offer these models)" ;;
esac
# The documents' own public sample media (shared/seeds 004 and 001).
WAN27_VIDEO="https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20260402/ldnfdf/wan2.7-videoedit-style-change.mp4"
VACE_VIDEO="http://wanx.alicdn.com/material/20250318/video_repainting_1.mp4"
vace_model=wan2.1-vace-plus
[[ "$region" == cn ]] && vace_model=wanx2.1-vace-plus
base_url="${LIVE_BASE_URL:-$(
  [[ "$region" == cn ]] && echo https://dashscope.aliyuncs.com || echo https://dashscope-intl.aliyuncs.com
)}"

plan() {
  cat <<EOF
live check against DashScope region '$region' ($base_url) — what it does:
  1. wanedit-relay check   (one GET /api/v1/tasks?page_size=1: free)
  2. starts wanedit-relay on 127.0.0.1 holding your key, with a random access token
  3. the official Python SDK (dashscope, tests/sdk/.venv) through the relay, the token as its
     api_key: wan2.7-videoedit, 720P, parameters.duration 2 (the shortest), on
     $WAN27_VIDEO
     -> async_call, wait to SUCCEEDED, print the video_url
  4. the same task fetched with the SDK straight from DashScope (no relay), compared
EOF
  if [[ -n "${LIVE_VACE:-}" ]]; then
    echo "  5. one $vace_model video_repainting task (depth) on $VACE_VIDEO, through the relay"
  fi
  cat <<EOF

COST: this creates real, billed tasks on your account: 2 s of 720P wan2.7-videoedit output$(
    [[ -n "${LIVE_VACE:-}" ]] && echo ", plus one 5 s VACE video") at your account's price.
EOF
}

plan
if [[ -z "${DASHSCOPE_API_KEY:-}" ]]; then
  echo
  echo "DASHSCOPE_API_KEY is not set: nothing was called. Set it to run the check."
  exit 0
fi
if [[ "${LIVE_CONFIRM:-}" != yes ]]; then
  if [[ -t 0 ]]; then
    read -r -p "Proceed and spend on your account? [y/N] " answer
    [[ "$answer" == y || "$answer" == Y ]] || { echo "stopped; nothing was called"; exit 0; }
  else
    echo "not a terminal and LIVE_CONFIRM is not 'yes': nothing was called"
    exit 0
  fi
fi

py="${LIVE_PYTHON:-$REPO/tests/sdk/.venv/bin/python}"
[[ -x "$py" ]] || die "no SDK venv at tests/sdk/.venv: run scripts/setup.sh first"
header "live: build the relay"
cargo build -q -p wanedit-relay
relay_bin="$REPO/target/debug/wanedit-relay"

header "live: 1. wanedit-relay check"
"$relay_bin" check --upstream "$region=$base_url"

header "live: 2. relay holding the key"
token="live-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
log="$(mktemp)"
WANEDIT_ACCESS_TOKEN="$token" "$relay_bin" --listen 127.0.0.1:0 --upstream "$region=$base_url" \
  --log-format json 2>"$log" &
relay_pid=$!
trap 'kill "$relay_pid" 2>/dev/null || true; rm -f "$log"' EXIT
addr=""
for _ in $(seq 100); do
  addr="$(grep -o '"addr":"[^"]*"' "$log" | head -n1 | cut -d'"' -f4 || true)"
  [[ -n "$addr" ]] && break
  sleep 0.1
done
[[ -n "$addr" ]] || die "the relay did not start: $(cat "$log")"
info "  relay at http://$addr/$region"

header "live: 3-5. the official SDK"
LIVE_BASE="http://$addr/$region/api/v1" LIVE_TOKEN="$token" LIVE_DIRECT="$base_url/api/v1" \
  WAN27_VIDEO="$WAN27_VIDEO" VACE_VIDEO="$VACE_VIDEO" VACE_MODEL="$vace_model" \
  "$py" - <<'PY'
import os
import dashscope
from dashscope import VideoSynthesis

key = os.environ["DASHSCOPE_API_KEY"]
direct = os.environ["LIVE_DIRECT"]
relay, token = os.environ["LIVE_BASE"], os.environ["LIVE_TOKEN"]

def through_relay():
    dashscope.base_http_api_url = relay
    return token

api_key = through_relay()
rsp = VideoSynthesis.async_call(model="wan2.7-videoedit", api_key=api_key,
                                prompt="Turn the scene into a clay animation.",
                                media=[{"type": "video", "url": os.environ["WAN27_VIDEO"]}],
                                resolution="720P", duration=2)
print("SDK async_call through the relay:", rsp.status_code, rsp.output.task_id)
done = VideoSynthesis.wait(rsp, api_key=api_key)
print("SDK wait:", done.output.task_status, done.output.video_url)

dashscope.base_http_api_url = direct
same = VideoSynthesis.fetch(rsp.output.task_id, api_key=key)
print("fetched straight from DashScope:", same.output.task_status,
      "(same as through the relay)" if same.output.task_status == done.output.task_status
      else "(DIFFERENT from the relay's answer)")

if os.environ.get("LIVE_VACE"):
    api_key = through_relay()
    rsp = VideoSynthesis.async_call(model=os.environ["VACE_MODEL"], api_key=api_key,
                                    prompt="A black steampunk-style car.",
                                    extra_input={"function": "video_repainting",
                                                 "video_url": os.environ["VACE_VIDEO"]},
                                    control_condition="depth")
    done = VideoSynthesis.wait(rsp, api_key=api_key)
    print("VACE:", done.output.task_status, done.output.video_url)
PY
if grep -qF "$DASHSCOPE_API_KEY" "$log"; then
  die "the key appeared in the relay's log"
fi
info "live check done; the key never appeared in the relay's log"
