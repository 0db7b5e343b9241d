"""A run as values: the turns taken and the cues shown and noticed. What scoring and feedback read.

`Run` (simulator/session/run.py) builds one with `played()`; nothing here changes after it is made."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from simulator.core.engine import Engine, State
from simulator.core.model import Choice, Cue, Ending, Scenario


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn taken: the choice (None for a timeout) and what it did."""

    number: int
    scene: str
    choice: Choice | None
    noticed: tuple[str, ...]
    reflection: str | None
    mood_before: MappingProxyType[str, float]
    mood_after: MappingProxyType[str, float]
    elapsed_ms: int
    score: MappingProxyType[str, int]  # dimension -> delta of this turn
    feedback: str | None
    to: str  # the scene the run is in after routing
    passed: tuple[str, ...] = ()

    @property
    def critical(self) -> bool:
        return self.choice is not None and self.choice.critical

    def as_log(self) -> dict[str, object]:
        return {
            "scene": self.scene,
            "choice": self.choice.id if self.choice else None,
            "noticed": list(self.noticed),
            "reflection": self.reflection,
            "mood_before": dict(self.mood_before),
            "mood_after": dict(self.mood_after),
            "elapsed_ms": self.elapsed_ms,
            "score": dict(self.score),
            "to": self.to,
            "passed": list(self.passed),
        }


@dataclass(frozen=True, slots=True)
class Played:
    """A run so far: where it started, the turns taken, where it is, the cues shown and noticed."""

    scenario: Scenario
    engine: Engine
    start_state: State
    state: State
    turns: tuple[Turn, ...]
    cues_shown: tuple[Cue, ...]  # every cue shown so far, in order
    noticed: tuple[str, ...]  # the cue ids marked, in order

    @property
    def ended(self) -> bool:
        return self.engine.ended(self.state)

    @property
    def ending(self) -> Ending | None:
        return ending_of(self.scenario, self.engine, self.state)

    @property
    def critical(self) -> bool:
        """Whether a critical safety error was taken: the run "needs another run"."""
        return any(t.critical for t in self.turns)

    @property
    def hits(self) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues_shown if c.sign and c.id in self.noticed)

    @property
    def misses(self) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues_shown if c.sign and c.id not in self.noticed)

    @property
    def false_alarms(self) -> tuple[Cue, ...]:
        return tuple(c for c in self.cues_shown if not c.sign and c.id in self.noticed)

    def raw_scores(self) -> dict[str, int]:
        """Each dimension's raw score so far (format: Scoring dimensions; noticing includes cues)."""
        raw = dict(zip(self.engine.dims, self.state.raw))
        if "noticing" in raw:
            raw["noticing"] += len(self.hits) - len(self.false_alarms)
        return raw


def ending_of(scenario: Scenario, engine: Engine, state: State) -> Ending | None:
    """The ending the run is at in `state`, or None while it goes on."""
    eid = engine.scene(state).ending
    return scenario.endings[eid] if eid else None
