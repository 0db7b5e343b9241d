"""Logs handed to `compare`, `graph --log` and `report --logs` are untrusted: every bad one gets a
line naming the file and what is wrong (exit 1 for compare and graph), and one bad log is skipped
by a report, never the whole report (issue 11, "Logs given to compare, graph --log, report --logs")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SCENARIOS, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


@pytest.fixture(scope="module")
def good_log(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("good") / "good.json"
    code, _, err = run_cli(
        ["play", PHONE, "--script", str(GOLDEN / "phone-standoff-best-7.script.yaml"), "--log", str(path)]
    )
    assert code == 0, err
    return json.loads(path.read_text())


def with_(log: dict, **changes) -> bytes:
    return json.dumps({**log, **changes}).encode()


def turn0(log: dict, **changes) -> bytes:
    return with_(log, turns=[{**log["turns"][0], **changes}, *log["turns"][1:]])


def dims(log: dict, **changes) -> bytes:
    d = dict(log["score"]["dimensions"])
    name = next(iter(d))
    d[name] = {**d[name], **changes}
    return with_(log, score={**log["score"], "dimensions": d})


# (how to spoil a good log, words the message must have)
BAD = {
    "not JSON": (lambda g: b"hello, I am not a log", "not a JSON run log"),
    "not UTF-8": (lambda g: b'{"format": "rehearse-log/1", "x": "\xff\xfe"}', "is not UTF-8 text"),
    "100,000-deep nesting": (lambda g: b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    "100,000-deep object": (lambda g: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deep"),
    "an integer of 5,000 digits": (lambda g: with_(g, seed=0)[:-1] + b', "n": ' + b"9" * 5000 + b"}", "digits"),
    "null": (lambda g: b"null", "not a run log"),
    "a list": (lambda g: b"[]", "not a run log"),
    "seed abc": (lambda g: with_(g, seed="abc"), "seed should be a whole number, found text"),
    "seed null": (lambda g: with_(g, seed=None), "seed should be a whole number, found null"),
    "scenario a list": (lambda g: with_(g, scenario=["phone-standoff"]), "scenario should be an object, found a list"),
    "scenario id null": (lambda g: with_(g, scenario={"id": None}), "scenario.id should be text, found null"),
    "turns a string": (lambda g: with_(g, turns="many"), "turns should be a list of turns, found text"),
    "a turn null": (lambda g: with_(g, turns=[None]), "turns[0] should be an object, found null"),
    "scene a list": (lambda g: turn0(g, scene=["quiz"]), "turns[0].scene should be text, found a list"),
    "choice a number": (lambda g: turn0(g, choice=3), "turns[0].choice should be text or null, found a number"),
    "passed a string": (lambda g: turn0(g, passed="quiz"), "turns[0].passed should be a list of text, found text"),
    "to a list": (lambda g: turn0(g, to=["x"]), "turns[0].to should be text or null, found a list"),
    "elapsed 1e999": (lambda g: turn0(g, elapsed_ms=float("inf")), "turns[0].elapsed_ms should be a whole number"),
    "score null": (lambda g: with_(g, score=None), "score should be an object, found null"),
    "raw a string": (lambda g: dims(g, raw="3"), ".raw should be a whole number, found text"),
    "raw huge": (lambda g: dims(g, raw=10**4000), "a number of 4001 digits"),
    "percent 1e999": (lambda g: dims(g, percent=float("inf")), ".percent should be from 0 to 100, found inf"),
    "percent a list": (lambda g: dims(g, percent=[50]), ".percent should be a number or null, found a list"),
    "ending a number": (lambda g: with_(g, ending=5), "ending should be text or null, found a number"),
    "missed cues a string": (lambda g: with_(g, cues={"missed": "jaw"}), "cues.missed should be a list of text"),
    "votes text": (lambda g: turn0(g, votes={"crouch": "four"}), "turns[0].votes.crouch should be a whole number"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_compare_with_a_bad_log_names_the_file_and_the_problem(tmp_path, good_log, case):
    spoil, words = BAD[case]
    good, bad = tmp_path / "good.json", tmp_path / "bad log.json"
    good.write_text(json.dumps(good_log))
    bad.write_bytes(spoil(good_log))
    for argv in (["compare", str(good), str(bad)], ["compare", str(bad), str(good)]):
        code, out, err = run_cli(argv)
        assert code == 1 and str(bad) in err and words in err, err
        assert "Traceback" not in err and "internal error" not in err and out == ""


@pytest.mark.parametrize("case", list(BAD))
def test_graph_with_a_bad_log_names_the_file_and_the_problem(tmp_path, good_log, case):
    spoil, words = BAD[case]
    bad = tmp_path / "bad.json"
    bad.write_bytes(spoil(good_log))
    code, out, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.dot"), "--log", str(bad)])
    assert code == 1 and str(bad) in err and words in err, err
    assert "Traceback" not in err and "internal error" not in err


def test_a_report_skips_each_bad_log_by_name_and_reports_the_rest(tmp_path, good_log):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "good.json").write_text(json.dumps(good_log))
    for i, (spoil, _) in enumerate(BAD.values()):
        (logs / f"bad-{i:02}.json").write_bytes(spoil(good_log))
    code, out, err = run_cli(["report", "-o", str(tmp_path / "r.html"), "--logs", str(logs)])
    assert code == 0 and "from 1 run(s)" in out, err
    assert "Traceback" not in err and "internal error" not in err
    skipped = [line for line in err.splitlines() if line.startswith("rehearse: skipped ")]
    assert len(skipped) == len(BAD)
    for i, (_, words) in enumerate(BAD.values()):
        (line,) = [s for s in skipped if f"bad-{i:02}.json" in s]
        assert words in line
    choices = (tmp_path / "r-choices.csv").read_text()
    assert "phone-standoff,quiz,crouch,1,100%" in choices  # the good log, counted once


def test_a_good_log_passes_unchanged_through_compare_and_graph(tmp_path, good_log):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(good_log))
    b.write_text(json.dumps(good_log))
    code, out, err = run_cli(["compare", str(a), str(b), "--format", "json"])
    assert code == 0, err
    c = json.loads(out)
    assert c["diverged_at"] is None and c["shared_turns"] == len(good_log["turns"])
    code, out, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.dot"), "--log", str(a)])
    assert code == 0, err
    # the logged path (quiz -> crouch -> ...) is drawn bold
    assert 'penwidth="3"' in (tmp_path / "g.dot").read_text()


def test_missing_optional_fields_are_filled_not_refused(tmp_path, good_log):
    """A log written without the optional keys (mode, timed, cues, a turn's passed) still compares."""
    minimal = {k: v for k, v in good_log.items() if k not in ("mode", "timed", "cues", "share_reflections")}
    minimal["turns"] = [{"scene": t["scene"], "choice": t["choice"]} for t in good_log["turns"]]
    a = tmp_path / "a.json"
    a.write_text(json.dumps(minimal))
    b = tmp_path / "b.json"
    b.write_text(json.dumps(good_log))
    code, out, err = run_cli(["compare", str(a), str(b)])
    assert code == 0 and "The runs took the same choices all the way." in out, err


def test_a_folder_or_a_missing_file_is_named(tmp_path, good_log):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(good_log))
    # the CLI may refuse a folder or a missing file before the log is read; either way it is named
    for other, words in [
        (tmp_path, ("not a file", "a folder")),
        (tmp_path / "nope.json", ("no such file", "not found")),
    ]:
        code, _, err = run_cli(["compare", str(good), str(other)])
        assert code == 1 and str(other) in err and any(w in err for w in words), err
        assert "Traceback" not in err and "internal error" not in err
