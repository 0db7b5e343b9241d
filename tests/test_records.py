"""Records: SQLite after every turn, resume, history, forget; damaged or foreign files set aside."""

from __future__ import annotations

import json
import sqlite3

from conftest import SCENARIOS, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")


def test_a_run_is_saved_after_every_turn_and_resumed(tmp_path):
    from simulator.core.loader import load_file
    from simulator.records.runs import Records
    from simulator.session.run import Run, replay

    rec = Records.open(tmp_path)
    run = Run(load_file(PHONE), seed=5)
    rid = rec.track(run, "ana")
    assert rec.runs()[0].turns == 0
    run.choose("public", noticed=["jaw"])
    (row,) = rec.runs(profile="ana", unfinished=True)
    assert row.id == rid and row.turns == 1
    done = replay(run.scenario, rec.log(rid))
    again, n = done.run, done.taken
    assert n == 1 and again.state.key() == run.state.key() and again.noticed == ("jaw",)
    again.choose(1)
    rec.track(again, "ana", run_id=rid, started_at=row.started_at)
    (row,) = rec.runs(profile="ana")
    assert row.ended and row.ending == "repaired" and row.turns == 2
    assert {d for _, _, d, _ in rec.progress(profile="ana")} >= {"de_escalation"}


def test_resume_and_history_from_the_command_line(tmp_path):
    run_cli(["play", PHONE, "--text", "--seed", "4", "--data", str(tmp_path)], stdin="\n2\nquit\n")
    code, out, _ = run_cli(["history", "--data", str(tmp_path)])
    assert code == 0 and "phone-standoff" in out and "unfinished" in out
    code, out, _ = run_cli(["resume", "--list", "--data", str(tmp_path)])
    assert "1. The Phone: 1 turn(s)" in out
    code, out, _ = run_cli(["resume", "--text", "--data", str(tmp_path)], stdin="1\n\n")
    assert code == 0 and "Continuing The Phone after 1 turn(s)." in out and "== Debrief ==" in out
    code, out, _ = run_cli(["history", "--data", str(tmp_path), "--format", "json"])
    (row,) = json.loads(out)
    assert row["ended"] and row["turns"] == 2
    assert run_cli(["resume", "--data", str(tmp_path)])[1].startswith("No unfinished runs")


def test_forget_deletes_a_profile_only_with_yes(tmp_path):
    run_cli(["play", PHONE, "--text", "--data", str(tmp_path), "--profile", "sam"], stdin="\n1\n")
    code, out, _ = run_cli(["forget", "--data", str(tmp_path), "--profile", "sam"])
    assert code == 1 and "--yes" in out
    code, out, _ = run_cli(["forget", "--data", str(tmp_path), "--profile", "sam", "--yes"])
    assert code == 0 and "Deleted profile 'sam' and 1 run(s)." in out
    assert "No runs yet" in run_cli(["history", "--data", str(tmp_path), "--all"])[1]


def test_a_damaged_or_foreign_file_is_set_aside_never_overwritten(tmp_path):
    from simulator.records.runs import Records

    (tmp_path / "rehearse.db").write_bytes(b"this is not a database at all")
    rec = Records.open(tmp_path)
    assert "is not a database file" in rec.notice and "set aside" in rec.notice
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("rehearse.db.set-aside-")]
    assert len(aside) == 1 and aside[0].read_bytes() == b"this is not a database at all"
    rec.close()

    other = tmp_path / "other"
    other.mkdir()
    conn = sqlite3.connect(other / "rehearse.db")
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    rec = Records.open(other)
    assert "belongs to another program" in rec.notice
    code, out, err = run_cli(["history", "--data", str(other)])
    assert code == 0 and "Traceback" not in err


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    from simulator.records.runs import Records

    rec = Records.open(tmp_path)
    rec.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    rec.conn.commit()
    rec.close()
    code, out, err = run_cli(["history", "--data", str(tmp_path)])
    assert code == 1 and "written by a newer Rehearse (schema 99)" in err and "Traceback" not in err


def test_the_picker_shows_the_best_result(tmp_path):
    from simulator.records.store import best_results

    run_cli(["play", PHONE, "--text", "--seed", "7", "--data", str(tmp_path)], stdin="1\n1\n")
    best = best_results(tmp_path)
    assert best["phone-standoff"] == 100.0


def test_the_picker_offers_to_continue_an_unfinished_run(tmp_path, monkeypatch):
    import pytest

    pygame = pytest.importorskip("pygame")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    import argparse
    import io

    from simulator.records.cards import load_cards
    from simulator.shells.cli.play import _gui_saver
    from simulator.shells.player.app import Player

    run_cli(["play", PHONE, "--text", "--seed", "4", "--data", str(tmp_path)], stdin="\n2\nquit\n")
    saver = _gui_saver(argparse.Namespace(data=str(tmp_path), profile="me", log=None), io.StringIO())
    p = Player(load_cards(SCENARIOS), seed=1, saving=saver, data=str(tmp_path))
    p.draw()
    resume = [h.action for h in p.hits if h.action[0] == "resume"]
    assert len(resume) == 1
    p.act(resume[0])
    assert p.ui.screen == "scene" and len(p.run.turns) == 1 and p.run.view().scene.id == "standoff"
    p.act(("choose", "1"))
    p.ui.reflection = ""
    p.act(("reflect_done",))
    from simulator.records.runs import Records

    (row,) = Records.open(tmp_path).runs()
    assert row.ended and row.turns == 2  # the same record, continued
    pygame.quit()


def test_the_window_steps_back_in_the_same_record(tmp_path, monkeypatch):
    """B (a step back) replays the run one turn shorter; the records keep one run, not an
    unfinished orphan beside the new one."""
    import pytest

    pygame = pytest.importorskip("pygame")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from simulator.core.loader import load_file
    from simulator.records.runs import Records
    from simulator.records.saving import Saving
    from simulator.shells.player.app import Player

    records = Records.open(tmp_path)
    p = Player([load_file(PHONE)], seed=7, saving=Saving(records), data=str(tmp_path))
    assert p.ui.screen == "note"  # the content note, then the run
    p.act(("continue",))
    p.run.choose("public")
    assert [r.turns for r in records.runs()] == [1]
    p.act(("back",))
    assert len(p.run.turns) == 0
    assert [r.turns for r in records.runs()] == [0]  # the same record, stepped back
    p.run.choose("crouch")
    (row,) = records.runs()
    assert row.ended and row.turns == 1
    pygame.quit()
