"""The debrief of a run: one object every player renders the same way.

Coach mode shows a choice's feedback at once; assess mode holds all of it for here.
May import: scoring.scores, scoring.rubric, simulator.model, the standard library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scoring import rubric
from scoring.scores import DimensionScore, RunScore, score_run
from simulator.model import Cue, Ending

if TYPE_CHECKING:
    from simulator.run import Run


@dataclass(frozen=True, slots=True)
class DimensionReading:
    score: DimensionScore
    title: str
    reading: str


@dataclass(frozen=True, slots=True)
class ChoiceNote:
    turn: int
    scene: str
    text: str  # what the teacher did ("Stayed silent" for a timeout)
    feedback: str | None
    critical: bool


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
    choices: tuple[ChoiceNote, ...]
    misses: tuple[Cue, ...]
    false_alarms: tuple[Cue, ...]
    discussion: tuple[str, ...]
    reflections: tuple[Reflection, ...]
    sensitive: bool


def build_debrief(run: Run) -> Debrief:
    """Everything the teacher sees after the run, in the order players show it."""
    score = score_run(run)
    sc = run.scenario
    dims = tuple(DimensionReading(d, rubric.title(d.name), rubric.reading(d.percent)) for d in score.dimensions)
    notes = []
    reflections = []
    for t in run.turns:
        scene = sc.scenes[t.scene]
        text = t.choice.text if t.choice else "You waited; the moment passed."
        notes.append(ChoiceNote(t.number, t.scene, text, t.feedback, t.critical))
        if t.reflection and scene.reflect:
            reflections.append(Reflection(t.scene, scene.reflect, t.reflection))
    return Debrief(
        sc.title,
        run.ending,
        run.critical,
        score,
        dims,
        tuple(notes),
        run.misses,
        run.false_alarms,
        sc.discussion,
        tuple(reflections),
        sc.sensitive,
    )
