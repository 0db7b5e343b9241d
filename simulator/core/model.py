"""Frozen, typed objects of a loaded scenario (format: rehearse/1).

Loaded data never changes: tuples, not lists; read-only mappings. Each object keeps the
position of its YAML node (`at`) so that later checks can point at it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Never

# re-exported: the format's word lists belong to the model's public names ("X as X" says so)
from simulator.core.vocab import OUTCOMES as OUTCOMES
from simulator.core.vocab import SENSITIVE_TOPICS as SENSITIVE_TOPICS
from simulator.core.vocab import STANDARD_DIMENSIONS as STANDARD_DIMENSIONS
from simulator.core.vocab import TOPICS as TOPICS

if TYPE_CHECKING:
    from simulator.core.guards import Guard

# Never: an empty map is a map of any value type (Mapping is covariant in its values).
EMPTY: Mapping[str, Never] = MappingProxyType({})


def _empty() -> Mapping[str, Never]:
    return EMPTY


CRITICAL_TAG = "critical-safety"


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a node starts in its file: 1-based line and column."""

    file: str
    line: int
    col: int


NOWHERE = Pos("<none>", 1, 1)


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    text: str
    sign: bool
    note: str
    at: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Effect:
    """What a choice or a timeout does: the fields a choice and a timeout share."""

    goto: str
    mood: Mapping[str, float] = field(default_factory=_empty)
    score: Mapping[str, int] = field(default_factory=_empty)
    set: Mapping[str, bool | int] = field(default_factory=_empty)
    add: Mapping[str, int] = field(default_factory=_empty)
    feedback: str | None = None
    at: Pos = field(default=NOWHERE, compare=False)
    goto_at: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Choice(Effect):
    id: str = ""
    text: str = ""
    position: int = 0  # 1-based place in the scene's list
    guard: Guard | None = None
    once: bool = False
    tags: tuple[str, ...] = ()

    @property
    def critical(self) -> bool:
        return CRITICAL_TAG in self.tags


@dataclass(frozen=True, slots=True)
class Timeout(Effect):
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Route:
    """One entry of a `next` list: go to `goto` if `guard` holds (no guard: always)."""

    goto: str
    guard: Guard | None = None
    at: Pos = field(default=NOWHERE, compare=False)
    goto_at: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    narration: str | None = None
    student: str | None = None
    expression: str | None = None
    cues: tuple[Cue, ...] = ()
    reflect: str | None = None
    choices: tuple[Choice, ...] | None = None
    next: tuple[Route, ...] | None = None
    ending: str | None = None
    timeout: Timeout | None = None
    at: Pos = field(default=NOWHERE, compare=False)
    ending_at: Pos = field(default=NOWHERE, compare=False)

    @property
    def kind(self) -> str:
        """'choices', 'next' or 'ending'."""
        if self.choices is not None:
            return "choices"
        if self.next is not None:
            return "next"
        return "ending"

    def choice(self, choice_id: str) -> Choice | None:
        for c in self.choices or ():
            if c.id == choice_id:
                return c
        return None


@dataclass(frozen=True, slots=True)
class Ending:
    id: str
    title: str
    outcome: str
    debrief: str | None = None
    at: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Student:
    name: str
    pronouns: str | None = None
    age: int | None = None
    about: str | None = None
    portrait: Mapping[str, object] = field(default_factory=_empty)
    mood: Mapping[str, float] = field(default_factory=_empty)
    jitter: float = 0.0
    drift: float = 0.0
    at: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True, slots=True)
class Rubric:
    """Dimensions a scenario may score, with descriptions, and optional weights."""

    dimensions: Mapping[str, str] = field(default_factory=_empty)  # extra dimensions declared by the scenario
    weights: Mapping[str, float] = field(default_factory=_empty)

    def known(self) -> tuple[str, ...]:
        return STANDARD_DIMENSIONS + tuple(d for d in self.dimensions if d not in STANDARD_DIMENSIONS)


@dataclass(frozen=True, slots=True)
class Scenario:
    format: str
    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    grades: str
    student: Student
    start: str
    scenes: Mapping[str, Scene]
    endings: Mapping[str, Ending]
    minutes: float | None = None
    content_note: str | None = None
    learning_goals: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    flags: Mapping[str, bool | int] = field(default_factory=_empty)
    rubric: Rubric = field(default_factory=Rubric)
    discussion: tuple[str, ...] = ()
    path: str = "<string>"
    sha256: str = ""

    @property
    def sensitive(self) -> bool:
        """Whether the run needs a content note and crisis resources first."""
        return any(t in SENSITIVE_TOPICS for t in self.topics)

    @property
    def moods(self) -> tuple[str, ...]:
        return tuple(self.student.mood)

    def dimensions(self) -> tuple[str, ...]:
        """The rubric dimensions this scenario uses, standard ones first, in a stable order."""
        used: set[str] = set()
        for scene in self.scenes.values():
            if scene.cues:
                used.add("noticing")
            for eff in (*(scene.choices or ()), *((scene.timeout,) if scene.timeout else ())):
                used.update(eff.score)
        used.update(self.rubric.dimensions)
        used.update(self.rubric.weights)
        return tuple(d for d in self.rubric.known() if d in used)
