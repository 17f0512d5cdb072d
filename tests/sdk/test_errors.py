"""Documented refusals as the official SDK sees them: DashScope's HTTP status, `code` and
`message` (and `request_id`), whether the relay or the simulator refuses."""

from __future__ import annotations

import json
from http import HTTPStatus

import dashscope
from dashscope import VideoSynthesis

from bodies import WAN27_MODEL, WAN27_VIDEO, vace_call
from conftest import CREATE_PATH, SIM_KEY, async_call_retrying


def test_bad_control_condition_is_refused_by_the_relay(relay_simulate):
    """`control_condition` outside its documented values (posebodyface, posebody, depth,
    scribble): the relay's validator refuses it before anything is sent upstream."""
    dashscope.base_http_api_url = relay_simulate.api()
    call = vace_call("video_repainting")
    call["control_condition"] = "not-a-condition"
    rsp = VideoSynthesis.async_call(api_key="sk-not-used", **call)
    assert rsp.status_code == HTTPStatus.BAD_REQUEST
    assert rsp.code == "InvalidParameter"
    assert "control_condition" in rsp.message
    assert rsp.request_id
    assert rsp.output is None  # no task was created


def test_bad_control_condition_passthrough_reaches_no_upstream(relay_passthrough, sim):
    before = len(sim.requests_to("submit"))
    dashscope.base_http_api_url = relay_passthrough.api()
    call = vace_call("video_repainting")
    call["control_condition"] = "not-a-condition"
    rsp = VideoSynthesis.async_call(api_key=SIM_KEY, **call)
    assert rsp.status_code == HTTPStatus.BAD_REQUEST
    assert rsp.code == "InvalidParameter"
    assert len(sim.requests_to("submit")) == before


def test_unknown_vace_function_is_400(target):
    """`input.function` must be one of the five documented functions."""
    call = vace_call("video_edit")
    call["extra_input"]["function"] = "video_magic"
    rsp = VideoSynthesis.async_call(api_key=target.key, **call)
    assert rsp.status_code == HTTPStatus.BAD_REQUEST, (rsp.code, rsp.message)
    assert rsp.code == "InvalidParameter"
    assert rsp.message
    assert rsp.request_id


def test_wan27_two_videos_is_400(target):
    """Documented: `input.media` holds exactly one video."""
    rsp = VideoSynthesis.async_call(
        api_key=target.key,
        model=WAN27_MODEL,
        prompt="Convert the entire scene to a claymation style",
        media=[{"type": "video", "url": WAN27_VIDEO}, {"type": "video", "url": WAN27_VIDEO}],
    )
    assert rsp.status_code == HTTPStatus.BAD_REQUEST, (rsp.code, rsp.message)
    assert rsp.code == "InvalidParameter"
    assert rsp.message


def test_bad_key_is_401_from_the_simulator(sim):
    dashscope.base_http_api_url = f"{sim.base}/api/v1"
    check_bad_key()


def test_bad_key_is_401_through_the_relay(relay_passthrough):
    """Pass-through mode forwards the caller's key; DashScope's 401 comes back unchanged.
    (With `--simulate` the relay holds the simulator's key for `sim` and drops the caller's,
    so no caller key can be wrong there.)"""
    dashscope.base_http_api_url = relay_passthrough.api()
    check_bad_key()


def check_bad_key():
    bad = "sk-0123456789abcdef-not-a-key"
    rsp = VideoSynthesis.async_call(api_key=bad, **vace_call("video_repainting"))
    assert rsp.status_code == HTTPStatus.UNAUTHORIZED
    assert rsp.code == "InvalidApiKey"
    assert rsp.message
    assert rsp.request_id
    fetched = VideoSynthesis.fetch("0385dc79-5ff8-4d82-bcb6-000000000000", api_key=bad)
    assert fetched.status_code == HTTPStatus.UNAUTHORIZED
    assert fetched.code == "InvalidApiKey"
    listed = VideoSynthesis.list(api_key=bad)
    assert listed.status_code == HTTPStatus.UNAUTHORIZED
    assert listed.code == "InvalidApiKey"


def test_unknown_task_is_unknown(target):
    rsp = VideoSynthesis.fetch("0385dc79-5ff8-4d82-bcb6-000000000000", api_key=target.key)
    assert rsp.status_code == HTTPStatus.OK
    assert rsp.output.task_status == "UNKNOWN"
    # wait() ends at once on UNKNOWN.
    assert VideoSynthesis.wait(rsp.output.task_id, api_key=target.key, wait_timeout=10).output.task_status == "UNKNOWN"


def test_passthrough_forwards_the_sdk_body_unchanged(relay_passthrough, sim, wire):
    """What the SDK sent is what reached the upstream: same JSON, same length."""
    dashscope.base_http_api_url = relay_passthrough.api()
    rsp = async_call_retrying(api_key=SIM_KEY, **vace_call("video_edit"))
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    [sent] = [e for e in wire.to("POST", CREATE_PATH) if e.status == 200]
    received = [r for r in sim.requests_to("submit") if r["status"] == 200][-1]
    assert received["body"] == json.loads(sent.request_body)
    assert received["body_len"] == len(sent.request_body)
    assert received["key_index"] == 0  # the caller's key, forwarded
    assert received["headers"]["x-dashscope-async"] == "enable"
    VideoSynthesis.wait(rsp, api_key=SIM_KEY, wait_timeout=60)
