"""The record store never destroys a healthy file, keeps everything it sets aside, survives
several Rehearses at once, and answers a read-only folder, a full disk or a damaged row in one
clean line (docs/records.md; issue 11, "The record store")."""

from __future__ import annotations

import errno
import gc
import json
import multiprocessing
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import SCENARIOS, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")


def play(data: Path, seed: int = 7, profile: str = "me") -> None:
    code, _, err = run_cli(
        ["play", PHONE, "--text", "--seed", str(seed), "--data", str(data), "--profile", profile], stdin="1\n1\n"
    )
    assert code == 0, err


def set_asides(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".set-aside-" in p.name)


def clean(err: str) -> bool:
    return "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("name", ["100% sure", "room#4", "why?x=1", "a%20b#c?d"])
def test_a_folder_whose_name_has_uri_characters_keeps_its_store(tmp_path, name):
    data = tmp_path / name
    play(data)
    for _ in range(2):  # the second open is the one that used to judge the store damaged
        code, out, err = run_cli(["history", "--data", str(data)])
        assert code == 0 and "phone-standoff" in out and "set aside" not in err and clean(err)
    assert set_asides(data) == []
    from simulator.records.store import best_results

    assert best_results(data) == {"phone-standoff": 100.0}


def test_a_set_aside_keeps_its_wal_and_shm_and_never_overwrites_another(tmp_path, monkeypatch):
    monkeypatch.setattr("time.strftime", lambda fmt, *a: "20260101-120000")  # two set-asides in one second
    db = tmp_path / "rehearse.db"
    for n in (1, 2):
        gc.collect()  # close the last round's connection: closing removes its -wal and -shm by name
        db.write_bytes(b"not a database %d" % n)
        Path(f"{db}-wal").write_bytes(b"wal %d" % n)
        Path(f"{db}-shm").write_bytes(b"shm %d" % n)
        code, _, err = run_cli(["history", "--data", str(tmp_path)])
        assert code == 0 and "is not a database file" in err and "nothing was deleted" in err and clean(err)
        base = tmp_path / ("rehearse.db.set-aside-20260101-120000" + ("" if n == 1 else "-2"))
        # the message says exactly where each file went
        for s in ("", "-wal", "-shm"):
            assert f"rehearse.db{s} -> {base}{s}" in err
    for n, suffix in ((1, ""), (2, "-2")):
        base = tmp_path / f"rehearse.db.set-aside-20260101-120000{suffix}"
        assert base.read_bytes() == b"not a database %d" % n
        assert Path(f"{base}-wal").read_bytes() == b"wal %d" % n
        assert Path(f"{base}-shm").read_bytes() == b"shm %d" % n
    assert len(set_asides(tmp_path)) == 6
    code, out, _ = run_cli(["history", "--data", str(tmp_path)])
    assert code == 0 and "No runs yet" in out  # a fresh, working store


def damage(data: Path, sql: str) -> bytes:
    """Run `sql` on the store in `data` (made with one run) and return the file's bytes."""
    play(data)
    conn = sqlite3.connect(data / "rehearse.db")
    conn.executescript(sql)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return (data / "rehearse.db").read_bytes()


@pytest.mark.parametrize(
    "sql, words",
    [
        ("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'", "its schema version is 'abc'"),
        ("UPDATE meta SET value = '' WHERE key = 'schema_version'", "its schema version is ''"),
        ("UPDATE meta SET value = '-1' WHERE key = 'schema_version'", "its schema version is '-1'"),
        ("DELETE FROM meta WHERE key = 'schema_version'", "its schema version is ''"),
        ("DROP TABLE scores", "its table 'scores' is missing"),
        ("ALTER TABLE runs DROP COLUMN log", "its table 'runs' has no column 'log'"),
        ("DROP TABLE meta; CREATE TABLE meta (k TEXT)", "belongs to another program"),
    ],
)
def test_a_damaged_schema_is_set_aside_whole_and_a_new_store_started(tmp_path, sql, words):
    before = damage(tmp_path, sql)
    code, out, err = run_cli(["history", "--data", str(tmp_path)])
    assert code == 0 and words in err and "set aside" in err and clean(err)
    assert "No runs yet" in out
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("rehearse.db.set-aside-") and "-" not in p.name[-4:]]
    assert aside.read_bytes() == before  # nothing of the old file was changed
    play(tmp_path)  # and the new store works
    assert "phone-standoff" in run_cli(["history", "--data", str(tmp_path)])[1]


def test_damaged_pages_are_set_aside(tmp_path):
    play(tmp_path)
    db = tmp_path / "rehearse.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    raw[page : page * 3] = b"\xa5" * (2 * page)  # pages 2 and 3: the schema's tables
    db.write_bytes(bytes(raw))
    code, _, err = run_cli(["history", "--data", str(tmp_path)])
    assert code == 0 and "is damaged" in err and "set aside" in err and clean(err)
    assert len(set_asides(tmp_path)) >= 1


