"""Fixtures: the real `wanedit-relay` and `wanedit-sim` binaries as child processes on free
loopback ports, and a recorder of every HTTP exchange the official `dashscope` SDK makes.

Binaries: `WANEDIT_RELAY_BIN` / `WANEDIT_SIM_BIN`, default `target/debug/wanedit-relay` and
`target/debug/wanedit-sim` (`scripts/test.sh sdk-python` builds them). Every child is stopped
at the end of the session (SIGTERM, then SIGKILL after 10 s), and each waits at most 20 s to
start.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import dashscope
import pytest
import requests.adapters

REPO = Path(__file__).resolve().parents[2]
RELAY_BIN = Path(os.environ.get("WANEDIT_RELAY_BIN", REPO / "target/debug/wanedit-relay"))
SIM_BIN = Path(os.environ.get("WANEDIT_SIM_BIN", REPO / "target/debug/wanedit-sim"))

# Simulated seconds per real second: a VACE task (5 virtual minutes) takes 3 s, a wan2.7 task
# (2 virtual minutes) 1.2 s, and a queued task stays PENDING for seconds (the cancel tests).
TIME_SCALE = "100"
# The simulator's default key (crates/sim/src/config.rs).
SIM_KEY = "sk-sim"
START_TIMEOUT_S = 20

CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis"


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no inherited WANEDIT_*/DASHSCOPE_* settings, no proxies."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    env["RUST_LOG"] = "info"
    env.update(extra or {})
    return env


class Child:
    """A child process whose stdout and stderr lines are collected by reader threads."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        binary = Path(args[0])
        if not binary.is_file():
            raise RuntimeError(
                f"{binary} not found: build it first (cargo build -p {binary.name}) "
                f"or set {'WANEDIT_RELAY_BIN' if 'relay' in binary.name else 'WANEDIT_SIM_BIN'}"
            )
        self.name = name
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, pick, timeout: float = START_TIMEOUT_S):
        """Waits for a line for which `pick(line)` is not None and returns that value."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for line in self.lines[seen:]:
                    value = pick(line)
                    if value is not None:
                        return value
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    break
                self._cond.wait(min(left, 0.2))
        self.stop()
        raise RuntimeError(
            f"{self.name} did not start (exit {self.proc.returncode}):\n" + self.output()[-4000:]
        )

    def output(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@dataclass
class Sim:
    child: Child
    base: str  # http://127.0.0.1:PORT
    keys: list[str]

    def control(self, method: str, path: str, body: dict | None = None):
        """`/__sim/...` control routes (crates/sim/src/routes/control.rs)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base}/__sim{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def requests_to(self, route: str) -> list[dict]:
        return self.control("GET", f"/requests?route={route}")


def start_sim(keys: list[str] | None = None) -> Sim:
    args = [str(SIM_BIN), "--listen", "127.0.0.1:0", "--time-scale", TIME_SCALE]
    for k in keys or []:
        args += ["--key", k]
    child = Child("wanedit-sim", args, _child_env())
    base = child.wait_for(
        lambda l: (m := re.search(r"wanedit-sim listening on (http://\S+)", l)) and m.group(1)
    )
    return Sim(child, base.rstrip("/"), keys or [SIM_KEY])


@dataclass
class Relay:
    child: Child
    origin: str  # http://127.0.0.1:PORT
    sim: Sim | None = None  # the in-process simulator, with --simulate

    def api(self, upstream: str = "sim") -> str:
        """The value for `dashscope.base_http_api_url`."""
        return f"{self.origin}/{upstream}/api/v1"


def _json_log(line: str) -> dict:
    try:
        v = json.loads(line)
    except ValueError:
        return {}
    return {**v, **v.get("fields", {})} if isinstance(v, dict) else {}


def start_relay(args: list[str], env: dict[str, str] | None = None) -> Relay:
    # The per-IP rate limit (default 120/min, burst 30) is off: the whole suite comes from
    # one IP and polls far more often than that.
    cmd = [str(RELAY_BIN), "--listen", "127.0.0.1:0", "--log-format", "json", "--rate-limit", "0"]
    child = Child("wanedit-relay", cmd + args, _child_env(env))

    def addr_of(message):
        return lambda line: (f := _json_log(line)).get("message") == message and f.get("addr") or None

    relay = Relay(child, "http://" + child.wait_for(addr_of("wanedit-relay listening")))
    if "--simulate" in args:
        # The in-process simulator logs its address too; its control routes serve the tests.
        relay.sim = Sim(child, "http://" + child.wait_for(addr_of("simulator listening")), [SIM_KEY])
    return relay


# --- Session-wide processes -------------------------------------------------------------


@pytest.fixture(scope="session")
def sim():
    """A standalone simulator (default key `sk-sim`)."""
    s = start_sim()
    yield s
    s.child.stop()


@pytest.fixture(scope="session")
def relay_simulate():
    """`wanedit-relay --simulate`: the simulator in-process as upstream `sim`."""
    r = start_relay(["--simulate", "--sim-time-scale", TIME_SCALE])
    yield r
    r.child.stop()


@pytest.fixture(scope="session")
def relay_passthrough(sim):
    """The relay in pass-through mode (caller's key forwarded) in front of `sim`, so the
    simulator's request log shows exactly what the relay forwarded."""
    r = start_relay(["--upstream", f"sim={sim.base}", "--upload-host-allow", sim.base])
    yield r
    r.child.stop()


@dataclass
class Target:
    """Where the SDK is pointed: its base URL and the key it sends."""

    name: str
    api: str
    key: str
    sim: Sim | None  # the simulator behind it, when the test can inspect it
    relay: Relay | None

    def use(self):
        dashscope.base_http_api_url = self.api


@pytest.fixture(params=["relay", "sim"])
def target(request) -> Target:
    """The same flow through `wanedit-relay --simulate` and against the simulator directly."""
    if request.param == "relay":
        relay = request.getfixturevalue("relay_simulate")
        # The relay holds the simulator's key for `sim` and drops the caller's.
        t = Target("relay", relay.api(), "sk-not-used-by-the-relay", relay.sim, relay)
    else:
        s = request.getfixturevalue("sim")
        t = Target("sim", f"{s.base}/api/v1", SIM_KEY, s, None)
    t.use()
    return t


# --- What went over the wire ------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict
    request_body: bytes | None
    status: int
    headers: dict  # lower-case names
    body: bytes


@dataclass
class Wire:
    exchanges: list[Exchange] = field(default_factory=list)

    def to(self, method: str, path_part: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.method == method and path_part in e.url]


@pytest.fixture
def wire(monkeypatch) -> Wire:
    """Records every request the SDK sends through `requests` and the full response (the
    SDK's HTTP calls all go through requests' HTTPAdapter). Observes only; nothing is
    changed on the way."""
    w = Wire()
    real_send = requests.adapters.HTTPAdapter.send

    def send(self, request, **kwargs):
        response = real_send(self, request, **kwargs)
        body = response.content  # read once; requests caches it for the SDK
        raw = request.body
        if hasattr(raw, "read"):
            raw = None
        elif isinstance(raw, str):
            raw = raw.encode()
        w.exchanges.append(
            Exchange(
                request.method,
                request.url,
                dict(request.headers),
                raw,
                response.status_code,
                {k.lower(): v for k, v in response.headers.items()},
                body,
            )
        )
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return w


def random_token(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def async_call_retrying(**kwargs):
    """`VideoSynthesis.async_call`, sent again on 429 `Throttling.RateQuota` (VACE: two
    submissions per second per account, documented; a submit is retried only on 429). The
    suite submits faster than that on a sped-up clock; at most 50 tries, 50 ms apart."""
    from dashscope import VideoSynthesis

    for _ in range(50):
        rsp = VideoSynthesis.async_call(**kwargs)
        if not (rsp.status_code == 429 and rsp.code == "Throttling.RateQuota"):
            return rsp
        time.sleep(0.05)
    return rsp
