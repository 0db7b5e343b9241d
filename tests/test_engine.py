"""Turn rules, guards, once, set/add, routing, determinism, and the two ways of moving a run."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TINY

from simulator.core.engine import Engine, EngineError
from simulator.core.loader import load_scenario
from simulator.session.run import Run

LOOP = """\
format: rehearse/1
id: loop
title: Loop
summary: A loop with once, add, guards and next.
topics: [relationship]
grades: "9-12"
student:
  name: Ana
  mood: {stress: 0.5, trust: 0.3}
  drift: 0.5
flags:
  asked: 0
  warm: false
start: hub
scenes:
  hub:
    cues:
      - {id: sigh, text: A long sigh., sign: true, note: A change from baseline.}
      - {id: hood, text: Hood up., sign: false, note: Clothing is not a sign.}
    choices:
      - id: ask
        text: Ask an open question.
        once: true
        goto: answer
        add: {asked: 1}
        mood: {trust: +0.3}
        score: {relationship: 2}
      - id: joke
        text: Make a joke.
        once: true
        goto: hub
        set: {warm: true}
        mood: {stress: -0.1}
        score: {relationship: 1}
      - id: leave
        text: Say goodbye.
        if: asked >= 1 or chose("hub", "joke")
        goto: route
        score: {relationship: 0}
    timeout: {seconds: 10, goto: hub, mood: {stress: +0.2}, score: {relationship: -1}}
  answer:
    student: It's been a lot.
    next:
      - goto: hub
  route:
    next:
      - if: trust > 0.35 and visited("answer")
        goto: good
      - if: warm
        goto: mixed
      - goto: bad
  good:
    ending: g
  mixed:
    ending: m
  bad:
    ending: b
endings:
  g: {title: Good, outcome: good, debrief: Open.}
  m: {title: Mixed, outcome: mixed, debrief: Warm.}
  b: {title: Bad, outcome: poor, debrief: Closed.}
