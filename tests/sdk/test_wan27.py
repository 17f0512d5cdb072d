"""`wan2.7-videoedit` with the official SDK's defaults: `media` URLs, and a local file the SDK
uploads itself (getPolicy, OSS form post, `oss://` URL with `X-DashScope-OssResourceResolve`).

The SDK always adds `input.function: "video-synthesis"` and `input.extend_prompt` to the body,
fields the wan2.7 documents do not mention. DashScope takes them; so must the relay, which
forwards the body unchanged and lists its warnings in the `X-Wanedit-Warnings` response header
(comma-separated `code path` items)."""

from __future__ import annotations

import json
import re
import shutil
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import requests
from dashscope import VideoSynthesis

from bodies import WAN27_MODEL, WAN27_REF_IMAGE, WAN27_REF_VIDEO, WAN27_VIDEO
from conftest import CREATE_PATH, REPO, async_call_retrying

WAIT_S = 60
SAMPLE_MP4 = REPO / "crates/sim/assets/result.mp4"


def warnings_header(headers: dict) -> list[tuple[str, str]]:
    """The relay's `X-Wanedit-Warnings` as (code, path) pairs; asserts the documented format."""
    value = {k.lower(): v for k, v in (headers or {}).items()}.get("x-wanedit-warnings")
    assert value, f"no X-Wanedit-Warnings header in {headers}"
    items = []
    for item in value.split(","):
        m = re.fullmatch(r"\s*([a-z][a-z0-9_]*) (\S+)\s*", item)
        assert m, f"X-Wanedit-Warnings item {item!r} is not 'code path' (header: {value!r})"
        items.append((m.group(1), m.group(2)))
    return items


def check_sdk_extras_warned(target, rsp):
    """Through the relay: the SDK's two extra fields come back as warnings, nothing else."""
    if target.relay is None:
        return
    paths = [p for _, p in warnings_header(rsp.headers)]
    assert "input.function" in paths
    assert "input.extend_prompt" in paths


def created_bodies(wire) -> list[dict]:
    return [json.loads(e.request_body) for e in wire.to("POST", CREATE_PATH) if e.status == 200]


def test_media_urls(target, wire):
    rsp = async_call_retrying(
        api_key=target.key,
        model=WAN27_MODEL,
        prompt="Convert the entire scene to a claymation style",
        media=[{"type": "video", "url": WAN27_VIDEO}],
        resolution="720P",
        prompt_extend=True,
        watermark=True,
    )
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert rsp.output.task_status == "PENDING"
    check_sdk_extras_warned(target, rsp)

    [body] = created_bodies(wire)
    # The SDK's defaults, which the relay must forward (they are what this test is about).
    assert body["input"]["function"] == "video-synthesis"
    assert body["input"]["extend_prompt"] is True
    assert body["input"]["media"] == [{"type": "video", "url": WAN27_VIDEO}]
    assert body["parameters"] == {"resolution": "720P", "prompt_extend": True, "watermark": True}

    done = VideoSynthesis.wait(rsp, api_key=target.key, wait_timeout=WAIT_S)
    assert done.status_code == HTTPStatus.OK, (done.code, done.message)
    assert done.output.task_status == "SUCCEEDED"
    assert ".mp4" in done.output.video_url
    assert done.output.actual_prompt  # prompt_extend was on
    assert done.usage.video_count == 1
    assert int(done.usage.SR) == 720
    assert done.usage.output_video_duration > 0


def test_media_with_reference_image(target):
    rsp = async_call_retrying(
        api_key=target.key,
        model=WAN27_MODEL,
        prompt="Replace the girl's clothes in the video with the clothes from the image",
        media=[
            {"type": "video", "url": WAN27_REF_VIDEO},
            {"type": "reference_image", "url": WAN27_REF_IMAGE},
        ],
        resolution="720P",
        prompt_extend=True,
        watermark=True,
    )
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    check_sdk_extras_warned(target, rsp)
    done = VideoSynthesis.wait(rsp, api_key=target.key, wait_timeout=WAIT_S)
    assert done.output.task_status == "SUCCEEDED", (done.code, done.message)


def test_blocking_call(target):
    rsp = VideoSynthesis.call(
        api_key=target.key,
        model=WAN27_MODEL,
        prompt="Convert the entire scene to a claymation style",
        media=[{"type": "video", "url": WAN27_VIDEO}],
        resolution="720P",
        duration=4,
    )
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    assert rsp.output.task_status == "SUCCEEDED"
    assert rsp.output.video_url


def test_local_file_uploaded_by_the_sdk(target, wire, tmp_path):
    clip = tmp_path / "clip.mp4"
    shutil.copyfile(SAMPLE_MP4, clip)
    rsp = async_call_retrying(
        api_key=target.key,
        model=WAN27_MODEL,
        prompt="Convert the entire scene to a claymation style",
        media=[{"type": "video", "url": clip.as_uri()}],
        resolution="720P",
    )
    assert rsp.status_code == HTTPStatus.OK, (rsp.code, rsp.message)
    check_sdk_extras_warned(target, rsp)

    # 1. The upload policy, asked for this model.
    [policy] = wire.to("GET", "/uploads")
    assert policy.status == 200
    assert "action=getPolicy" in policy.url and f"model={WAN27_MODEL}" in policy.url
    host = json.loads(policy.body)["data"]["upload_host"]
    if target.relay is not None:
        # The relay hands out its own upload URL; the real host never reaches the client.
        assert host.startswith(f"{target.relay.origin}/sim/oss/")
    # 2. The OSS form post to that host, the file last, answered 200.
    [upload] = [e for e in wire.exchanges if e.method == "POST" and e.url == host]
    assert upload.status == 200
    assert upload.request_headers["Content-Type"].startswith("multipart/form-data")
    # 3. The create call with the oss:// URL and the resolve header.
    [create] = [e for e in wire.to("POST", CREATE_PATH) if e.status == 200]
    assert create.request_headers.get("X-DashScope-OssResourceResolve") == "enable"
    media_url = json.loads(create.request_body)["input"]["media"][0]["url"]
    assert media_url.startswith("oss://")
    assert media_url.endswith("/clip.mp4")

    done = VideoSynthesis.wait(rsp, api_key=target.key, wait_timeout=WAIT_S)
    assert done.output.task_status == "SUCCEEDED", (done.code, done.message)

    # The simulator stored exactly our bytes under that key (its debug read-back route; its
    # address is the origin of the result link, also for the relay's in-process simulator).
    sim_origin = "{0.scheme}://{0.netloc}".format(urlsplit(done.output.video_url))
    stored = requests.get(f"{sim_origin}/oss/{media_url.removeprefix('oss://')}", timeout=10)
    assert stored.status_code == 200
    assert stored.content == Path(clip).read_bytes()
