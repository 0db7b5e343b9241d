"""Sending xAPI statements to an LRS: retries with back-off, and never the same statement twice.

A fake LRS on localhost answers from a script of status codes and records every request. The
server thread only records; every assertion runs in the test's own thread, where a failure counts
(an assert inside a handler thread is printed and lost)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SCENARIOS, run_cli

import simulator.records.lrs

PHONE = str(SCENARIOS / "phone-standoff.yaml")
AUTH = "Basic " + base64.b64encode(b"teacher:secret").decode()


@dataclass
class Request:
    path: str
    version: str | None
    auth: str | None
    ids: list[str]
    status: int  # what the fake answered


@dataclass
class FakeLRS:
    url: str
    answers: list[int] = field(default_factory=list)  # status codes to give, in order; then 200
    requests: list[Request] = field(default_factory=list)

    def stored(self) -> list[str]:
        """Statement ids the LRS accepted (a 200), in the order they arrived."""
        return [i for r in self.requests if r.status == 200 for i in r.ids]


@pytest.fixture
def lrs() -> Iterator[FakeLRS]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                ids = [s["id"] for s in json.loads(body)]
            except (ValueError, TypeError, KeyError):
                ids = ["<not a list of statements>"]
            with lock:
                status = fake.answers.pop(0) if fake.answers else 200
                fake.requests.append(
                    Request(
                        self.path, self.headers["X-Experience-API-Version"], self.headers["Authorization"], ids, status
                    )
                )
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(ids if status == 200 else {"error": "try later"}).encode())

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeLRS(f"http://127.0.0.1:{server.server_address[1]}/xAPI/")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The back-off delays asked for, without waiting them out."""
    asked: list[float] = []
    monkeypatch.setattr("time.sleep", asked.append)
    return asked


def play_and_export(tmp_path, url, monkeypatch, *, seeds=(3,)):
    for seed in seeds:
        run_cli(["play", PHONE, "--text", "--seed", str(seed), "--data", str(tmp_path)], stdin="1\n1\n")
    monkeypatch.setenv("REHEARSE_LRS_USER", "teacher")
    monkeypatch.setenv("REHEARSE_LRS_PASSWORD", "secret")
    return run_cli(["export", "--xapi", "--lrs", url, "--data", str(tmp_path)])


def test_sending_retries_after_a_5xx_and_never_sends_twice(tmp_path, monkeypatch, lrs, sleeps):
    lrs.answers = [503, 502]  # two failures: the client must back off twice, doubling the wait
    code, out, err = play_and_export(tmp_path, lrs.url, monkeypatch)
    assert code == 0, err
    assert "Sent 2 new statement(s)" in out
    assert [r.status for r in lrs.requests] == [503, 502, 200]
    assert sleeps == [0.5, 1.0]
    first = lrs.requests[0]
    assert first.path == "/xAPI/statements" and first.version == "1.0.3" and first.auth == AUTH
    assert all(r.ids == first.ids for r in lrs.requests), "a retry resends the same batch"
    assert len(first.ids) == 2 and len(set(first.ids)) == 2

    code, out, err = run_cli(["export", "--xapi", "--lrs", lrs.url, "--data", str(tmp_path)])
    assert code == 0, err
    assert "Sent 0 new statement(s)" in out and "(2 were already there)" in out
    assert len(lrs.requests) == 3, "nothing is posted when everything was delivered"
    assert sorted(lrs.stored()) == sorted(first.ids)


def test_a_409_counts_as_delivered(tmp_path, monkeypatch, lrs, sleeps):
    lrs.answers = [409]  # the LRS already has these ids (sent before from elsewhere)
    code, out, err = play_and_export(tmp_path, lrs.url, monkeypatch)
    assert code == 0 and "Sent 2 new statement(s)" in out, err
    assert [r.status for r in lrs.requests] == [409] and sleeps == []
    run_cli(["export", "--xapi", "--lrs", lrs.url, "--data", str(tmp_path)])
    assert len(lrs.requests) == 1


def test_giving_up_sends_nothing_twice_when_run_again(tmp_path, monkeypatch, lrs, sleeps):
    lrs.answers = [503] * 6  # the first try and all five retries fail
    code, out, err = play_and_export(tmp_path, lrs.url, monkeypatch)
    assert code == 1 and "the LRS answered 503" in err and "Traceback" not in err
    assert len(lrs.requests) == 6 and sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert lrs.stored() == []
    code, out, err = run_cli(["export", "--xapi", "--lrs", lrs.url, "--data", str(tmp_path)])
    assert code == 0 and "Sent 2 new statement(s)" in out, err
    assert len(lrs.stored()) == 2


def test_an_interrupted_send_resumes_after_the_last_delivered_batch(lrs, sleeps):
    # public API, with small batches: the first batch lands, the second fails for good
    stmts = [{"id": f"id-{i}"} for i in range(5)]
    delivered: set[str] = set()
    lrs.answers = [200] + [500] * 3
    with pytest.raises(simulator.records.lrs.LRSError, match="answered 500"):
        simulator.records.lrs.send(stmts, lrs.url, AUTH, already=delivered, mark=delivered.update, batch=2, retries=2)
    assert delivered == {"id-0", "id-1"}
    n = simulator.records.lrs.send(stmts, lrs.url, AUTH, already=delivered, mark=delivered.update, batch=2, retries=2)
    assert n == 3
    assert lrs.stored() == [f"id-{i}" for i in range(5)], "each statement reaches the LRS once, in order"
    assert [r.ids for r in lrs.requests if r.status == 500] == [["id-2", "id-3"]] * 3


def test_a_4xx_is_not_retried(lrs, sleeps):
    lrs.answers = [400]
    with pytest.raises(simulator.records.lrs.LRSError, match="answered 400"):
        simulator.records.lrs.send([{"id": "a"}], lrs.url, None, already=set(), mark=lambda ids: None)
    assert len(lrs.requests) == 1 and sleeps == []
