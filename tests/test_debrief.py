"""The debrief (turning points, better choices, mood series), golden debriefs, and compare."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DATA, SCENARIOS, run_cli

from scoring.feedback import build_debrief, mood_series
from simulator.core.loader import load_file
from simulator.session.run import Run

GOLDEN = DATA / "golden"


@pytest.fixture(scope="module")
def phone():
    return load_file(SCENARIOS / "phone-standoff.yaml")


def test_turning_point_names_the_better_choice(phone):
    run = Run(phone, seed=7, mode="assess")
    run.choose("public")
    run.choose(1)
    db = build_debrief(run.played())
    first = db.turning_points[0]
    assert first.turn == 1 and first.text.startswith("From the front")
    assert first.better is not None and first.better.id == "crouch"
    assert first.score == {"de_escalation": -2} and first.mood_change["stress"] > 0


def test_the_best_path_has_no_better_choice(phone):
    run = Run(phone, seed=7)
    run.choose("crouch")
    db = build_debrief(run.played())
    assert [t.better for t in db.turning_points] == [None]
    assert db.ending.id == "repaired" and not db.critical


def test_mood_series_is_one_row_per_turn_plus_the_start(phone):
    run = Run(phone, seed=7)
    run.choose("public")
    run.choose(1)
    names, series = mood_series(run.played())
    assert names == ("stress", "trust", "openness") and series.shape == (3, 3)
    assert np.allclose(series[0], list(run.turns[0].mood_before.values()))
    assert np.allclose(series[-1], list(run.mood.values()))


def test_compare_finds_where_two_runs_parted(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    phone = str(SCENARIOS / "phone-standoff.yaml")
    run_cli(
        ["play", phone, "--script", str(GOLDEN / "phone-standoff-public-7.script.yaml"), "--seed", "7", "--log", str(a)]
    )
    run_cli(
        ["play", phone, "--script", str(GOLDEN / "phone-standoff-best-7.script.yaml"), "--seed", "7", "--log", str(b)]
    )
    code, out, _ = run_cli(["compare", str(a), str(b)])
    assert code == 0
    assert "They parted at the first turn, in scene 'quiz':\n  A: public\n  B: crouch" in out
    assert "De-escalation                   +0    +2      +2   (33% -> 100%)" in out
    code, out, _ = run_cli(["compare", str(a), str(b), "--format", "json"])
    data = json.loads(out)
    assert data["dimensions"]["de_escalation"]["change"] == 2 and data["endings"] == ["repaired", "repaired"]


def test_compare_refuses_bad_logs_clearly(tmp_path):
    good = tmp_path / "g.json"
    run_cli(
        [
            "play",
            str(SCENARIOS / "phone-standoff.yaml"),
            "--script",
            str(GOLDEN / "phone-standoff-best-7.script.yaml"),
            "--log",
            str(good),
        ]
    )
    bad = tmp_path / "bad.json"
    for content, words in [
        ('{"x": 1', "not a JSON run log"),
        ('{"format": "other"}', "not a run log"),
        ('{"format": "rehearse-log/1", "turns": 3}', "damaged"),
    ]:
        bad.write_text(content)
        code, out, err = run_cli(["compare", str(good), str(bad)])
        assert code == 1 and words in err and "Traceback" not in err
    other = json.loads(good.read_text())
    other["scenario"]["id"] = "something-else"
    bad.write_text(json.dumps(other))
    code, _, err = run_cli(["compare", str(good), str(bad)])
    assert code == 1 and "different scenarios" in err
