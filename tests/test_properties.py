"""Properties over generated scenarios and inputs (hypothesis).

An example a property does not apply to is rejected with `assume` (hypothesis fails the test when it
rejects too many), and each test counts the examples it checked: the counts are printed at the end
of the run (conftest.py), so a property that quietly checks nothing shows."""

from __future__ import annotations

import json
import re
from collections import Counter

import yaml
from conftest import ROOT, TINY
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from scoring.scores import score_run
from simulator.core.engine import EngineError
from simulator.core.loader import read_scenario
from simulator.session.run import Run

MOODS = ("stress", "trust", "openness", "energy")
CHECKED = Counter()  # property -> examples checked; conftest.py prints it


def checked(what: str) -> None:
    CHECKED[what] += 1


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw, finishable: bool = False) -> dict:
    """A valid rehearse/1 scenario as plain data, using every feature of the format.

    `finishable`: each choice scene's first choice is always offered and leads to a later choice
    scene or an ending, so some script of offered choices reaches an ending."""
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
    for n, sid in enumerate(choice_ids):
        choices = []
        for k in range(n_choices[sid]):
            forward = finishable and k == 0
            c: dict = {
                "id": f"c{k}",
                "text": f"Say thing {k}.",
                "goto": draw(st.sampled_from(choice_ids[n + 1 :] + end_ids if forward else targets)),
                "mood": {m: draw(delta) for m in draw(st.lists(st.sampled_from(moods), max_size=2, unique=True))},
                "score": draw(score),
                "feedback": "Why it matters.",
            }
            if draw(st.booleans()) and not forward:
                c["once"] = True
            if draw(st.integers(0, 3)) == 0 and not forward:
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
    checked("generated scenarios load")


@FAST
@given(scenarios(), st.integers(0, 2**32), turn_inputs)
def test_any_script_finishes_or_fails_cleanly_and_mood_stays_in_range(data, seed, inputs):
    run, refusals = play(load(data), seed, inputs)
    for r in refusals:
        assert "scene" in r
    checked("any script finishes or fails cleanly")


@FAST
@given(scenarios(), st.integers(0, 2**32), turn_inputs)
def test_same_seed_same_inputs_same_log(data, seed, inputs):
    sc = load(data)
    a, _ = play(sc, seed, inputs)
    b, _ = play(sc, seed, inputs)
    assert json.dumps(a.log(bounds=False)) == json.dumps(b.log(bounds=False))
    checked("same seed, same inputs, same log")


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


def steps_to_an_ending(sc) -> dict[str, int]:
    """Per scene, the fewest moves to an ending over the scene graph, guards ignored."""
    into: dict[str, set[str]] = {}
    for sid, scene in sc.scenes.items():
        targets = [c.goto for c in scene.choices or ()] + [r.goto for r in scene.next or ()]
        targets += [scene.timeout.goto] if scene.timeout else []
        for t in targets:
            into.setdefault(t, set()).add(sid)
    dist = {sid: 0 for sid, scene in sc.scenes.items() if scene.ending}
    frontier = list(dist)
    while frontier:
        nxt = []
        for t in frontier:
            for s in sorted(into.get(t, ())):
                if s not in dist:
                    dist[s] = dist[t] + 1
                    nxt.append(s)
        frontier = nxt
    return dist


def play_offered(sc, seed: int, data, max_turns: int = 40) -> Run:
    """A script of offered moves only, drawn one by one from what the run offers now.

    Most draws head for an ending and none comes back to a state the run was in, so most runs
    finish inside the reachable set that the bounds are computed over."""
    run = Run(sc, seed=seed)
    eng = run.engine
    dist = steps_to_an_ending(sc)
    seen = {eng.key(run.state)}
    for _ in range(max_turns):
        if run.ended:
            break
        scene = run.state.scene
        moves: list = list(run.offered_choices()) + ([None] if sc.scenes[scene].timeout else [])
        if not moves:
            break  # no choice offered and no timeout: check reports it (no-choice-offered)
        fresh = [m for m in moves if eng.key(eng.apply_turn(run.state, eng.compiled(scene, m))[0]) not in seen]
        pool = fresh or moves
        if None in pool and not data.draw(st.integers(0, 2), label="wait"):
            pool = [None]  # silence often, as teachers do: timeouts carry scores of their own
        elif data.draw(st.integers(0, 3), label="head for an ending"):
            far = [dist.get(m.goto if m else sc.scenes[scene].timeout.goto, 10**6) for m in pool]
            pool = [m for m, d in zip(pool, far) if d == min(far)]
        move = pool[data.draw(st.integers(0, len(pool) - 1), label="move")]
        run.wait() if move is None else run.choose(move.id)
        seen.add(eng.key(run.state))
    return run


@FAST
@given(scenarios(finishable=True), st.integers(0, 2**32), st.data())
def test_raw_scores_lie_within_the_reachable_bounds(data, seed, draws):
    import scoring.analysis

    scoring.analysis.DEFAULT_BUDGET, saved = 20_000, scoring.analysis.DEFAULT_BUDGET  # keep examples quick
    try:
        run = play_offered(load(data), seed, draws)
        score = score_run(run.played()) if run.ended else None
    finally:
        scoring.analysis.DEFAULT_BUDGET = saved
    assume(score is not None)  # no ending within 40 turns
    assert score is not None
    assume(score.exact)  # bounds not exact (the search budget ran out)
    assume(not repeats_a_moment(run))  # came back to a state: outside the reachable set
    checked("raw scores within the reachable bounds")
    for d in score.dimensions:
        assert d.min <= d.raw <= d.max, (d, [t.as_log() for t in run.turns])
        assert 0.0 <= d.percent <= 100.0


