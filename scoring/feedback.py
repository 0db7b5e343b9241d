"""The debrief of a run: one object every player renders the same way.

Coach mode shows a choice's feedback at once; assess mode holds all of it for here. The debrief
names the ending, reads each dimension against what the scenario allowed, picks the two or three
turning points of the run (the turns that moved the mood or the score the most) with the better
choice that was offered there, lists missed cues and false alarms with their notes, and carries
the discussion prompts and the teacher's reflections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scoring import rubric
from scoring.scores import DimensionScore, RunScore, run_analysis, score_run
from simulator.core.model import Choice, Cue, Ending

if TYPE_CHECKING:
    from scoring.analysis import Analysis
    from simulator.core.engine import Engine, State
    from simulator.core.played import Played, Turn

MOOD_WEIGHT = 10.0  # a mood change of 0.1 counts like one score point when ranking turning points


@dataclass(frozen=True, slots=True)
class DimensionReading:
    score: DimensionScore
    title: str
    reading: str


@dataclass(frozen=True, slots=True)
class ChoiceNote:
    turn: int
    scene: str
    text: str  # what the teacher did
    feedback: str | None
    critical: bool


@dataclass(frozen=True, slots=True)
class TurningPoint:
    turn: int
    scene: str
    text: str  # what the teacher did
    feedback: str | None
    mood_change: dict[str, float]
    score: dict[str, int]
    better: Choice | None  # a choice offered here that could still reach a higher weighted score


@dataclass(frozen=True, slots=True)
class Reflection:
    scene: str
    prompt: str
    text: str


@dataclass(frozen=True, slots=True)
class Debrief:
    title: str
    ending: Ending | None
    critical: bool  # a critical safety error was taken: "needs another run"
    score: RunScore
    dimensions: tuple[DimensionReading, ...]
    turning_points: tuple[TurningPoint, ...]
    choices: tuple[ChoiceNote, ...]
    misses: tuple[Cue, ...]
    false_alarms: tuple[Cue, ...]
    discussion: tuple[str, ...]
    reflections: tuple[Reflection, ...]
    sensitive: bool

    def as_dict(self) -> dict[str, object]:
        """Plain data, for JSON (and golden tests)."""
        return {
            "title": self.title,
            "ending": None
            if self.ending is None
            else {
                "id": self.ending.id,
                "title": self.ending.title,
                "outcome": self.ending.outcome,
                "debrief": self.ending.debrief,
            },
            "critical": self.critical,
            "dimensions": [
                {"name": r.score.name, "title": r.title, **r.score.as_log(), "reading": r.reading}
                for r in self.dimensions
            ],
            "weighted_percent": self.score.weighted,
            "turning_points": [
                {
                    "turn": t.turn,
                    "scene": t.scene,
                    "did": t.text,
                    "feedback": t.feedback,
                    "mood_change": t.mood_change,
                    "score": t.score,
                    "better": None
                    if t.better is None
                    else {"id": t.better.id, "text": t.better.text, "feedback": t.better.feedback},
                }
                for t in self.turning_points
            ],
            "choices": [
                {"turn": c.turn, "scene": c.scene, "did": c.text, "feedback": c.feedback, "critical": c.critical}
                for c in self.choices
            ],
            "misses": [{"id": c.id, "text": c.text, "note": c.note} for c in self.misses],
            "false_alarms": [{"id": c.id, "text": c.text, "note": c.note} for c in self.false_alarms],
            "discussion": list(self.discussion),
            "reflections": [{"scene": r.scene, "prompt": r.prompt, "text": r.text} for r in self.reflections],
        }


def mood_series(run: Played) -> tuple[tuple[str, ...], np.ndarray]:
    """The mood over the run, for charts: names, and an array of shape (turns + 1, moods)."""
    names = run.engine.moods
    rows = [np.array(run.start_state.mood)] + [np.array([t.mood_after[m] for m in names]) for t in run.turns]
    return names, np.vstack(rows) if names else np.zeros((len(rows), 0))


def _did(turn: Turn) -> str:
    return turn.choice.text if turn.choice else "You waited; the moment passed."


def turning_points(run: Played, most: int = 3) -> tuple[TurningPoint, ...]:
    """The turns that moved the mood or the score the most (at most `most`), in the order taken,
    each with a better choice where one was offered (a higher weighted score still reachable)."""
    if not run.turns:
        return ()
    eng = run.engine
    analysis = run_analysis(run)
    state = run.start_state
    scored: list[tuple[float, int, TurningPoint]] = []
    for t in run.turns:
        comp = eng.compiled(t.scene, t.choice)
        alternatives = [(c, eng.compiled(t.scene, c)) for c in eng.offered(state)]
        child, _ = eng.apply_turn(state, comp)
        better = None
        taken_value = _value(analysis, eng, state, child)
        if taken_value is not None and analysis.exact:
            best_value = taken_value
            for c, ccomp in alternatives:
                if c.id == (t.choice.id if t.choice else None):
                    continue
                alt, _ = eng.apply_turn(state, ccomp)
                v = _value(analysis, eng, state, alt)
                if v is not None and v > best_value + 1e-9:
                    best_value, better = v, c
        mood_change = {m: round(t.mood_after[m] - t.mood_before[m], 4) for m in eng.moods}
        size = sum(abs(v) for v in t.score.values()) + MOOD_WEIGHT * sum(abs(v) for v in mood_change.values())
        scored.append(
            (size, t.number, TurningPoint(t.number, t.scene, _did(t), t.feedback, mood_change, dict(t.score), better))
        )
        state = child
    top = sorted(scored, key=lambda x: (-x[0], x[1]))[:most]
    return tuple(tp for size, _, tp in sorted(top, key=lambda x: x[1]) if size > 0)


def _value(analysis: Analysis, eng: Engine, state: State, child: State) -> float | None:
    future = analysis.best_future(eng, child)
    if future is None:
        return None
    return analysis.weighted([c - s for c, s in zip(child.raw, state.raw)]) + future


def _read(d: DimensionScore) -> DimensionReading:
    percent = d.percent
    # build_debrief scores with bounds (score_run's default), which gives every dimension a min
    # and a max, so a percent; an unbounded score here would be a bug in this module.
    assert percent is not None, f"dimension '{d.name}' was scored without bounds"
    return DimensionReading(d, rubric.title(d.name), rubric.reading(percent))


def build_debrief(run: Played) -> Debrief:
    """Everything the teacher sees after the run, in the order players show it."""
    score = score_run(run)
    sc = run.scenario
    dims = tuple(_read(d) for d in score.dimensions)
    notes = []
    reflections = []
    for t in run.turns:
        scene = sc.scenes[t.scene]
        notes.append(ChoiceNote(t.number, t.scene, _did(t), t.feedback, t.critical))
        if t.reflection and scene.reflect:
            reflections.append(Reflection(t.scene, scene.reflect, t.reflection))
    return Debrief(
        sc.title,
        run.ending,
        run.critical,
        score,
        dims,
        turning_points(run),
        tuple(notes),
        run.misses,
        run.false_alarms,
        sc.discussion,
        tuple(reflections),
        sc.sensitive,
    )
