"""VACE (`wan2.1-vace-plus`) with the official SDK: the five functions with `async_call`,
`fetch` and `wait`, `cancel` of a PENDING task, `list` with filters and the blocking `call`;
each through `wanedit-relay --simulate` and against the simulator directly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from http import HTTPStatus

import requests
from dashscope import VideoSynthesis

from bodies import VACE, VACE_MODEL, vace_call
from conftest import CREATE_PATH, async_call_retrying

WAIT_S = 90  # the SDK's wait_timeout: a VACE task takes ~3 s at the suite's time scale


def submit(target, function: str, **extra):
    rsp = async_call_retrying(api_key=target.key, **vace_call(function), **extra)
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert rsp.output.task_status == "PENDING"
    assert rsp.output.task_id
    return rsp


def test_five_functions_async_call_fetch_wait(target, wire):
    created = {f: submit(target, f) for f in VACE}

    # What the SDK put on the wire: the function from extra_input, the SDK's own
    # `extend_prompt`, and the keyword arguments as `parameters`.
    accepted = [e for e in wire.to("POST", CREATE_PATH) if e.status == 200]
    sent = [json.loads(e.request_body) for e in accepted]
    assert sorted(b["input"]["function"] for b in sent) == sorted(VACE)
    for body in sent:
        prompt, rest, parameters = VACE[body["input"]["function"]]
        assert body["model"] == VACE_MODEL
        assert body["input"] == {"prompt": prompt, "extend_prompt": True,
                                 "function": body["input"]["function"], **rest}
        assert body["parameters"] == parameters
    assert all(e.request_headers.get("X-DashScope-Async") == "enable" for e in accepted)

    for function, rsp in created.items():
        task_id = rsp.output.task_id
        fetched = VideoSynthesis.fetch(rsp, api_key=target.key)
        assert fetched.status_code == HTTPStatus.OK
        assert fetched.output.task_id == task_id
        assert fetched.output.task_status in ("PENDING", "RUNNING", "SUCCEEDED")

        done = VideoSynthesis.wait(rsp, api_key=target.key, wait_timeout=WAIT_S)
        assert done.status_code == HTTPStatus.OK, (function, done.code, done.message)
        assert done.output.task_status == "SUCCEEDED", function
        assert done.output.video_url.startswith("http")
        assert ".mp4" in done.output.video_url
        assert done.output.submit_time and done.output.end_time
        assert done.usage.video_count == 1
        assert done.usage.video_duration == 5
        prompt, _, parameters = VACE[function]
        assert done.output.orig_prompt == prompt
        # `actual_prompt` only when prompt_extend was on (image_reference's example).
        assert bool(done.output.get("actual_prompt")) == parameters["prompt_extend"], function

        # A finished task keeps its answer.
        again = VideoSynthesis.fetch(task_id, api_key=target.key)
        assert again.output.task_status == "SUCCEEDED"
        assert again.output.video_url == done.output.video_url


def test_result_video_downloads(target):
    rsp = VideoSynthesis.call(api_key=target.key, **vace_call("video_extension"))
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert rsp.output.task_status == "SUCCEEDED"
    video = requests.get(rsp.output.video_url, timeout=10)
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert video.content[4:8] == b"ftyp"  # an MP4 box header


def test_call_blocks_until_succeeded(target, wire):
    rsp = VideoSynthesis.call(api_key=target.key, **vace_call("video_outpainting"))
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.output.video_url
    # One create, then the SDK's own polling of that task until it ended.
    assert len([e for e in wire.to("POST", CREATE_PATH) if e.status == 200]) == 1
    polls = wire.to("GET", f"/tasks/{rsp.output.task_id}")
    assert len(polls) >= 1
    assert all(e.status == 200 for e in polls)


def test_cancel_pending_task(target):
    # VACE runs two tasks at once per account (documented); a third waits PENDING until a
    # slot frees, which takes a whole run (~3 s here).
    fillers = [submit(target, "video_repainting") for _ in range(2)]
    victim = submit(target, "video_edit")

    cancel = VideoSynthesis.cancel(victim, api_key=target.key)
    assert cancel.status_code == HTTPStatus.OK, (cancel.code, cancel.message)
    assert cancel.request_id

    fetched = VideoSynthesis.fetch(victim, api_key=target.key)
    assert fetched.output.task_status == "CANCELED"
    # wait() returns at once for a canceled task.
    waited = VideoSynthesis.wait(victim, api_key=target.key, wait_timeout=WAIT_S)
    assert waited.output.task_status == "CANCELED"

    # Only PENDING tasks can be canceled: a second cancel, and a cancel of a task that has
    # ended, get DashScope's 400 UnsupportedOperation.
    again = VideoSynthesis.cancel(victim, api_key=target.key)
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.code == "UnsupportedOperation"
    assert "PENDING" in again.message

    done = VideoSynthesis.wait(fillers[0], api_key=target.key, wait_timeout=WAIT_S)
    assert done.output.task_status == "SUCCEEDED"
    late = VideoSynthesis.cancel(fillers[0], api_key=target.key)
    assert late.status_code == HTTPStatus.BAD_REQUEST
    assert late.code == "UnsupportedOperation"
    VideoSynthesis.wait(fillers[1], api_key=target.key, wait_timeout=WAIT_S)


def _compact(task_time: str, delta_s: float) -> str:
    """A task's `submit_time` (`YYYY-MM-DD hh:mm:ss.mmm`, the region's local time) moved by
    `delta_s`, as the list filter's `YYYYMMDDhhmmss`. Taken from the service's own times, so
    it also holds on the simulator's sped-up clock."""
    t = datetime.strptime(task_time, "%Y-%m-%d %H:%M:%S.%f") + timedelta(seconds=delta_s)
    return t.strftime("%Y%m%d%H%M%S")


