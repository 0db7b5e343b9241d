"""Integration: a real learning-record store (Ralph, file-system backend) on localhost.

`python3 tasks.py test` installs Ralph into .lrs/ (see docs/records.md); without it this test is
skipped with the reason. It starts the server on a free port, sends runs, reads them back."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS, run_cli

RALPH = Path(os.environ.get("REHEARSE_RALPH", ROOT / ".lrs" / "bin" / "ralph"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lrs(tmp_path):
    if not RALPH.exists():
        pytest.skip("Ralph is not installed in .lrs/ (python3 tasks.py test installs it)")
    env = {**os.environ, "RALPH_APP_DIR": str(tmp_path / "app"), "RALPH_RUNSERVER_BACKEND": "fs"}
    (tmp_path / "app").mkdir()
    out = subprocess.run(
        [str(RALPH), "auth", "-u", "teacher", "-p", "secret", "-s", "all", "-M", "mailto:teacher@example.org"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    ).stdout
    (tmp_path / "app" / "auth.json").write_text(json.dumps([json.loads(out[out.index("{") :])]))
    port = free_port()
    proc = subprocess.Popen(
        [
            str(RALPH),
            "runserver",
            "-b",
            "fs",
            "--fs-default-directory-path",
            str(tmp_path / "data"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("Ralph did not start within 60 s")
        yield f"http://127.0.0.1:{port}/xAPI/"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_runs_reach_a_real_lrs_and_come_back(lrs, tmp_path, monkeypatch):
    phone = str(SCENARIOS / "phone-standoff.yaml")
    run_cli(["play", phone, "--text", "--seed", "3", "--data", str(tmp_path)], stdin="1\n1\n")
    run_cli(["play", phone, "--text", "--seed", "4", "--data", str(tmp_path)], stdin="\n2\n1\n\n")
    monkeypatch.setenv("REHEARSE_LRS_USER", "teacher")
    monkeypatch.setenv("REHEARSE_LRS_PASSWORD", "secret")
    code, out, err = run_cli(["export", "--xapi", "--lrs", lrs, "--data", str(tmp_path)])
    assert code == 0, err
    assert "Sent 5 new statement(s)" in out
    req = urllib.request.Request(
        lrs + "statements",
        headers={
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(b"teacher:secret").decode(),
        },
    )
    with urllib.request.urlopen(req, timeout=20) as resp:
        stored = json.loads(resp.read())["statements"]
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in stored)
    assert verbs == ["answered", "answered", "answered", "completed", "completed"]
    code, out, _ = run_cli(["export", "--xapi", "--lrs", lrs, "--data", str(tmp_path)])
    assert "Sent 0 new statement(s)" in out
