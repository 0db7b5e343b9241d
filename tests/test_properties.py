"""Properties over generated scenarios and inputs (hypothesis)."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.scores import score_run
from simulator.engine import EngineError
from simulator.loader import read_scenario
from simulator.run import Run

MOODS = ("stress", "trust", "openness", "energy")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw) -> dict:
    """A valid rehearse/1 scenario as plain data, using every feature of the format."""
    moods = draw(st.lists(st.sampled_from(MOODS), min_size=1, max_size=4, unique=True))
    n_choice = draw(st.integers(1, 5))
    n_next = draw(st.integers(0, 2))
    n_end = draw(st.integers(1, 3))
    choice_ids = [f"s{i}" for i in range(n_choice)]
    next_ids = [f"n{i}" for i in range(n_next)]
    end_ids = [f"e{i}" for i in range(n_end)]
    targets = choice_ids + next_ids + end_ids
    flags = {"done": False, "count": 0}
    unit = st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 3))
    delta = st.floats(-0.5, 0.5, allow_nan=False).map(lambda x: round(x, 3))
    score = st.dictionaries(
        st.sampled_from(["de_escalation", "relationship", "safety"]), st.integers(-3, 3), max_size=2
    )
    n_choices = {sid: draw(st.integers(1, 4)) for sid in choice_ids}

    def guard() -> str:
        kind = draw(st.integers(0, 4))
        if kind == 0:
            return f"{draw(st.sampled_from(moods))} {draw(st.sampled_from(['<', '>', '>=']))} {draw(unit)}"
        if kind == 1:
            return draw(st.sampled_from(["done", "not done", "count < 2", "count >= 1 or turns > 3"]))
        if kind == 2:
            return f'visited("{draw(st.sampled_from(targets))}")'
        if kind == 3:
            sid = draw(st.sampled_from(choice_ids))
            return f'chose("{sid}", "c{draw(st.integers(0, n_choices[sid] - 1))}")'
        return "true"

    scenes: dict = {}
    cue_n = 0
    for sid in choice_ids:
        choices = []
        for k in range(n_choices[sid]):
            c: dict = {
                "id": f"c{k}",
                "text": f"Say thing {k}.",
                "goto": draw(st.sampled_from(targets)),
                "mood": {m: draw(delta) for m in draw(st.lists(st.sampled_from(moods), max_size=2, unique=True))},
                "score": draw(score),
                "feedback": "Why it matters.",
            }
            if draw(st.booleans()):
                c["once"] = True
            if draw(st.integers(0, 3)) == 0:
                c["if"] = guard()
            if draw(st.booleans()):
                c["add"] = {"count": 1}
            if draw(st.integers(0, 3)) == 0:
                c["set"] = {"done": True}
            choices.append(c)
        scene: dict = {"narration": f"Scene {sid}.", "student": "Hm.", "choices": choices}
        if draw(st.booleans()):
            cues = []
            for _ in range(draw(st.integers(1, 3))):
                cues.append({"id": f"q{cue_n}", "text": "Something.", "sign": draw(st.booleans()), "note": "Why."})
                cue_n += 1
            scene["cues"] = cues
        if draw(st.booleans()):
            scene["timeout"] = {"seconds": 10, "goto": draw(st.sampled_from(targets)), "score": draw(score)}
        if draw(st.booleans()):
            scene["reflect"] = "What did you see?"
        scenes[sid] = scene
    for nid in next_ids:
        # a next scene routes only to choice scenes or endings, so next routes never form a circle
        routes = [
            {"if": guard(), "goto": draw(st.sampled_from(choice_ids + end_ids))} for _ in range(draw(st.integers(0, 2)))
        ]
        routes.append({"goto": draw(st.sampled_from(choice_ids + end_ids))})
        scenes[nid] = {"student": "Okay.", "next": routes}
    for eid in end_ids:
        scenes[eid] = {"narration": "The end.", "ending": eid}
    return {
        "format": "rehearse/1",
        "id": "generated",
        "title": "Generated",
        "summary": "Made by hypothesis.",
        "topics": ["relationship"],
        "grades": "6-8",
        "student": {
            "name": "Sam",
            "mood": {m: draw(unit) for m in moods},
            "jitter": draw(st.sampled_from([0, 0.05, 0.2])),
            "drift": draw(st.sampled_from([0, 0.1, 0.5])),
        },
        "flags": flags,
        "start": choice_ids[0],
        "scenes": scenes,
        "endings": {
            e: {"title": e, "outcome": draw(st.sampled_from(["good", "mixed", "poor"])), "debrief": "."}
            for e in end_ids
        },
    }


def load(data: dict):
    sc, diags = read_scenario(yaml.safe_dump(data, sort_keys=False), "gen.yaml")
    assert sc is not None, [d.render() for d in diags]
    return sc


turn_inputs = st.lists(
    st.tuples(st.integers(0, 5), st.lists(st.integers(0, 8), max_size=3), st.booleans()), max_size=25
)


def play(sc, seed: int, inputs) -> tuple[Run, list[str]]:
    """Feed arbitrary inputs to a run; every refusal must be a clean EngineError."""
    run = Run(sc, seed=seed)
    refusals = []
    for pick, marks, wait in inputs:
        if run.ended:
            break
        view = run.view()
        noticed = [view.cues[i % len(view.cues)].id for i in marks] if view.cues else []
        try:
            if wait:
                run.wait(noticed=noticed)
            elif pick == 5:
                run.choose("no-such-choice")
            else:
                run.choose(pick + 1, noticed=noticed)  # by position: may be unoffered
        except EngineError as e:
            refusals.append(str(e))
        for v in run.mood.values():
            assert 0.0 <= v <= 1.0
    return run, refusals


@FAST
@given(scenarios())
def test_any_generated_valid_scenario_loads(data):
    sc = load(data)
    assert set(sc.scenes) == set(data["scenes"])


@FAST
@given(scenarios(), st.integers(0, 2**32), turn_inputs)
def test_any_script_finishes_or_fails_cleanly_and_mood_stays_in_range(data, seed, inputs):
    run, refusals = play(load(data), seed, inputs)
    for r in refusals:
        assert "scene" in r


@FAST
@given(scenarios(), st.integers(0, 2**32), turn_inputs)
def test_same_seed_same_inputs_same_log(data, seed, inputs):
    sc = load(data)
    a, _ = play(sc, seed, inputs)
    b, _ = play(sc, seed, inputs)
    assert json.dumps(a.log(bounds=False)) == json.dumps(b.log(bounds=False))


def repeats_a_moment(run: Run) -> bool:
    """Whether the run came back to a state it had been in (format: "never repeating a whole
    state"): such a run lies outside the reachable set, and its raw score may exceed max."""
    eng = run.engine
    state = run.start_state
    keys = {eng.key(state)}
    for t in run.turns:
        state, _ = eng.apply_turn(state, eng.compiled(t.scene, t.choice))
        k = eng.key(state)
        if k in keys:
            return True
        keys.add(k)
    return False


@FAST
@given(scenarios(), st.integers(0, 2**32), turn_inputs)
def test_raw_scores_lie_within_the_reachable_bounds(data, seed, inputs):
    import scoring.analysis

    scoring.analysis.DEFAULT_BUDGET, saved = 20_000, scoring.analysis.DEFAULT_BUDGET  # keep examples quick
    try:
        run, _ = play(load(data), seed, inputs)
        if run.ended:
            score = score_run(run)
    finally:
        scoring.analysis.DEFAULT_BUDGET = saved
    if not run.ended or not score.exact or repeats_a_moment(run):
        return
    for d in score.dimensions:
        assert d.min <= d.raw <= d.max, (d, [t.as_log() for t in run.turns])
        assert 0.0 <= d.percent <= 100.0


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_loader(data):
    sc, diags = read_scenario(data, "noise.yaml")
    assert sc is None or not [d for d in diags if d.severity == "error"]
    for d in diags:
        assert d.line >= 1 and d.col >= 1 and d.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc:-[]{}&*!|>'\" \n\t#0123456789.,", max_size=300))
def test_random_yaml_like_text_never_crashes_the_loader(text):
    sc, diags = read_scenario(text, "noise.yaml")
    assert sc is not None or diags


@FAST
@given(scenarios(), st.integers(0, 2**32))
def test_best_path_reaches_the_highest_weighted_score_and_bounds_are_seeded(data, seed):
    import numpy as np

    from scoring.analysis import analyze
    from simulator.engine import Engine

    sc = load(data)
    eng = Engine(sc)
    start, _ = eng.start(np.random.default_rng(seed))
    a = analyze(eng, start, budget=20_000)  # terminates, loops or not
    if not a.exact or not a.best:
        return
    # replaying the best path gives its raw scores, and no ending scores higher (weighted)
    s = start
    for step in a.best:
        comp = eng.compiled(step.scene, sc.scenes[step.scene].choice(step.choice) if step.choice else None)
        s, _ = eng.apply_turn(s, comp)
    assert eng.ended(s) and s.raw == a.best_raw
    top = a.weighted(a.best_raw)
    assert top == a.best_future(eng, start)
    assert a.weighted(a.worst_raw) <= top
    for i in range(len(eng.dims)):
        assert a.bounds.low[i] <= a.best_raw[i] <= a.bounds.high[i]
    again, _ = eng.start(np.random.default_rng(seed))
    assert analyze(eng, again, budget=20_000).bounds == a.bounds
