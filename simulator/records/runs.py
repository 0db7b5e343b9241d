"""Records: every run in a local SQLite database, saved after every turn.

The database lives in the user's data folder (simulator.records.store.data_dir; `--data DIR` overrides)
and never leaves the machine unless the teacher exports it. Runs belong to a local profile (a
display name; no password, no account). A file that is not a Rehearse database, or is damaged,
is set aside under a new name with a message and a fresh one is made: never silently overwritten.
The schema is versioned and migrates forward."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

APP = "rehearse"
SCHEMA_VERSION = 2
DB_NAME = "rehearse.db"
LOCK_NAME = "rehearse.db.lock"

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at REAL NOT NULL);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    scenario_id TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL,
    scenario_path TEXT,
    title TEXT,
    seed INTEGER NOT NULL,
    mode TEXT NOT NULL,
    started_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    turns INTEGER NOT NULL,
    ended INTEGER NOT NULL,
    ending TEXT,
    outcome TEXT,
    critical INTEGER NOT NULL,
    log TEXT NOT NULL
);
CREATE INDEX runs_by_profile ON runs(profile_id, scenario_id, started_at);
CREATE TABLE scores (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL, raw INTEGER NOT NULL, min INTEGER, max INTEGER, percent REAL,
    PRIMARY KEY (run_id, dimension)
);
"""
# MIGRATIONS[v] turns a version-v database into version v+1. A new database is made at version 1
# and migrated forward like any old one, so every migration runs in every test.
MIGRATIONS: dict[int, str] = {
    1: """CREATE TABLE xapi_sent (statement_id TEXT NOT NULL, endpoint TEXT NOT NULL, sent_at REAL NOT NULL,
          PRIMARY KEY (statement_id, endpoint));""",
}


class RecordsError(Exception):
    """A records problem to tell the person about in one line."""


class _Damaged(Exception):
    """Why a file that looked like a database cannot be used as ours (then it is set aside)."""


SQLITE_HEADER = b"SQLite format 3\x00"
HINT = "hint: use --data DIR to keep the records in another folder"


@dataclass(frozen=True)
class RunRow:
    id: str
    profile: str
    scenario_id: str
    title: str
    seed: int
    mode: str
    started_at: float
    updated_at: float
    turns: int
    ended: bool
    ending: str | None
    outcome: str | None
    critical: bool
    scenario_path: str | None
    scenario_sha256: str