def _open_at_once(folder: str, barrier, results) -> None:
    from simulator.records.runs import Records

    try:
        barrier.wait(timeout=60)
        rec = Records.open(folder)
        pid = rec.profile_id("ana")
        results.put(("ok", pid, rec.notice))
        rec.close()
    except BaseException as e:  # the test reports whatever went wrong in the child
        results.put(("error", f"{type(e).__name__}: {e}", None))


def test_three_processes_opening_a_fresh_store_and_making_one_profile_at_once(tmp_path):
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    for round_ in range(8):  # several rounds: a race shows only sometimes
        folder = tmp_path / f"r{round_}"
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_at_once, args=(str(folder), barrier, results)) for _ in range(3)]
        for p in procs:
            p.start()
        got = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert all(kind == "ok" for kind, _, _ in got), got
        assert len({pid for _, pid, _ in got}) == 1  # one profile, the same for all three
        assert [notice for _, _, notice in got] == [None, None, None]  # nothing judged damaged
        assert set_asides(folder) == []
        from simulator.records.runs import Records

        rec = Records.open(folder)
        assert rec.profiles() == ["ana"] and rec.notice is None
        rec.close()


def _immutable(path: Path) -> bool:
    """Make `path` read-only even for root (chattr +i); False where that is not possible."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return True
    try:
        return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    except OSError:
        return False


def _writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_read_only_folder_is_one_clean_line(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    if not _immutable(folder):
        pytest.skip("running as root without chattr: permissions cannot be tested")
    try:
        code, out, err = run_cli(["history", "--data", str(folder)])
        assert code == 1 and f"check that you can write to {folder}" in err and "--data" in err and clean(err)
        code, out, err = run_cli(["history", "--data", str(folder / "sub")])
        assert code == 1 and "cannot make the records folder" in err and clean(err)
    finally:
        _writable(folder)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_read_only_record_file_is_read_but_never_set_aside(tmp_path):
    from simulator.core.loader import load_file
    from simulator.records.runs import Records, RecordsError
    from simulator.session.run import Run

    play(tmp_path)
    db = tmp_path / "rehearse.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    if not _immutable(db):
        pytest.skip("running as root without chattr: permissions cannot be tested")
    try:
        code, out, err = run_cli(["history", "--data", str(tmp_path)])
        assert code == 0 and "phone-standoff" in out and clean(err)
        rec = Records.open(tmp_path)  # reading works; the first save says why it cannot
        with pytest.raises(RecordsError, match="is read-only"):
            rec.track(Run(load_file(PHONE), seed=1), "me")
        rec.close()
    finally:
        _writable(db)
    assert set_asides(tmp_path) == [] and db.read_bytes()[:100] == before[:100]


def test_a_full_disk_while_saving_a_run_is_a_records_error_and_keeps_the_last_save(tmp_path):
    from simulator.core.loader import load_file
    from simulator.records.runs import Records, RecordsError
    from simulator.session.run import Run

    rec = Records.open(tmp_path)
    run = Run(load_file(PHONE), seed=5)
    rid = rec.track(run, "ana")
    pages = rec.conn.execute("PRAGMA page_count").fetchone()[0]
    rec.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    with pytest.raises(RecordsError, match="the disk is full"):  # the save after the turn
        run.choose("public", reflection="x" * 200_000)  # a turn too large for the pages left
    (row,) = rec.runs()
    assert row.id == rid and row.turns == 0  # the earlier save stands


def test_an_output_on_a_full_disk_leaves_no_empty_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    play(tmp_path / "d")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "runs.jsonl").write_text("old export\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("simulator.records.store.os.fsync", full)
    code, out, err = run_cli(["report", "-o", str(out_dir / "report.html"), "--data", str(tmp_path / "d")])
    assert code == 1 and "No space left on device" in err and "report.html" in err and clean(err)
    code, out, err = run_cli(["export", "--xapi", "-o", str(out_dir / "runs.jsonl"), "--data", str(tmp_path / "d")])
    assert code == 1 and "No space left on device" in err and clean(err)
    code, out, err = run_cli(["progress", "-o", str(out_dir / "p.svg"), "--data", str(tmp_path / "d")])
    assert code == 1 and "No space left on device" in err and clean(err)
    assert sorted(p.name for p in out_dir.iterdir()) == ["runs.jsonl"]  # no 0-byte file, no temp file
    assert (out_dir / "runs.jsonl").read_text() == "old export\n"
    monkeypatch.undo()
    code, out, err = run_cli(["export", "--xapi", "-o", str(out_dir / "runs.jsonl"), "--data", str(tmp_path / "d")])
    assert code == 0 and (out_dir / "runs.jsonl").read_text().count("\n") == 2


def test_an_output_into_a_missing_folder_or_onto_a_folder_is_one_line(tmp_path):
    play(tmp_path / "d")
    (tmp_path / "here.html").mkdir()
    for target, words in [(tmp_path / "nope" / "r.html", "does not exist"), (tmp_path / "here.html", "is a folder")]:
        code, _, err = run_cli(["report", "-o", str(target), "--data", str(tmp_path / "d")])
        assert code == 1 and words in err and clean(err)


def _set_log(data: Path, text: str, which: int = 0) -> str:
    conn = sqlite3.connect(data / "rehearse.db")
    rid = conn.execute("SELECT id FROM runs ORDER BY started_at").fetchall()[which][0]
    conn.execute("UPDATE runs SET log = ? WHERE id = ?", (text, rid))
    conn.commit()
    conn.close()
    return rid


@pytest.mark.parametrize(
    "damage_log, words",
    [
        (lambda log: json.dumps({**log, "seed": "abc"}), "seed should be a whole number, found text"),
        (lambda log: "{", "not a JSON run log"),
        (lambda log: "[" * 100_000 + "]" * 100_000, "nested too deep"),
        (lambda log: json.dumps({**log, "turns": [{"scene": ["a"]}]}), "turns[0].scene should be text, found a list"),
    ],
)
def test_one_damaged_run_log_is_skipped_by_report_and_export_and_refused_by_resume(tmp_path, damage_log, words):
    play(tmp_path, seed=7)
    play(tmp_path, seed=3)
    run_cli(["play", PHONE, "--text", "--seed", "4", "--data", str(tmp_path)], stdin="\n2\nquit\n")  # unfinished
    conn = sqlite3.connect(tmp_path / "rehearse.db")
    log = json.loads(conn.execute("SELECT log FROM runs ORDER BY started_at").fetchone()[0])
    conn.close()
    bad = _set_log(tmp_path, damage_log(log), which=0)
    code, out, err = run_cli(["report", "-o", str(tmp_path / "r.html"), "--data", str(tmp_path)])
    assert code == 0 and "from 2 run(s)" in out and clean(err)
    assert "skipped the run of phone-standoff started" in err and bad in err and words in err
    code, out, err = run_cli(["export", "--xapi", "-o", str(tmp_path / "x.jsonl"), "--data", str(tmp_path)])
    assert code == 0 and "from 2 run(s)" in out and bad in err and words in err and clean(err)
    unfinished = _set_log(tmp_path, damage_log(log), which=2)
    code, out, err = run_cli(["resume", "--text", "--data", str(tmp_path)], stdin="\n")
    assert code == 1 and unfinished in err and words in err and clean(err)


def test_a_bad_entry_in_the_card_cache_costs_only_a_re_read(tmp_path, monkeypatch):
    from simulator.records.cards import load_cards

    monkeypatch.setenv("REHEARSE_DATA", str(tmp_path))
    good = {c.id: c for c in load_cards(SCENARIOS)}
    cache_file = tmp_path / "cache" / "cards.json"
    cache = json.loads(cache_file.read_text())
    key = str((SCENARIOS / "phone-standoff.yaml").resolve())
    for bad_card in [5, "x", [], {"id": "phone-standoff"}, {**cache["files"][key]["card"], "topics": 7}]:
        cache["files"][key]["card"] = bad_card
        cache_file.write_text(json.dumps(cache))
        again = {c.id: c for c in load_cards(SCENARIOS)}
        assert again == good
    for whole in ['{"version": 2, "files": []}', "[" * 100_000, '{"version": 2, "files": {"x": 5}}']:
        cache_file.write_text(whole)
        assert {c.id: c for c in load_cards(SCENARIOS)} == good


def test_three_processes_finding_one_damaged_store_set_it_aside_once(tmp_path):
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    for round_ in range(4):
        folder = tmp_path / f"r{round_}"
        folder.mkdir()
        (folder / "rehearse.db").write_bytes(b"damaged %d" % round_)
        barrier, results = ctx.Barrier(3), ctx.Queue()
        procs = [ctx.Process(target=_open_at_once, args=(str(folder), barrier, results)) for _ in range(3)]
        for p in procs:
            p.start()
        got = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert all(kind == "ok" for kind, _, _ in got), got
        assert len({pid for _, pid, _ in got}) == 1
        assert sum(notice is not None for _, _, notice in got) == 1  # one of them set it aside and said so
        (aside,) = set_asides(folder)
        assert (folder / aside).read_bytes() == b"damaged %d" % round_
