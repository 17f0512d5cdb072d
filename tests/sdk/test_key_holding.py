"""Key-holding mode: the relay holds the DashScope key (`DASHSCOPE_API_KEY`), callers present
the relay's access token, and the SDK is configured with that token as its "API key" (so it
sends `Authorization: Bearer <token>`). The relay swaps in its own key; the key never comes
back in any response (body or header) nor appears in the relay's logs."""

from __future__ import annotations

import json
import shutil
from http import HTTPStatus

import dashscope
import pytest
from dashscope import VideoSynthesis

from bodies import WAN27_MODEL, vace_call
from conftest import REPO, async_call_retrying, random_token, start_relay, start_sim

WAIT_S = 60


@pytest.fixture(scope="module")
def holding():
    canary = random_token("sk-canary-")
    token = random_token("relay-token-")
    upstream = start_sim(keys=[canary])
    relay = start_relay(
        ["--upstream", f"sim={upstream.base}", "--access-token", token,
         "--upload-host-allow", upstream.base],
        env={"DASHSCOPE_API_KEY": canary},
    )
    try:
        yield relay, upstream, canary, token
    finally:
        relay.child.stop()
        upstream.child.stop()


def test_sdk_with_the_token_as_its_key(holding, wire, tmp_path):
    relay, upstream, canary, token = holding
    dashscope.base_http_api_url = relay.api()

    # VACE: create, fetch, wait, cancel (a queued task), the blocking call.
    rsp = async_call_retrying(api_key=token, **vace_call("video_repainting"))
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert VideoSynthesis.fetch(rsp, api_key=token).output.task_id == rsp.output.task_id
    filler = async_call_retrying(api_key=token, **vace_call("video_repainting"))
    victim = async_call_retrying(api_key=token, **vace_call("video_edit"))
    cancel = VideoSynthesis.cancel(victim, api_key=token)
    assert cancel.status_code == HTTPStatus.OK, (cancel.code, cancel.message)
    assert VideoSynthesis.wait(rsp, api_key=token, wait_timeout=WAIT_S).output.task_status == "SUCCEEDED"
    assert VideoSynthesis.wait(filler, api_key=token, wait_timeout=WAIT_S).output.task_status == "SUCCEEDED"
    called = VideoSynthesis.call(api_key=token, **vace_call("video_extension"))
    assert called.output.task_status == "SUCCEEDED", (called.code, called.message)

    # wan2.7 with a local file: the SDK's upload goes through the relay too.
    clip = tmp_path / "clip.mp4"
    shutil.copyfile(REPO / "crates/sim/assets/result.mp4", clip)
    up = async_call_retrying(api_key=token, model=WAN27_MODEL, prompt="Claymation style",
                             media=[{"type": "video", "url": clip.as_uri()}])
    assert up.status_code == HTTPStatus.OK, (up.code, up.message)
    assert VideoSynthesis.wait(up, api_key=token, wait_timeout=WAIT_S).output.task_status == "SUCCEEDED"

    # The account-wide list stays closed in key-holding mode (no --enable-list).
    listed = VideoSynthesis.list(api_key=token)
    assert listed.status_code == HTTPStatus.FORBIDDEN
    assert listed.code == "RelayForbidden"

    # Every call the SDK made carried the token, never the key ...
    assert len(wire.exchanges) >= 10
    for e in wire.exchanges:
        sent = json.dumps(e.request_headers) + (e.request_body or b"").decode("utf-8", "replace")
        assert canary not in sent
    api_calls = [e for e in wire.exchanges if "/api/v1/" in e.url]
    assert all(e.request_headers["Authorization"] == f"Bearer {token}" for e in api_calls)
    # ... and upstream every call arrived with the relay's key (key index 0 = the canary),
    # the upload post with none.
    log = upstream.control("GET", "/requests")
    api_log = [r for r in log if r["route"] not in ("oss_upload", "oss_get", "result")]
    assert {r["route"] for r in api_log} >= {"submit", "task_get", "task_cancel", "upload_policy"}
    assert all(r["key_index"] == 0 for r in api_log), [(r["route"], r["key_index"]) for r in api_log]
    uploads = [r for r in log if r["route"] == "oss_upload"]
    assert uploads and all("authorization" not in r["headers"] for r in uploads)
    assert all(token not in json.dumps(r) for r in log)

    # The key never comes back: no response body or header holds it.
    for e in wire.exchanges:
        assert canary not in e.body.decode("utf-8", "replace"), e.url
        assert canary not in json.dumps(e.headers), e.url
    # Nor is it in the relay's log (stdout and stderr); the token neither.
    logs = relay.child.output()
    assert "listening" in logs and '"route":"create"' in logs.replace(" ", "")
    assert canary not in logs
    assert token not in logs


def test_wrong_or_missing_token_is_401(holding):
    relay, upstream, canary, token = holding
    dashscope.base_http_api_url = relay.api()
    before = len(upstream.requests_to("submit"))
    for key in ("sk-some-other-key", canary):
        rsp = VideoSynthesis.async_call(api_key=key, **vace_call("video_repainting"))
        assert rsp.status_code == HTTPStatus.UNAUTHORIZED
        assert rsp.code == "RelayUnauthorized"
        assert canary not in (rsp.message or "")
    assert len(upstream.requests_to("submit")) == before


def test_models_outside_the_allow_list_are_403(holding, wire):
    """The relay's key pays, so by default only the editing models may be named
    (`--allow-model`); a text-to-video model gets 403 `RelayModelNotAllowed` naming the flag."""
    relay, upstream, canary, token = holding
    dashscope.base_http_api_url = relay.api()
    before = len(upstream.requests_to("submit"))
    rsp = VideoSynthesis.async_call(api_key=token, model="wan2.6-t2v",
                                    prompt="A cat running on the grass", size="1280*720")
    assert rsp.status_code == HTTPStatus.FORBIDDEN, (rsp.code, rsp.message)
    assert rsp.code == "RelayModelNotAllowed"
    assert "--allow-model" in rsp.message
    assert len(upstream.requests_to("submit")) == before
