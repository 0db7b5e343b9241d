"""The one reachable-state search (simulator/core/search.py), seen through `check`, `explore` and its own API."""

from __future__ import annotations

import json
import sys

from conftest import TINY, run_cli

from simulator.core.engine import Engine
from simulator.core.loader import load_scenario
from simulator.core.search import DONE, EDGE, ENTER, NEW, ON_PATH, Search, start_state

# A counter: `up` adds one to n until it reaches K, and only then may the run `stop`. Every run is
# K ups then a stop, so the states are scene a at n = 0..K and the ending: K + 2 of them.
COUNTER = TINY.replace("flags:\n  asked: false\n", "flags:\n  n: 0\n").replace(
    "      - id: talk\n        text: Talk.\n        goto: b\n",
    "      - {id: up, text: Up., if: n < K, add: {n: 1}, goto: a, feedback: F.}\n"
    "      - {id: stop, text: Stop., if: n >= K, goto: b, feedback: F.}\n",
)


def counter(k: int) -> str:
    return COUNTER.replace("K", str(k))


def test_a_path_deeper_than_the_recursion_limit_is_searched_whole(tmp_path):
    k = 1_500  # past Python's default recursion limit (1,000): a recursive search would need to raise it
    f = tmp_path / "tiny.yaml"
    f.write_text(counter(k))
    limit = sys.getrecursionlimit()
    code, out, err = run_cli(["explore", str(f), "--format", "json"])
    assert code == 0, err
    x = json.loads(out)["exhaustive"]
    assert x["states"] == k + 2
    assert x["endings"]["done"]["paths"] == 1
    assert x["endings"]["done"]["shortest"] == [["a", "up"]] * k + [["a", "stop"]]
    assert x["best"]["path"] == x["worst"]["path"] == x["endings"]["done"]["shortest"]
    assert sys.getrecursionlimit() == limit  # nothing changes it any more
    code, out, _ = run_cli(["check", "--format", "json", str(f)])
    assert code == 0 and json.loads(out) == []


def test_the_budget_refuses_new_states_and_says_the_answer_is_incomplete():
    engine = Engine(load_scenario(counter(50)))
    start, _ = start_state(engine)
    whole = Search(engine, start, 1_000)
    statuses = [edge.status for kind, _, _, edge in whole if kind == EDGE and edge is not None]
    assert whole.complete and whole.states == 52 and statuses == [NEW] * 51
    cut = Search(engine, start, 10)
    entered = [s.flags[0] for kind, s, _, _ in cut if kind == ENTER]
    assert entered == list(range(10)) and cut.states == 10 and cut.refused and not cut.complete


def test_a_move_back_to_the_same_moment_is_on_the_path_and_a_state_met_again_is_done():
    # `again` returns to a unchanged (an endless loop); `wait` and `talk` both lead to b
    text = TINY.replace(
        "        goto: b\n",
        "        goto: b\n      - {id: again, text: Again., goto: a}\n      - {id: wait, text: Wait., goto: b}\n",
    )
    engine = Engine(load_scenario(text))
    start, _ = start_state(engine)
    seen = {
        (getattr(edge.move.effect, "id", None), edge.status)
        for kind, _, _, edge in Search(engine, start, 100)
        if edge is not None
    }
    assert seen == {("talk", NEW), ("again", ON_PATH), ("wait", DONE)}
    # breadth first there is no path, only states met before
    seen = {
        (getattr(edge.move.effect, "id", None), edge.status)
        for kind, _, _, edge in Search(engine, start, 100, breadth_first=True)
        if edge is not None
    }
    assert seen == {("talk", NEW), ("again", DONE), ("wait", DONE)}


def test_check_and_explore_see_the_same_reachable_scenes(tmp_path):
    # `hidden` is offered only once `asked` is set, and nothing sets it: scene c is never reached
    text = TINY.replace(
        "        goto: b\n",
        "        goto: b\n        set: {asked: false}\n      - {id: hidden, text: H., if: asked, goto: c}\n",
    ).replace("  b:\n    ending: done", "  b:\n    ending: done\n  c:\n    ending: done")
    f = tmp_path / "tiny.yaml"
    f.write_text(text)
    _, out, _ = run_cli(["check", "--format", "json", str(f)])
    unreachable = {d["message"].split("'")[1] for d in json.loads(out) if d["code"] == "unreachable-scene"}
    _, out, _ = run_cli(["explore", "--format", "json", str(f)])
    assert unreachable == set(json.loads(out)["exhaustive"]["scenes_never_reached"]) == {"c"}


def test_next_routes_in_a_circle_are_one_error_at_the_start_or_after_a_turn(tmp_path):
    circle = "  b:\n    next:\n      - goto: c\n  c:\n    next:\n      - goto: b\n  d:\n    ending: done"
    after_a_turn = TINY.replace("  b:\n    ending: done", circle)
    at_the_start = after_a_turn.replace("start: a", "start: b")
    found = []
    for name, text in (("after.yaml", after_a_turn), ("start.yaml", at_the_start)):
        f = tmp_path / name
        f.write_text(text)
        _, out, _ = run_cli(["check", "--format", "json", str(f)])
        found.append([(d["line"], d["message"]) for d in json.loads(out) if d["code"] == "next-loop"])
    assert len(found[0]) == 1 and found[0] == found[1]
    assert "go round in a circle" in found[0][0][1]
