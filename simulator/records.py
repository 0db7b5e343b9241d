"""Records: every run in a local SQLite database, saved after every turn.

The database lives in the user's data folder (simulator.store.data_dir; `--data DIR` overrides)
and never leaves the machine unless the teacher exports it. Runs belong to a local profile (a
display name; no password, no account). A file that is not a Rehearse database, or is damaged,
is set aside under a new name with a message and a fresh one is made: never silently overwritten.
The schema is versioned and migrates forward.

May import: store, the standard library (the run is passed in; this module never imports a player)."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

APP = "rehearse"
SCHEMA_VERSION = 2
DB_NAME = "rehearse.db"

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
        from simulator.store import data_dir

        folder = Path(folder) if folder else data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / DB_NAME
        notice = None
        if path.exists():
            problem = _inspect(path)
            if problem:
                aside = path.with_name(f"{DB_NAME}.set-aside-{time.strftime('%Y%m%d-%H%M%S')}")
                path.rename(aside)
                notice = (
                    f"{path} {problem}; it was set aside as {aside.name} (nothing was deleted) and a new "
                    "record file was started."
                )
        conn = sqlite3.connect(str(path), timeout=10)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = _version(conn)
        if version == 0:
            with conn:
                conn.executescript(SCHEMA_V1)
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [("app", APP), ("schema_version", "1")])
            version = 1
        if version > SCHEMA_VERSION:
            conn.close()
            raise RecordsError(
                f"{path} was written by a newer Rehearse (schema {version}); update Rehearse "
                "or use --data to point at another folder"
            )
        while version < SCHEMA_VERSION:
            with conn:
                conn.executescript(MIGRATIONS[version])
                version += 1
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        return cls(conn, path, notice)

    def close(self) -> None:
        self.conn.close()

    # --- profiles ----------------------------------------------------------------------------------

    def profile_id(self, name: str) -> int:
        name = name.strip() or "me"
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        with self.conn:
            return self.conn.execute(
                "INSERT INTO profiles (name, created_at) VALUES (?, ?)", (name, time.time())
            ).lastrowid

    def profiles(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM profiles ORDER BY name")]

    def forget(self, name: str) -> int:
        """Delete a profile and every run of it; returns how many runs were deleted."""
        row = self.conn.execute("SELECT id FROM profiles WHERE name = ?", (name,)).fetchone()
        if not row:
            return 0
        with self.conn:
            n = self.conn.execute("SELECT COUNT(*) FROM runs WHERE profile_id = ?", (row[0],)).fetchone()[0]
            self.conn.execute("DELETE FROM profiles WHERE id = ?", (row[0],))
        self.conn.execute("VACUUM")
        return n

    # --- saving ----------------------------------------------------------------------------------------

    def track(self, run, profile: str = "me", run_id: str | None = None, started_at: float | None = None) -> str:
        """Save `run` now and after every turn; returns its record id (pass one to continue a record)."""
        run_id = run_id or uuid.uuid4().hex
        pid = self.profile_id(profile)
        started = started_at or time.time()

        def save(_event=None) -> None:
            self.save(run_id, pid, run, started)

        save()
        run.subscribe(save)
        return run_id

    def save(self, run_id: str, profile_id: int, run, started_at: float) -> None:
        log = run.log()
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
        return [RunRow(*r[:9], bool(r[9]), r[10], r[11], bool(r[12]), r[13], r[14]) for r in self.conn.execute(q, args)]

    def log(self, run_id: str) -> dict:
        row = self.conn.execute("SELECT log FROM runs WHERE id = ?", (run_id,)).fetchone()
        if not row:
            raise RecordsError(f"no run {run_id}")
        return json.loads(row[0])

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


def _version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def _inspect(path: Path) -> str | None:
    """Why an existing file cannot be used as our database (None: it can)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if head and head != b"SQLite format 3\x00":
        return "is not a database file"
    if not head:
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                return "is damaged"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                return "belongs to another program"
            if "meta" in tables:
                app = conn.execute("SELECT value FROM meta WHERE key='app'").fetchone()
                if not app or app[0] != APP:
                    return "belongs to another program"
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "is damaged"
    return None


def replay(scenario, log: dict):
    """A Run rebuilt from a logged run: same seed and mode, the logged turns taken again.

    Returns (run, turns replayed); replay stops early where the scenario no longer allows a turn."""
    from simulator.engine import EngineError
    from simulator.run import Run

    run = Run(
        scenario, seed=int(log["seed"]), mode=log.get("mode", "coach"), timed=bool(log.get("timed")), shuffle=True
    )  # a resumed run is played by a person
    n = 0
    for t in log.get("turns", []):
        if run.ended:
            break
        kw = dict(
            noticed=t.get("noticed") or (), reflection=t.get("reflection"), elapsed_ms=int(t.get("elapsed_ms", 0))
        )
        try:
            run.wait(**kw) if t.get("choice") is None else run.choose(str(t["choice"]), **kw)
        except EngineError:
            break
        n += 1
    return run, n