"""


@pytest.fixture(scope="module")
def loop():
    return load_scenario(LOOP, "loop.yaml")


def test_guards_once_add_and_next(loop):
    run = Run(loop, seed=0)
    assert [c.id for c in run.offered_choices()] == ["ask", "joke"]  # leave needs asked >= 1
    t = run.choose("ask", noticed=["sigh"])
    assert t.passed == ("answer",) and t.to == "hub"
    assert run.flags["asked"] == 1
    assert [c.id for c in run.offered_choices()] == ["joke", "leave"]  # ask was once
    run.choose("leave")
    assert run.ending.id == "g"


def test_drift_pulls_back_toward_the_baseline(loop):
    run = Run(loop, seed=0)
    b = dict(run.mood)
    run.choose("ask")
    # +0.3 then half of the way back (drift 0.5)
    assert run.mood["trust"] == pytest.approx(b["trust"] + 0.15)
    run.choose("joke")
    assert run.mood["trust"] == pytest.approx(b["trust"] + 0.075)


def test_chose_opens_the_exit_and_flags_route(loop):
    run = Run(loop, seed=0)
    run.choose("joke")
    assert run.flags["warm"] is True
    assert [c.id for c in run.offered_choices()] == ["ask", "leave"]
    run.choose("leave")
    assert run.ending.id == "m"  # trust low and answer not visited, but warm


def test_timeout_applies_like_a_choice(loop):
    run = Run(loop, seed=0)
    s0 = run.mood["stress"]
    t = run.wait()
    assert t.choice is None and t.score["relationship"] == -1
    assert run.mood["stress"] == pytest.approx(s0 + 0.1)
    assert run.raw_scores()["relationship"] == -1


def test_noticing_counts_each_cue_once(loop):
    run = Run(loop, seed=0)
    run.choose("joke", noticed=["sigh", "hood"])
    run.choose("ask", noticed=["sigh"])
    run.choose("leave")
    assert [c.id for c in run.hits] == ["sigh"] and [c.id for c in run.false_alarms] == ["hood"]
    assert run.raw_scores()["noticing"] == 0
    sc = run.log()["score"]
    assert sc["noticing"] == {"hits": 1, "misses": 0, "false_alarms": 1}
    assert sc["dimensions"]["noticing"]["min"] == -1 and sc["dimensions"]["noticing"]["max"] == 1


def test_choices_not_offered_and_unknown_cues_are_refused(loop):
    run = Run(loop, seed=0)
    with pytest.raises(EngineError, match="'leave' is not offered now in scene 'hub'; offered: ask, joke"):
        run.choose("leave")
    with pytest.raises(EngineError, match="does not exist"):
        run.choose("nope")
    with pytest.raises(EngineError, match="cue 'x' is not shown"):
        run.choose("ask", noticed=["x"])
    assert run.turns == []


def test_mood_is_clipped_to_0_1():
    sc = load_scenario(TINY.replace("        goto: b\n", "        goto: b\n        mood: {stress: +1, trust: -1}\n"))
    run = Run(sc, seed=5)
    run.choose("talk")
    assert run.mood["stress"] == 1.0 and run.mood["trust"] == 0.0


def test_jitter_is_seeded_and_bounded():
    sc = load_scenario(TINY.replace("  name: Ana\n", "  name: Ana\n  jitter: 0.1\n"))
    moods = {tuple(Run(sc, seed=s).mood.values()) for s in range(20)}
    assert len(moods) == 20
    assert all(0.4 <= v <= 0.6 for m in moods for v in m)
    assert Run(sc, seed=3).mood == Run(sc, seed=3).mood


def test_same_seed_same_inputs_same_log_bytes(loop):
    import json

    def play(seed):
        r = Run(loop, seed=seed)
        r.wait()
        r.choose("joke", noticed=["hood"])
        r.choose("ask")
        r.choose("leave")
        return json.dumps(r.log(), sort_keys=False)

    assert play(11) == play(11)
    assert play(11) != play(12)


def test_the_state_machine_and_the_pure_rules_agree(loop):
    eng = Engine(loop)
    rng = np.random.default_rng(9)
    for seed in range(30):
        run = Run(loop, seed=seed, engine=eng)
        state, _ = eng.start(np.random.default_rng(seed))
        while not run.ended:
            moves = eng.offered_effects(state)
            comp = moves[rng.integers(len(moves))]
            state, passed = eng.apply_turn(state, comp)
            turn = run.choose(comp.effect) if hasattr(comp.effect, "text") else run.wait()
            assert turn.passed == passed
            assert run.state.key() == state.key() and run.state.raw == state.raw and run.state.turns == state.turns


def test_rewind_replays_the_first_turns_and_keeps_the_original(loop):
    run = Run(loop, seed=4)
    for c in ("joke", "ask", "leave"):
        run.choose(c)
    back = run.rewind(1)
    assert len(back.turns) == 1 and back.view().scene.id == "hub" and not back.ended
    assert len(run.turns) == 3 and run.ended
    back.choose("leave")
    assert back.ending.id == "m" and run.ending.id == "g"


def test_turn_events_reach_subscribers(loop):
    run = Run(loop, seed=4)
    seen = []
    stop = run.subscribe(lambda e: seen.append((e.turn.number, e.ended)))
    run.choose("joke")
    stop()
    run.choose("leave")
    assert seen == [(1, False)]


def test_next_routes_in_a_circle_are_reported():
    from simulator.authoring.check import explore_checks

    text = TINY.replace(
        "  b:\n    ending: done",
        "  b:\n    next:\n      - goto: c\n  c:\n    next:\n      - goto: b\n  d:\n    ending: done",
    )
    sc = load_scenario(text)
    assert [d.code for d in explore_checks(sc)] == ["next-loop"]


def test_components_come_sinks_first_and_group_cycles():
    from simulator.core.engine import components

    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"c"}, "e": {"a"}, "f": set()}
    parts = components(graph)
    assert sorted(map(sorted, parts)) == [["a", "b"], ["c", "d"], ["e"], ["f"]]
    order = {v: i for i, part in enumerate(parts) for v in part}
    for v, targets in graph.items():  # every component comes after what it reaches
        assert all(order[t] <= order[v] for t in targets)
    chain = {str(i): {str(i + 1)} for i in range(20_000)} | {"20000": set()}
    assert len(components(chain)) == 20_001  # no recursion limit on a long chain
