"""The host API a shell uses: Run's events (the log built once), consent and notes, the one replay,
and the one saving interface (a step back keeps the same record)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import SCENARIOS, run_cli

from simulator.core.loader import load_file
from simulator.records.runs import Records
from simulator.records.saving import Saving
from simulator.session.run import LogError, Run, replay


@pytest.fixture(scope="module")
def phone():
    return load_file(SCENARIOS / "phone-standoff.yaml")


def test_every_listener_gets_the_same_log_built_once(phone):
    run = Run(phone, seed=7)
    seen = []
    run.subscribe(seen.append)
    run.subscribe(seen.append)
    run.choose("public", noticed=["jaw"])
    a, b = seen
    assert a is b and a.log["turns"][0]["choice"] == "public" and a.log == run.log()


def test_consent_and_notes_are_events_saved_with_the_run(phone, tmp_path):
    rec = Records.open(tmp_path)
    run = Run(phone, seed=7)
    rid = rec.track(run, "ana")
    run.choose("public", notes={"votes": {"public": 3}, "voters": 3})
    run.annotate(1, {"room": "B12"})
    run.consent(True)
    log = rec.log(rid)
    assert log["share_reflections"] is True
    assert log["turns"][0]["votes"] == {"public": 3} and log["turns"][0]["room"] == "B12"
    with pytest.raises(ValueError, match="cannot replace what the turn logs: choice"):
        run.annotate(1, {"choice": "crouch"})
    with pytest.raises(ValueError, match="no turn 5"):
        run.annotate(5, {"x": 1})
    with pytest.raises(AttributeError):
        run.share_reflections = False  # type: ignore[misc]


def test_replay_rebuilds_the_run_with_its_notes_and_consent(phone):
    run = Run(phone, seed=11)
    run.choose("public", noticed=["jaw"], notes={"votes": {"public": 2}})
    run.consent(True)
    done = replay(phone, run.log())
    assert done.taken == 1 and done.stopped is None and not done.ended_early
    assert done.run.log() == run.log()


def test_replay_stops_where_the_scenario_no_longer_allows_a_turn(phone):
    log = Run(phone, seed=7).log()
    log["turns"] = [{"choice": "public"}, {"choice": "no-such-choice"}, {"choice": "crouch"}]
    done = replay(phone, log)
    assert done.taken == 1 and "does not exist in this scene" in str(done.stopped)
    log["turns"] = [{"choice": "crouch"}, {"choice": "crouch"}]
    done = replay(phone, log)
    assert done.run.ended and done.ended_early and done.taken == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"seed": "7"}, "seed should be a whole number from 0, found '7'"),
        ({"seed": True}, "seed should be a whole number"),
        ({"seed": -1}, "seed should be a whole number"),
        ({"seed": 2**200}, "seed should be a whole number"),
        ({"mode": "exam"}, "mode should be one of coach, assess, found 'exam'"),
        ({"timed": "yes"}, "timed should be true or false"),
        ({"turns": "public"}, "turns should be a list"),
        ({"turns": [7]}, "turns[0] should be an object, found 7"),
        ({"turns": [{"choice": ["a"]}]}, "turns[0].choice should be a choice id or null"),
        ({"turns": [{"choice": "public", "noticed": "jaw"}]}, "turns[0].noticed should be a list of cue ids"),
        ({"turns": [{"choice": "public", "elapsed_ms": -5}]}, "turns[0].elapsed_ms should be a whole number"),
    ],
)
def test_a_damaged_log_is_refused_with_the_place(phone, change, message):
    log = {**Run(phone, seed=7).log(), **change}
    with pytest.raises(LogError, match="damaged run log: " + message.replace("[", r"\[").replace("(", r"\(")):
        replay(phone, log)


def test_resume_of_a_damaged_stored_run_says_so(tmp_path):
    data = tmp_path / "data"
    rec = Records.open(data)
    run = Run(load_file(SCENARIOS / "phone-standoff.yaml"), seed=7)
    rid = rec.track(run, "me")
    run.choose("public")
    log = rec.log(rid)
    log["seed"] = "not a number"
    with sqlite3.connect(rec.path) as conn:
        conn.execute("UPDATE runs SET log = ? WHERE id = ?", (json.dumps(log), rid))
    code, out, err = run_cli(["resume", "--text", "--data", str(data)])
    assert code == 1 and "Traceback" not in err and "internal error" not in err
    assert "damaged run log: seed should be a whole number" in err


def test_a_step_back_keeps_the_same_record(phone, tmp_path):
    rec = Records.open(tmp_path)
    saving = Saving(rec, profile="ana")
    run = Run(phone, seed=7)
    assert saving.attach(run) == []
    run.choose("public")
    back = run.rewind(0)
    saving.attach(back, continuing=run)
    assert [r.id for r in rec.runs()] == [saving.record_of(back)]
    run.choose(1)  # the abandoned run is no longer saved
    assert rec.runs()[0].turns == 0
    back.choose("crouch")
    (row,) = rec.runs()
    assert row.ended and row.turns == 1


def test_a_rewind_of_a_finished_run_is_a_new_record(phone, tmp_path):
    rec = Records.open(tmp_path)
    saving = Saving(rec, profile="ana")
    run = Run(phone, seed=7)
    saving.attach(run)
    run.choose("crouch")
    again = run.rewind(0)
    saving.attach(again, continuing=run)
    assert len(rec.runs()) == 2 and sum(r.ended for r in rec.runs()) == 1


def test_a_log_that_cannot_be_written_is_reported_once(phone, tmp_path):
    warnings = []
    target = tmp_path / "sub" / "run.json"
    saving = Saving(None, log_path=str(target), warn=warnings.append)
    run = Run(phone, seed=7)
    problems = saving.attach(run)
    assert problems and "cannot write the run log" in problems[0]
    (tmp_path / "sub").mkdir()
    run.choose("public")
    assert json.loads(target.read_text())["turns"][0]["choice"] == "public"
    assert warnings == []
