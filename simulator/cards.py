"""Scenario cards for the picker, read fast: a cache of each file's card fields, keyed by the
file's path, size and modification time, so opening Rehearse parses only the files that changed.
The full scenario is loaded when the teacher opens it.

May import: loader (only for files not in the cache), store, model, the standard library."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.vocab import SENSITIVE_TOPICS as SENSITIVE

CACHE_VERSION = 2


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    grades: str
    minutes: float | None
    content_note: str | None
    path: str
    student_name: str = ""
    about: str | None = None
    learning_goals: tuple[str, ...] = ()

    @property
    def sensitive(self) -> bool:
        return any(t in SENSITIVE for t in self.topics)


def scenario_files(folder: Path) -> list[Path]:
    """Scenario files under `folder` (not test files, not hidden, no links leading outside)."""
    root = folder.resolve()
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith((".yaml", ".yml")) and not name.startswith(".") and not name.endswith(".tests.yaml"):
                f = Path(dirpath) / name
                if f.is_symlink() and not f.resolve().is_relative_to(root):
                    continue
                out.append(f)
    return sorted(out)


def load_cards(folder: Path) -> list[Card]:
    """The cards of every valid scenario in `folder`, sorted by title."""
    return load_cards_of(scenario_files(folder))


def load_cards_of(files: list[Path]) -> list[Card]:
    """The cards of the valid scenarios among `files`, sorted by title (cached; see the module)."""
    from simulator.store import data_dir

    cache_file = data_dir() / "cache" / "cards.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        if cache.get("version") != CACHE_VERSION:
            cache = {}
    except (OSError, ValueError, AttributeError):
        cache = {}
    entries = cache.get("files", {}) if isinstance(cache, dict) else {}
    cards, fresh, changed = [], {}, False
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        key = str(f.resolve())
        stamp = [st.st_size, st.st_mtime_ns]
        entry = entries.get(key)
        if not (isinstance(entry, dict) and entry.get("stamp") == stamp):
            from simulator.loader import read_file

            sc, _ = read_file(f)
            entry = {"stamp": stamp, "card": None}
            if sc is not None:
                entry["card"] = {
                    "id": sc.id,
                    "title": sc.title,
                    "summary": sc.summary,
                    "topics": list(sc.topics),
                    "grades": sc.grades,
                    "minutes": sc.minutes,
                    "content_note": sc.content_note,
                    "path": str(f),
                }
            changed = True
        fresh[key] = entry
        if entry.get("card"):
            c = dict(entry["card"])
            c["topics"] = tuple(c["topics"])
            c["learning_goals"] = tuple(c.get("learning_goals", ()))
            c["path"] = str(f)
            cards.append(Card(**c))
    fresh = {**entries, **fresh} if len(files) == 1 else fresh  # one file: keep the others' entries
    if changed or set(fresh) != set(entries):
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "files": fresh}), encoding="utf-8")
            os.replace(tmp, cache_file)
        except OSError:
            pass  # a cache we cannot write only costs speed
    return sorted(cards, key=lambda c: c.title.lower())


def card_for(path: str | Path) -> Card | None:
    """The card of one scenario file (from the cache when the file is unchanged), or None if invalid."""
    p = Path(path)
    for c in load_cards_of([p]):
        return c
    return None