class Records:
    """The record store. Open with `Records.open(folder)`; every method commits before it returns."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None = None) -> None:
        self.conn = conn
        self.path = path
        self.notice = notice  # set when a damaged or foreign file was set aside

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: str | Path | None = None) -> Records:
        """Open (or start) the records in `folder`. A damaged or foreign file is set aside, never
        changed; a problem we cannot judge (a lock, a permission) is a RecordsError and touches nothing."""
        from simulator.records.store import data_dir

        folder = Path(folder) if folder else data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RecordsError(f"cannot make the records folder {folder}: {e.strerror or e}\n  {HINT}") from None
        path = folder / DB_NAME
        with _opening_lock(folder):
            return cls._open_locked(path)

    @classmethod
    def _open_locked(cls, path: Path) -> Records:
        notices: list[str] = []
        problem = None
        for _attempt in range(3):
            problem = _inspect(path)
            if problem is None:
                try:
                    return cls(_connect(path), path, " ".join(notices) or None)
                except _Damaged as e:
                    problem = str(e)
            moved = _set_aside(path)
            if moved:
                notices.append(
                    f"{path} {problem}; it was set aside (nothing was deleted) and a new record file was "
                    "started: " + ", ".join(f"{a.name} -> {b}" for a, b in moved) + "."
                )
        raise RecordsError(f"{path} could not be opened after setting it aside ({problem})\n  {HINT}")

    def close(self) -> None:
        self.conn.close()

    # --- profiles ----------------------------------------------------------------------------------

    def profile_id(self, name: str) -> int:
        name = name.strip() or "me"
        try:
            with self.conn:  # INSERT OR IGNORE: two Rehearses making one profile at once make one
                self.conn.execute(
                    "INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", (name, time.time())
                )
            return self.conn.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()[0]
        except sqlite3.Error as e:
            raise RecordsError(_why(self.path, e)) from None

    def profiles(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM profiles ORDER BY name")]

    def forget(self, name: str) -> int:
        """Delete a profile and every run of it; returns how many runs were deleted."""
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if not row:
            return 0
        try:
            with self.conn:
                n = self.conn.execute("SELECT COUNT(*) FROM runs WHERE profile_id = ?", (row[0],)).fetchone()[0]
                self.conn.execute("DELETE FROM profiles WHERE id = ?", (row[0],))
        except sqlite3.Error as e:
            raise RecordsError(_why(self.path, e)) from None
        try:
            self.conn.execute("VACUUM")  # so the deleted runs leave the file, not just the index
        except sqlite3.Error:
            pass  # VACUUM needs free space the size of the file; the runs are deleted either way
        return n

    # --- saving ----------------------------------------------------------------------------------------

    def track(self, run, profile: str = "me", run_id: str | None = None, started_at: float | None = None) -> str:
        """Save `run` now and after every turn; returns its record id (pass one to continue a record)."""
        run_id = run_id or uuid.uuid4().hex
        pid = self.profile_id(profile)
        started = started_at or time.time()

        def save(event=None) -> None:
            self.save(run_id, pid, run, started, log=event.log if event is not None else None)

        save()
        run.subscribe(save)
        return run_id

    def save(self, run_id: str, profile_id: int, run, started_at: float, *, log: dict | None = None) -> None:
        """Save the run's row, log and (once ended) scores in one transaction; RecordsError if it cannot.

        `log` is the run's log when the caller has it already (a turn event carries it)."""
        try:
            self._save(run_id, profile_id, run, started_at, run.log() if log is None else log)
        except sqlite3.Error as e:  # a full disk, a file made read-only since: the previous save stands
            raise RecordsError(_why(self.path, e)) from None

    def _save(self, run_id: str, profile_id: int, run, started_at: float, log: dict) -> None:
        sc = run.scenario
        with self.conn:
            self.conn.execute(
                "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "updated_at=excluded.updated_at, turns=excluded.turns, ended=excluded.ended, ending=excluded.ending, "
                "outcome=excluded.outcome, critical=excluded.critical, log=excluded.log",
                (
                    run_id,
                    profile_id,
                    sc.id,
                    sc.sha256,
                    sc.path,
                    sc.title,
                    run.seed,
                    run.mode,
                    started_at,
                    time.time(),
                    len(run.turns),
                    int(run.ended),
                    log["ending"],
                    log["outcome"],
                    int(log["critical"]),
                    json.dumps(log, ensure_ascii=False),
                ),
            )
            if run.ended:
                self.conn.execute("DELETE FROM scores WHERE run_id = ?", (run_id,))
                self.conn.executemany(
                    "INSERT INTO scores VALUES (?,?,?,?,?,?)",
                    [
                        (run_id, d, v["raw"], v.get("min"), v.get("max"), v.get("percent"))
                        for d, v in log["score"]["dimensions"].items()
                    ],
                )

    # --- reading -------------------------------------------------------------------------------------

    def runs(
        self, profile: str | None = None, scenario: str | None = None, unfinished: bool | None = None
    ) -> list[RunRow]:
        q = (
            "SELECT r.id, p.name, r.scenario_id, r.title, r.seed, r.mode, r.started_at, r.updated_at, r.turns, "
            "r.ended, r.ending, r.outcome, r.critical, r.scenario_path, r.scenario_sha256 FROM runs r "
            "JOIN profiles p ON p.id = r.profile_id WHERE 1=1"
        )
        where, args = _filters(profile, scenario)
        q += where
        if unfinished is not None:
            q += " AND r.ended = ?"
            args.append(0 if unfinished else 1)
        q += " ORDER BY r.started_at"
        return [
            RunRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                bool(r[9]),
                r[10],
                r[11],
                bool(r[12]),
                r[13],
                r[14],
            )
            for r in self.conn.execute(q, args)
        ]

    def log_text(self, run_id: str) -> str:
        """The stored JSON text of a run's log, unchecked (scoring.compare.check_log checks it)."""
        row = self.conn.execute("SELECT log FROM runs WHERE id = ?", (run_id,)).fetchone()
        if not row:
            raise RecordsError(f"no run {run_id}")
        return row[0] if isinstance(row[0], str) else bytes(row[0] or b"").decode("utf-8", "replace")

    def log(self, run_id: str) -> dict:
        """A run's log as stored; RecordsError if it is not a JSON object."""
        try:
            log = json.loads(self.log_text(run_id))
        except (ValueError, RecursionError) as e:
            raise RecordsError(f"the log of run {run_id} in {self.path} is damaged ({type(e).__name__})") from None
        if not isinstance(log, dict):
            raise RecordsError(f"the log of run {run_id} in {self.path} is damaged (not a JSON object)")
        return log

    def sent(self, endpoint: str) -> set[str]:
        """Statement ids already delivered to an LRS endpoint (never send one twice)."""
        return {r[0] for r in self.conn.execute("SELECT statement_id FROM xapi_sent WHERE endpoint = ?", (endpoint,))}

    def mark_sent(self, endpoint: str, ids: list[str]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO xapi_sent VALUES (?, ?, ?)", [(i, endpoint, time.time()) for i in ids]
            )

    def progress(self, profile: str | None = None, scenario: str | None = None) -> list[tuple[str, float, str, float]]:
        """(scenario id, finished at, dimension, percent) for every finished run, oldest first."""
        q = (
            "SELECT r.scenario_id, r.updated_at, s.dimension, s.percent FROM scores s JOIN runs r ON r.id = s.run_id "
            "JOIN profiles p ON p.id = r.profile_id WHERE s.percent IS NOT NULL"
        )
        where, args = _filters(profile, scenario)
        return list(self.conn.execute(q + where + " ORDER BY r.updated_at, s.dimension", args))


