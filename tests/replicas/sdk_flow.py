"""The official `dashscope` SDK's local-file flow through nginx in front of the relay replicas
(run by crates/relay/tests/replicas.rs when WANEDIT_SDK_PYTHON is set): the SDK uploads a local
file itself (getPolicy, OSS form post to the relay's upload URL, `oss://` URL with
X-DashScope-OssResourceResolve), submits wan2.7-videoedit and waits for the result.

Usage: python sdk_flow.py http://127.0.0.1:PORT/sim/api/v1
"""

import sys
import tempfile
import time
from http import HTTPStatus
from pathlib import Path

import dashscope
from dashscope import VideoSynthesis

dashscope.base_http_api_url = sys.argv[1]
KEY = "sk-sim"
SAMPLE = Path(__file__).resolve().parents[2] / "crates/sim/assets/result.mp4"

with tempfile.TemporaryDirectory() as tmp:
    clip = Path(tmp) / "clip.mp4"
    clip.write_bytes(SAMPLE.read_bytes())
    for _ in range(50):
        rsp = VideoSynthesis.async_call(
            api_key=KEY,
            model="wan2.7-videoedit",
            prompt="Convert the entire scene to a claymation style",
            media=[{"type": "video", "url": clip.as_uri()}],
            resolution="720P",
        )
        if not (rsp.status_code == 429 and rsp.code == "Throttling.RateQuota"):
            break
        time.sleep(0.05)
    assert rsp.status_code == HTTPStatus.OK, (rsp.status_code, rsp.code, rsp.message)
    done = VideoSynthesis.wait(rsp, api_key=KEY, wait_timeout=60)
    assert done.output.task_status == "SUCCEEDED", (done.code, done.message)
    print(f"SDK task {done.output.task_id} SUCCEEDED")
