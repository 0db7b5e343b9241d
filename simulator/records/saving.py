"""Saving a run while it is played: into the records and to a `--log` file, after every turn.

One interface for every shell (the window, the text player, resume, the workshop):

    saving = Saving(records, profile="me", log_path=None, warn=print_to_stderr)
    problems = saving.attach(run)                 # saves now, and after every turn
    saving.attach(rewound, continuing=run)        # a rewind: the same record, no orphan left

A failure on the first save comes back from `attach` for the shell to show; a later one (a full
disk mid-run) is reported once through `warn`, and the run goes on: the other place holds it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.records.runs import Records, RecordsError
from simulator.records.store import write_text_atomic


@dataclass
class _Attached:
    record_id: str | None
    started_at: float
    unsubscribe: Callable[[], None]


class Saving:
    """Where the runs of one session are kept, and the record each run is saved as."""

    def __init__(
        self,
        records: Records | None = None,
        *,
        profile: str = "me",
        log_path: str | None = None,
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.records = records
        self.profile = profile
        self.log_path = Path(log_path) if log_path else None
        self.warn = warn
        self._runs: dict[int, _Attached] = {}  # id(run) -> how it is saved
        self._warned: set[str] = set()
        self._pid: int | None = None  # the profile's row, looked up on the first save

    def record_of(self, run) -> str | None:
        """The record id `run` is saved as (None when there are no records or it is not attached)."""
        a = self._runs.get(id(run))
        return a.record_id if a else None

    def attach(self, run, *, record: tuple[str, float] | None = None, continuing=None) -> list[str]:
        """Save `run` now and after every turn; the problems of this first save (empty: saved).

        `record` (id, started at) continues a stored record (resume). `continuing` is the run this
        one replaces: when that run had not ended (a step back), its record is taken over, so the
        records hold the run being played and no unfinished orphan."""
        if continuing is not None:
            old = self._runs.pop(id(continuing), None)
            if old is not None:
                old.unsubscribe()
                if record is None and not continuing.ended and old.record_id is not None:
                    record = (old.record_id, old.started_at)
        if id(run) in self._runs:
            return []
        rid, started = record or (None, None)
        attached = _Attached(
            (rid or uuid.uuid4().hex) if self.records is not None else None, started or time.time(), lambda: None
        )
        problems = self._save(run, attached, run.log(), first=True)
        attached.unsubscribe = run.subscribe(lambda event: self._save(run, attached, event.log, first=False))
        self._runs[id(run)] = attached
        return problems

    def __call__(self, run, record: tuple[str, float] | None = None, *, continuing=None) -> None:
        """attach, for shells that go on whatever happens: problems are reported through `warn`."""
        for problem in self.attach(run, record=record, continuing=continuing):
            self.warn(problem)

    def detach(self, run) -> None:
        """Stop saving `run` (its last save stands)."""
        a = self._runs.pop(id(run), None)
        if a is not None:
            a.unsubscribe()

    def _save(self, run, a: _Attached, log: dict[str, Any], *, first: bool) -> list[str]:
        problems = []
        if self.records is not None and a.record_id is not None:
            try:
                self.records.save(a.record_id, self._profile_id(), run, a.started_at, log=log)
            except RecordsError as e:
                problems.append(str(e))
                self._later("records", first, str(e))
        if self.log_path is not None:
            try:
                write_text_atomic(self.log_path, json.dumps(log, indent=1, ensure_ascii=False) + "\n")
            except OSError as e:
                why = f"cannot write the run log to {self.log_path}: {e.strerror or e}"
                problems.append(why)
                self._later("log", first, why)
        return problems

    def _profile_id(self) -> int:
        if self._pid is None:
            assert self.records is not None
            self._pid = self.records.profile_id(self.profile)
        return self._pid

    def _later(self, where: str, first: bool, message: str) -> None:
        if not first and where not in self._warned:
            self._warned.add(where)
            self.warn(message)
