"""Crisis resources and the content-note text, read from assets/crisis-resources.json.

docs/content-rules.md (Content notes and crisis resources): one file, with a "last verified" date."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from simulator.core.paths import assets_dir

ASSETS = assets_dir()


@dataclass(frozen=True)
class CrisisResources:
    region: str
    last_verified: str
    resources: tuple[tuple[str, str], ...]
    school_note: str
    educator_note: str

    def lines(self) -> list[str]:
        out = [f"{name}: {how}" for name, how in self.resources]
        return [*out, self.school_note]


_FALLBACK = CrisisResources(
    "United States",
    "2026-11-23",
    (
        ("988 Suicide & Crisis Lifeline", "Call or text 988, or chat at 988lifeline.org."),
        ("Immediate danger", "Call 911."),
    ),
    "For a real student, follow your district protocol.",
    "This is training, not clinical or legal advice.",
)


@lru_cache(maxsize=1)
def crisis_resources() -> CrisisResources:
    """The crisis resources; a built-in minimum if the asset file is missing or unreadable.

    JSON rather than YAML: the content note is the first screen of a sensitive scenario, and it
    should not wait for a YAML parser to load."""
    import json

    try:
        data = json.loads((ASSETS / "crisis-resources.json").read_text(encoding="utf-8"))
        return CrisisResources(
            str(data["region"]),
            str(data["last_verified"]),
            tuple((str(r["name"]), str(r["how"])) for r in data["resources"]),
            str(data["school_note"]),
            str(data["educator_note"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return _FALLBACK