def _filters(profile: str | None, scenario: str | None) -> tuple[str, list]:
    """SQL conditions (on runs r joined with profiles p) for an optional profile and scenario."""
    where, args = "", []
    if profile:
        where += " AND p.name = ?"
        args.append(profile)
    if scenario:
        where += " AND r.scenario_id = ?"
        args.append(scenario)
    return where, args


@contextlib.contextmanager
def _opening_lock(folder: Path) -> Iterator[None]:
    """Hold a lock on `folder` while one process judges, sets aside, makes or migrates the store.

    Without it a second Rehearse that judged the file damaged a moment ago would set aside the
    fresh store the first has just made in its place. Saves do not take it (SQLite locks those).
    Where the lock file cannot be made (a read-only folder) nothing can be set aside or made anyway."""
    try:
        f = open(folder / LOCK_NAME, "a+b")
    except OSError:
        yield
        return
    try:
        if sys.platform == "win32":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)  # retries for about 10 s, then OSError
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    except OSError as e:
        f.close()
        raise RecordsError(f"{folder} is being opened by another Rehearse ({e.strerror or e}); try again") from None
    try:
        yield
    finally:
        f.close()  # closing releases the lock


def _statements(script: str) -> list[str]:
    """The statements of a schema script (ours hold no ';' inside a statement)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def _why(path: Path, e: sqlite3.Error) -> str:
    """One line, in the teacher's words, for an SQLite failure on the records at `path`."""
    msg = str(e)
    if "readonly" in msg or "read-only" in msg:
        return f"{path} cannot be changed (the file or its folder is read-only)\n  {HINT}"
    if "disk is full" in msg or "disk I/O" in msg:
        return f"cannot use {path}: the disk is full or failing ({msg}); free some space and try again"
    if "locked" in msg or "busy" in msg:
        return f"{path} is in use by another Rehearse and stayed busy for 10 s ({msg}); try again"
    if "unable to open" in msg:
        return f"cannot open {path} ({msg}): check that you can write to {path.parent}\n  {HINT}"
    return f"{path}: {msg}\n  {HINT}"


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the records at `path`, made or migrated to SCHEMA_VERSION.

    Under SQLite's write lock (BEGIN IMMEDIATE) one process at a time checks, makes or migrates the
    schema, in one transaction, so three Rehearses opening a fresh folder at once see either nothing
    or the whole schema. Raises _Damaged (set it aside) or RecordsError (leave it alone)."""
    try:
        conn = sqlite3.connect(str(path), timeout=10)
    except sqlite3.Error as e:
        raise RecordsError(_why(path, e)) from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise _Damaged(f"is damaged ({ok})")
        version = _version(conn)
        if version > SCHEMA_VERSION:
            raise RecordsError(
                f"{path} was written by a newer Rehearse (schema {version}); update Rehearse "
                "or use --data to point at another folder"
            )
        if version == 0:
            for stmt in _statements(SCHEMA_V1):
                conn.execute(stmt)
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("app", APP), ("schema_version", "1")])
            version = 1
        while version < SCHEMA_VERSION:
            for stmt in _statements(MIGRATIONS[version]):
                conn.execute(stmt)
            version += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.commit()
        # WAL lets a reader (the picker's best results) read while a run is saved
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except (_Damaged, RecordsError):
        conn.close()
        raise
    except sqlite3.OperationalError as e:  # locked, read-only, full, cannot open: nothing is wrong with the file
        conn.close()
        raise RecordsError(_why(path, e)) from None
    except sqlite3.DatabaseError as e:  # "file is not a database", "malformed"
        conn.close()
        raise _Damaged(f"is damaged ({e})") from None
    return conn


def _columns(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (t,))} for t in names}


def _expected_columns(version: int) -> dict[str, set[str]]:
    """The tables and columns a database at `version` has (built in memory from the same scripts)."""
    mem = sqlite3.connect(":memory:")
    try:
        for stmt in _statements(SCHEMA_V1):
            mem.execute(stmt)
        for v in range(1, version):
            for stmt in _statements(MIGRATIONS[v]):
                mem.execute(stmt)
        return _columns(mem)
    finally:
        mem.close()


def _version(conn: sqlite3.Connection) -> int:
    """The schema version of our database (0: an empty file); _Damaged if it is not ours or not whole."""
    have = _columns(conn)
    if not have:
        return 0
    if "meta" not in have or not {"key", "value"} <= have["meta"]:
        raise _Damaged("belongs to another program")
    app = conn.execute("SELECT value FROM meta WHERE key = 'app'").fetchone()
    if not app or app[0] != APP:
        raise _Damaged("belongs to another program")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    text = str(row[0]) if row else ""
    if not (text.isascii() and text.isdigit() and 1 <= int(text) < 10**6):
        raise _Damaged(f"is damaged (its schema version is {text[:20]!r}, expected a whole number)")
    version = int(text)
    if version > SCHEMA_VERSION:
        return version
    for table, cols in _expected_columns(version).items():
        if table not in have:
            raise _Damaged(f"is damaged (its table '{table}' is missing)")
        missing = sorted(cols - have[table])
        if missing:
            raise _Damaged(f"is damaged (its table '{table}' has no column '{missing[0]}')")
    return version


def _inspect(path: Path) -> str | None:
    """Why an existing file is plainly not a database (None: it may be; SQLite looks closer)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise RecordsError(f"{path} is a folder, not a record file\n  {HINT}") from None
    except OSError as e:  # unreadable is not damaged: leave it alone
        raise RecordsError(f"cannot read {path} ({e.strerror or e})\n  {HINT}") from None
    if head and head != SQLITE_HEADER:
        return "is not a database file"
    return None


