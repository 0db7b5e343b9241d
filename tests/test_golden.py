"""Golden playthroughs of the shipped scenarios: each script plays to the same log, byte for byte, and
that log replays to the same run and the same debrief.

tests/data/golden/<scenario-id>-<label>-<seed>.script.yaml is played once with that seed, through
`rehearse play --script`; its log is compared with the .log.json beside it, then replayed
(simulator.session.run.replay, as rewind, resume and --watch do) and the replayed run's log and
debrief are compared with the log and the .debrief.json beside it. After an intended change,
regenerate with REHEARSE_REGEN_GOLDEN=1 and review the diff like code (its own commit)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import DATA, SCENARIOS, run_cli

GOLDEN = DATA / "golden"
SCRIPTS = sorted(GOLDEN.glob("*.script.yaml"))
NAME = re.compile(r"(?P<id>.+)-(?P<label>[a-z]+)-(?P<seed>\d+)\.script\.yaml$")


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_golden_playthrough(script: Path, tmp_path):
    m = NAME.match(script.name)
    assert m, f"golden script names are <id>-<label>-<seed>.script.yaml: {script.name}"
    scenario = SCENARIOS / f"{m['id']}.yaml"
    log = tmp_path / "log.json"
    code, out, err = run_cli(
        [
            "play",
            str(scenario),
            "--text",
            "--mode",
            "assess",
            "--seed",
            m["seed"],
            "--script",
            str(script),
            "--log",
            str(log),
        ]
    )
    assert code == 0, err
    assert "warning" not in err, err
    got = log.read_bytes()
    assert json.loads(got)["ending"] is not None
    expected_file = script.with_name(script.name.replace(".script.yaml", ".log.json"))
    if os.environ.get("REHEARSE_REGEN_GOLDEN") or not expected_file.exists():
        expected_file.write_bytes(got)
        if not os.environ.get("REHEARSE_REGEN_GOLDEN"):
            pytest.fail(f"wrote a new golden log {expected_file.name}: review and commit it")
    expected = expected_file.read_bytes()
    if got != expected:  # show the first difference as parsed data, then insist on the bytes
        assert json.loads(got) == json.loads(expected)
    assert got == expected, "same data, different bytes: the log's serialisation changed"
    _replays_to_the_same_run_and_debrief(scenario, json.loads(got), got, script)


def _replays_to_the_same_run_and_debrief(path: Path, log: dict, log_bytes: bytes, script: Path) -> None:
    from scoring.feedback import build_debrief
    from simulator.core.loader import load_file
    from simulator.session.run import replay

    done = replay(load_file(path), log)
    assert done.stopped is None and not done.ended_early and done.taken == len(log["turns"])
    again = (json.dumps(done.run.log(), indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    assert again == log_bytes, "the replayed run's log differs from the played one"
    debrief = build_debrief(done.run.played()).as_dict()
    assert 1 <= len(debrief["turning_points"]) <= 3
    expected_file = script.with_name(script.name.replace(".script.yaml", ".debrief.json"))
    if os.environ.get("REHEARSE_REGEN_GOLDEN") or not expected_file.exists():
        expected_file.write_text(json.dumps(debrief, indent=1, ensure_ascii=False) + "\n")
        if not os.environ.get("REHEARSE_REGEN_GOLDEN"):
            pytest.fail(f"wrote a new golden debrief {expected_file.name}: review and commit it")
    assert debrief == json.loads(expected_file.read_text())


def test_every_shipped_scenario_has_golden_runs():
    ids = {NAME.match(s.name)["id"] for s in SCRIPTS}
    assert ids == {p.stem for p in SCENARIOS.glob("*.yaml")}


def test_best_scripts_reach_a_good_ending_and_worst_a_poor_one():
    for s in SCRIPTS:
        m = NAME.match(s.name)
        if m["label"] not in ("best", "worst"):
            continue
        log = json.loads(s.with_name(s.name.replace(".script.yaml", ".log.json")).read_text())
        assert log["outcome"] == ("good" if m["label"] == "best" else "poor"), s.name
        if m["label"] == "best":
            assert log["critical"] is False and log["score"]["noticing"]["false_alarms"] == 0
            pct = [d["percent"] for d in log["score"]["dimensions"].values()]
            assert sum(pct) / len(pct) >= 80, (s.name, pct)  # per-dimension maxima may lie on different paths


def test_a_critical_safety_error_marks_the_run():
    log = json.loads((GOLDEN / "the-sketchbook-secret-7.log.json").read_text())
    assert log["critical"] is True and log["outcome"] == "poor"
    assert "promise-secret" in [t["choice"] for t in log["turns"]]
