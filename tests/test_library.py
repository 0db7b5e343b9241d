"""The scenario library (issue 6): coverage, depth, truth and safety checks over scenarios/.

The format page's example (phone-standoff) is the contract's example, kept as written; it is
not counted as a library scenario and is exempt from the depth rules."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from conftest import SCENARIOS

from scoring.analysis import analyze
from simulator.authoring.content_rules import IDENTITY_WORDS, TROUBLE_TOPICS
from simulator.core.engine import Engine
from simulator.core.loader import load_file
from simulator.core.model import TOPICS

EXAMPLE = "phone-standoff"
LIBRARY = sorted(p for p in SCENARIOS.glob("*.yaml") if p.stem != EXAMPLE)
BANDS = ("K-2", "3-5", "6-8", "9-12")


@pytest.fixture(scope="module")
def library():
    return [load_file(p) for p in LIBRARY]


def test_size_topics_and_grade_bands(library):
    assert len(library) >= 18, f"{len(library)} library scenarios"
    topics = Counter(t for sc in library for t in sc.topics)
    assert all(topics[t] >= 3 for t in TOPICS), topics
    bands = Counter(sc.grades for sc in library)
    assert all(bands[b] >= 3 for b in BANDS), bands


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_depth(path):
    sc = load_file(path)
    assert len(sc.scenes) >= 8
    decisions = [s for s in sc.scenes.values() if s.choices and len(s.choices) >= 3]
    assert len(decisions) >= 3
    outcomes = {e.outcome for e in sc.endings.values()}
    assert {"good", "mixed", "poor"} <= outcomes
    moods = set(sc.student.mood)
    guards = [c.guard for s in sc.scenes.values() for c in s.choices or ()] + [
        r.guard for s in sc.scenes.values() for r in s.next or ()
    ]
    assert any(g and any(n in moods for n, _ in g.names) for g in guards), "no route or guard reads the mood"
    cues = [c for s in sc.scenes.values() for c in s.cues]
    assert any(c.sign for c in cues) and any(not c.sign for c in cues)
    assert sc.learning_goals and sc.references and sc.discussion
    if sc.sensitive:
        assert sc.content_note


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_choice_has_feedback(path):
    sc = load_file(path)
    for s in sc.scenes.values():
        for c in s.choices or ():
            assert c.feedback and c.feedback.strip(), f"{s.id}/{c.id} has no feedback"
            sentences = len(re.findall(r"[.!?](\s|$)", c.feedback.strip()))
            assert 1 <= sentences <= 4, f"{s.id}/{c.id}: feedback should be 1-3 sentences"
            if c.critical:
                assert c.score.get("safety") == -3, f"{s.id}/{c.id}: a critical safety error scores safety -3"


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_ending_is_reachable_and_the_best_path_ends_well(path):
    sc = load_file(path)
    eng = Engine(sc)
    start, _ = eng.start(np.random.default_rng(7))
    a = analyze(eng, start)
    assert a.exact, "the search should cover every path of a library scenario"
    unreachable = [e for e, n in a.endings.items() if n == 0]
    assert not unreachable, f"endings never reached: {unreachable}"
    assert set(sc.scenes) <= a.scenes_reached, f"scenes never reached: {set(sc.scenes) - a.scenes_reached}"
    end = a.best[-1] if a.best else None
    state = start
    for step in a.best:
        choice = sc.scenes[step.scene].choice(step.choice) if step.choice else None
        state, _ = eng.apply_turn(state, eng.compiled(step.scene, choice))
    ending = sc.scenes[state.scene].ending
    assert end is not None and sc.endings[ending].outcome == "good", f"best path ends at {ending}"
    assert not any(sc.scenes[s.scene].choice(s.choice).critical for s in a.best if s.choice), (
        "the best path takes a critical safety error"
    )


def test_no_group_is_the_default_for_causing_trouble(library):
    """A rough identity-by-role check (docs/content-rules.md (Writing students without stereotypes)): the students in de-escalation and
    restorative scenarios are not mostly described with one identity word."""
    words = IDENTITY_WORDS
    counts = Counter()
    for sc in library:
        if TROUBLE_TOPICS & set(sc.topics):
            about = (sc.student.about or "").lower()
            counts.update({w for w in words if re.search(rf"\b{w}\b", about)})
    n = sum(1 for sc in library if TROUBLE_TOPICS & set(sc.topics))
    assert all(c <= max(2, n // 3) for c in counts.values()), counts