def _set_aside(path: Path) -> list[tuple[Path, Path]]:
    """Rename `path` and its -wal, -shm and -journal files to a new name no file has; returns what
    went where (empty: the file was already gone, set aside by another Rehearse)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    suffixes = ("", "-wal", "-shm", "-journal")  # SQLite finds a database's side files by its name
    for n in range(1, 1000):
        base = path.with_name(f"{DB_NAME}.set-aside-{stamp}" + (f"-{n}" if n > 1 else ""))
        if any(Path(f"{base}{s}").exists() for s in suffixes):
            continue
        try:  # claim the name: O_EXCL fails if another process took it since we looked
            os.close(os.open(base, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        except OSError as e:
            raise RecordsError(f"{path} is damaged and cannot be set aside ({e.strerror or e})\n  {HINT}") from None
        break
    else:
        raise RecordsError(f"{path} is damaged and there are too many set-aside copies beside it\n  {HINT}")
    moved = []
    try:
        for s in suffixes:
            src, dst = Path(f"{path}{s}"), Path(f"{base}{s}")
            if s and (not src.exists() or dst.exists()):
                continue
            try:
                os.replace(src, dst)  # the database replaces our own empty claim
            except FileNotFoundError:
                if not s:
                    base.unlink()
                    return []
                continue
            moved.append((src, dst))
    except OSError as e:
        done = "; ".join(f"{a.name} -> {b}" for a, b in moved) or "nothing was moved"
        raise RecordsError(f"{path} is damaged and could not be set aside ({e.strerror or e}; {done})") from None
    return moved