# Real scenario text to mutate: a mutant keeps most of a valid file, so it gets past decoding and
# YAML syntax into the loader's schema, guards, references and migrations (random bytes stop at
# the first byte that is not UTF-8: 84% of them did, and none reached past the top-level mapping).
SEEDS = [
    (ROOT / "scenarios" / "phone-standoff.yaml").read_text(encoding="utf-8"),
    (ROOT / "tests" / "data" / "format-example.yaml").read_text(encoding="utf-8"),
    TINY,
]
# Values that once broke, or might break, a loader: bad tags and numbers, YAML punctuation,
# aliases, control and odd unicode characters, guard syntax.
ODD = [
    '!!int ""',
    "!!float x",
    "!!int 0x",
    "!!binary x",
    "!!python/object:os.system x",
    "!!set {a}",
    "!!timestamp x",
    "9" * 4301,
    "1e999",
    "-.inf",
    ".nan",
    "0o17",
    "~",
    "null",
    "yes",
    "[]",
    "{}",
    "[a, b",
    "{a: 1",
    "&a x",
    "*a",
    "*missing",
    "<<: {}",
    "'",
    '"',
    "|",
    ">-",
    "? x",
    "- ",
    ": ",
    "#",
    "\t",
    "\x00",
    "\x07",
    "\x85",
    "\u2028",
    "\ufeff",
    "²",
    "é",
    "\U0001f600",
    "stress > " + "9" * 400,
    'visited("',
    "not (",
    "trust >= 0.5 and",
    "---",
    "...",
]


@st.composite
def mutated_scenarios(draw) -> str | bytes:
    """A shipped or test scenario with one to four edits: lines, indentation, values, bytes."""
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 4]))):  # mostly few edits: most of the file stays valid
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "indent", "dedent", "value", "insert", "cut", "typo", "number"]
            )
        )
        if edit == "delete" and len(lines) > 1:
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "indent":
            lines[i] = " " * draw(st.sampled_from([1, 2, 4])) + lines[i]
        elif edit == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 4)) :]
        elif edit == "value" and ": " in lines[i]:
            lines[i] = lines[i].split(": ", 1)[0] + ": " + draw(st.sampled_from(ODD))
        elif edit == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(ODD)) + lines[i][at:]
        elif edit == "cut":
            lines = lines[: i + 1]
        elif edit == "typo" and lines[i].strip():  # a misspelt key, scene, flag or mood name
            at = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:at] + draw(st.sampled_from("aeiousxz_")) + lines[i][at + 1 :]
        elif edit == "number":  # out of range, negative or the wrong kind of number
            num = draw(st.sampled_from(["-1", "0", "2", "1.5", "-0.5", "1000000", "0.333333333", "3e2"]))
            lines[i] = re.sub(r"\d+(\.\d+)?", num, lines[i], count=1)
    text = "\n".join(lines)
    if not draw(st.integers(0, 9)):  # a few as bytes with one byte changed, for the decoder
        raw = bytearray(text.encode("utf-8"))
        if raw:
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_scenarios(), st.integers(0, 2**32))
def test_mutated_scenarios_get_a_clean_answer_and_what_loads_plays(text, seed):
    sc, diags = read_scenario(text, "noise.yaml")  # raises nothing: any other exception fails here
    errors = [d for d in diags if d.severity == "error"]
    n_lines = (text if isinstance(text, str) else text.decode("utf-8", "replace")).count("\n") + 1
    for d in diags:
        assert 1 <= d.line <= n_lines + 1 and d.col >= 1 and d.message.strip(), d.render()
        first, *rest = d.render().split("\n")
        assert first.startswith(f"noise.yaml:{d.line}:{d.col}: {d.severity}: "), first
        assert all(r.startswith("  hint: ") for r in rest), d.render()  # no forged second diagnostic
    if sc is None:
        assert errors, "a scenario that does not load says why"
        event(f"refused: {errors[0].code}")
        checked("mutated scenarios: refused with a reason")
        return
    event("loaded")
    checked("mutated scenarios: loaded and played")
    # what loads must play: a few turns of offered choices end or go on cleanly
    run = Run(sc, seed=seed)
    for _ in range(12):
        if run.ended:
            break
        offered = run.offered_choices()
        if offered:
            run.choose(offered[seed % len(offered)].id)
        else:
            run.wait()
    json.dumps(run.log(bounds=False))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc:-[]{}&*!|>'\" \n\t#0123456789.,", max_size=300))
def test_random_yaml_like_text_never_crashes_the_loader(text):
    sc, diags = read_scenario(text, "noise.yaml")
    assert sc is not None or diags
    checked("YAML-like noise gets an answer")


@FAST
@given(scenarios(), st.integers(0, 2**32))
def test_best_path_reaches_the_highest_weighted_score_and_bounds_are_seeded(data, seed):
    import numpy as np

    from scoring.analysis import analyze
    from simulator.core.engine import Engine

    sc = load(data)
    eng = Engine(sc)
    start, _ = eng.start(np.random.default_rng(seed))
    a = analyze(eng, start, budget=20_000)  # terminates, loops or not
    assume(a.exact and a.best)
    checked("the best path reaches the highest weighted score")
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
