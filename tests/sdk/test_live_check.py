"""`scripts/live-check.sh` runs the official SDK and the relay against the REAL DashScope with a
person's key. CI has no internet, so here it runs exactly as written with the simulator standing
in for DashScope's host (`LIVE_BASE_URL`): every step it would take against the real service is
taken, and a key that must never leak is watched for."""

from __future__ import annotations

import os
import subprocess

from conftest import REPO, SIM_KEY, _child_env

SCRIPT = REPO / "scripts/live-check.sh"


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], cwd=REPO, env=_child_env(env), input="",
                          capture_output=True, text=True, timeout=300)


def test_without_a_key_it_only_prints_the_plan_and_the_cost():
    out = run({})
    assert out.returncode == 0, out.stderr
    assert "COST" in out.stdout and "nothing was called" in out.stdout


def test_without_confirmation_it_spends_nothing(sim):
    before = len(sim.requests_to("submit"))
    out = run({"DASHSCOPE_API_KEY": SIM_KEY, "LIVE_BASE_URL": sim.base})
    assert out.returncode == 0, out.stderr
    assert "nothing was called" in out.stdout
    assert len(sim.requests_to("submit")) == before


def test_the_whole_check_runs_against_a_stand_in_host(sim):
    before = len(sim.requests_to("submit"))
    env = {"DASHSCOPE_API_KEY": SIM_KEY, "LIVE_BASE_URL": sim.base, "LIVE_CONFIRM": "yes",
           "LIVE_PYTHON": os.environ.get("LIVE_PYTHON", ""),
           "LIVE_VACE": "1", "CARGO_HOME": os.environ.get("CARGO_HOME", ""),
           "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", "")}
    out = run({k: v for k, v in env.items() if v})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "key accepted" in out.stdout
    assert "SDK wait: SUCCEEDED" in out.stdout
    assert "(same as through the relay)" in out.stdout
    assert "VACE: SUCCEEDED" in out.stdout
    assert SIM_KEY not in out.stdout + out.stderr
    submits = sim.requests_to("submit")[before:]
    assert [s["body"]["model"] for s in submits] == ["wan2.7-videoedit", "wan2.1-vace-plus"]
    assert submits[0]["body"]["parameters"] == {"resolution": "720P", "duration": 2}