def test_list_with_filters(target):
    a = submit(target, "video_extension")
    b = submit(target, "video_extension")
    ids = {a.output.task_id, b.output.task_id}
    done_a = VideoSynthesis.wait(a, api_key=target.key, wait_timeout=WAIT_S)
    done_b = VideoSynthesis.wait(b, api_key=target.key, wait_timeout=WAIT_S)
    assert done_a.output.task_status == done_b.output.task_status == "SUCCEEDED"
    first = min(done_a.output.submit_time, done_b.output.submit_time)
    last = max(done_a.output.submit_time, done_b.output.submit_time)

    def window(**extra):
        return VideoSynthesis.list(api_key=target.key, start_time=_compact(first, -1),
                                   end_time=_compact(last, 1), **extra)

    rsp = window(model_name=VACE_MODEL, status="SUCCEEDED", page_no=1, page_size=100)
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    page = rsp.output
    rows = {r["task_id"]: r for r in page["data"]}
    assert ids <= set(rows)
    for row in page["data"]:
        assert row["model_name"] == VACE_MODEL
        assert row["status"] == "SUCCEEDED"
    assert page["page_no"] == 1 and page["page_size"] == 100
    assert page["total"] == len(page["data"])
    assert isinstance(rows[a.output.task_id]["gmt_create"], int)

    # Paging: one per page.
    one = window(model_name=VACE_MODEL, status="SUCCEEDED", page_no=1, page_size=1)
    assert one.status_code == HTTPStatus.OK
    assert len(one.output["data"]) == 1
    assert one.output["total"] == page["total"]
    assert one.output["total_page"] == page["total"]

    # (The SDK's list() has no task_id filter: a task_id keyword is silently dropped.)

    # Filters exclude: another model, another status, a window before the tasks.
    other_model = window(model_name="wan2.7-videoedit")
    assert not ids & {r["task_id"] for r in other_model.output["data"]}
    pending = window(status="PENDING")
    assert not ids & {r["task_id"] for r in pending.output["data"]}
    earlier = VideoSynthesis.list(api_key=target.key, model_name=VACE_MODEL,
                                  start_time=_compact(first, -3 * 3600),
                                  end_time=_compact(first, -2 * 3600))
    assert earlier.status_code == HTTPStatus.OK
    assert not ids & {r["task_id"] for r in earlier.output["data"]}
