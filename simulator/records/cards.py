"""Scenario cards for the picker, read fast from a cache of each file's card fields.

The cache is keyed by the file's path, size and modification time, so opening Rehearse parses
only the files that changed.
The full scenario is loaded when the teacher opens it."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from simulator.core.paths import scenario_files
from simulator.core.vocab import SENSITIVE_TOPICS as SENSITIVE

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


def load_cards(folder: Path) -> list[Card]:
    """The cards of every valid scenario in `folder`, sorted by title."""
    return load_cards_of(scenario_files(folder))


def load_cards_of(files: list[Path]) -> list[Card]:
    """The cards of the valid scenarios among `files`, sorted by title (cached; see the module)."""
    from simulator.records.store import data_dir

    cache_file = data_dir() / "cache" / "cards.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        if cache.get("version") != CACHE_VERSION:
            cache = {}
    except (OSError, ValueError, AttributeError, RecursionError):
        cache = {}
    entries = cache.get("files", {}) if isinstance(cache, dict) else {}
    if not isinstance(entries, dict):
        entries = {}
    cards, fresh, changed = [], {}, False
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):  # a named pipe would block the picker for ever
            continue
        key = str(f.resolve())
        stamp = [st.st_size, st.st_mtime_ns]
        entry = entries.get(key)
        # a cached entry is used only if it is whole; a damaged one (edited, half-written by an
        # older Rehearse) costs one re-read of its file, never the picker
        card = None
        usable = False
        if isinstance(entry, dict) and entry.get("stamp") == stamp:
            card = _card_of(entry.get("card"), f)
            usable = card is not None or entry.get("card") is None  # None: a file that is not valid
        if not usable:
            from simulator.core.loader import read_file

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
                card = _card_of(entry["card"], f)
            changed = True
        fresh[key] = entry
        if card is not None:
            cards.append(card)
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


def _card_of(data: object, f: Path) -> Card | None:
    """The Card in a cache entry's card fields, or None if they are missing or of the wrong type."""
    if not isinstance(data, dict):
        return None
    text = ("id", "title", "summary", "grades")
    optional = ("content_note", "about", "student_name")
    if not all(isinstance(data.get(k), str) for k in text):
        return None
    if not all(data.get(k) is None or isinstance(data.get(k), str) for k in optional):
        return None
    minutes = data.get("minutes")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, (int, float))):
        return None
    lists = [data.get("topics"), data.get("learning_goals", [])]
    if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists):
        return None
    return Card(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        topics=tuple(data["topics"]),
        grades=data["grades"],
        minutes=minutes,
        content_note=data.get("content_note"),
        path=str(f),
        student_name=data.get("student_name") or "",
        about=data.get("about"),
        learning_goals=tuple(data.get("learning_goals", [])),
    )


def card_for(path: str | Path) -> Card | None:
    """The card of one scenario file (from the cache when the file is unchanged), or None if invalid."""
    p = Path(path)
    for c in load_cards_of([p]):
        return c
    return None
