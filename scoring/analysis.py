"""What a scenario allows: reachable score bounds, endings, best and worst paths.

format: Scoring dimensions. "Reachable means: some run with the same starting mood (same seed)
gets there, taking any offered choice or any timeout at each turn, never repeating a whole
state (scene, mood, flags, visited scenes, choices taken)." States are compared by
`Engine.key`: what can still change what the run may do (docs/format.md, Readings).

One depth-first search over the engine's pure `apply_turn` computes, for every state, its best
and worst future on each dimension, its best and worst weighted future, and how many distinct
paths lead from it to each ending; memoised, so shared sub-paths are explored once. A state met
again on the path being explored is a repeat: that path is not a run.

Pure."""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.core.engine import Engine, State, StateKey

DEFAULT_BUDGET = 150_000  # states entered; past it the analysis is reported as not exact
MAX_DEPTH = 2_000  # turns on one path; a deeper path (counting without limit) makes it inexact

# A state's future, memoised by `Engine.key`: per dimension the lowest and highest raw gain to an
# ending, the best weighted gain and the index of the move that starts it, the worst weighted
# gain and its move (-1 at an ending), and ending id -> distinct paths there.
Future = tuple[tuple[int, ...], tuple[int, ...], float, int, float, int, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Bounds:
    """Per engine dimension, the lowest and highest raw score reachable at an ending."""

    dims: tuple[str, ...]
    low: tuple[int, ...]
    high: tuple[int, ...]
    exact: bool  # False when the search hit its budget (bounds then cover what was explored)
    states: int  # states entered by the search

    def range(self, dim: str) -> tuple[int, int]:
        i = self.dims.index(dim)
        return self.low[i], self.high[i]


@dataclass(frozen=True, slots=True)
class Step:
    """One move on a path: the scene and the choice id (None: the timeout)."""

    scene: str
    choice: str | None


@dataclass(frozen=True, slots=True)
class Analysis:
    bounds: Bounds
    weights: tuple[float, ...]  # per engine dimension, as used for best and worst
    endings: dict[str, int]  # ending id -> distinct paths from the start (0: unreachable)
    shortest: dict[str, tuple[Step, ...]]  # ending id -> a shortest path to it
    best: tuple[Step, ...]
    best_raw: tuple[int, ...]
    worst: tuple[Step, ...]
    worst_raw: tuple[int, ...]
    scenes_reached: frozenset[str]
    choices_taken: frozenset[tuple[str, str]]  # (scene, choice id) offered on some reachable path
    loops: tuple[Step, ...]  # moves that lead back to the same moment (can repeat forever)
    exact: bool
    states: int
    stuck: tuple[str, ...] = field(default=())  # scenes reachable with nothing offered
    memo: dict[StateKey, Future | None] = field(default_factory=dict, repr=False, compare=False)

    def best_future(self, engine: Engine, state: State) -> float | None:
        """The highest weighted score still reachable from `state` (None if unknown or no ending)."""
        r = self.memo.get(engine.key(state))
        return None if r is None else r[2]

    def weighted(self, delta: Iterable[float]) -> float:
        """A change in raw scores, weighted as `best` and `worst` weigh it."""
        return sum(w * x for w, x in zip(self.weights, delta))


class _Budget(Exception):
    pass


def _weights(engine: Engine) -> tuple[float, ...]:
    w = engine.scenario.rubric.weights
    if not w:
        return (1.0,) * len(engine.dims)
    return tuple(float(w.get(d, 0.0)) for d in engine.dims)


def analyze(engine: Engine, state: State, budget: int | None = None, *, paths: bool = True) -> Analysis:
    """Search every run from `state` (see the module docstring); bounded by `budget` states.

    With paths=False the shortest paths to each ending are not searched for (bounds only)."""
    budget = DEFAULT_BUDGET if budget is None else budget
    n = len(engine.dims)
    weights = _weights(engine)
    memo: dict[StateKey, Future | None] = {}
    on_path: set[StateKey] = set()
    scenes: set[str] = set()
    taken: set[tuple[str, str]] = set()
    loops: dict[tuple[str, str | None], Step] = {}
    stuck: set[str] = set()
    entered = 0
    exact = True

    def weighted(d: list[int]) -> float:
        return sum(w * x for w, x in zip(weights, d))

    def future(s: State) -> Future | None:
        nonlocal entered, exact
        key = engine.key(s)
        if key in memo:
            return memo[key]
        if key in on_path:
            return None
        entered += 1
        if entered > budget:
            raise _Budget
        scenes.add(s.scene)
        scene = engine.scene(s)
        if scene.ending is not None:
            res: Future | None = ((0,) * n, (0,) * n, 0.0, -1, 0.0, -1, {scene.ending: 1})
            memo[key] = res
            return res
        if len(on_path) >= MAX_DEPTH:
            exact = False
            return None
        on_path.add(key)
        lo: list[int] | None = None
        hi: list[int] = []  # set with lo
        bw = ww = 0.0
        bi = wi = -1
        counts: dict[str, int] = {}
        moves = engine.offered_effects(s)
        if not engine.offered(s):
            stuck.add(s.scene)
        for i, comp in enumerate(moves):
            eff = comp.effect
            cid = getattr(eff, "id", None)
            if cid is not None and comp.bit:
                taken.add((s.scene, cid))
            child, passed = engine.apply_turn(s, comp)
            scenes.update(passed)
            if engine.key(child) in on_path:
                loops.setdefault((s.scene, cid), Step(s.scene, cid))
                continue
            sub = future(child)
            if sub is None:
                continue
            d = [child.raw[j] - s.raw[j] for j in range(n)]
            clo = [d[j] + sub[0][j] for j in range(n)]
            chi = [d[j] + sub[1][j] for j in range(n)]
            wd = weighted(d)
            if lo is None:
                lo, hi = clo, chi
                bw, bi, ww, wi = wd + sub[2], i, wd + sub[4], i
            else:
                lo = [min(a, b) for a, b in zip(lo, clo)]
                hi = [max(a, b) for a, b in zip(hi, chi)]
                if wd + sub[2] > bw:
                    bw, bi = wd + sub[2], i
                if wd + sub[4] < ww:
                    ww, wi = wd + sub[4], i
            for e, c in sub[6].items():
                counts[e] = counts.get(e, 0) + c
        on_path.discard(key)
        res = None if lo is None else (tuple(lo), tuple(hi), bw, bi, ww, wi, counts)
        memo[key] = res
        return res

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 3 * MAX_DEPTH + 1000))
    try:
        res = future(state)
    except _Budget:
        exact = False
        res = None
    finally:
        sys.setrecursionlimit(old)

    def follow(which: Literal[3, 5]) -> tuple[tuple[Step, ...], tuple[int, ...]]:
        path: list[Step] = []
        s = state
        while True:
            r = memo.get(engine.key(s))
            if not r or r[which] < 0:
                return tuple(path), s.raw
            comp = engine.offered_effects(s)[r[which]]
            path.append(Step(s.scene, getattr(comp.effect, "id", None)))
            s, _ = engine.apply_turn(s, comp)

    best, best_raw = follow(3) if res else ((), state.raw)
    worst, worst_raw = follow(5) if res else ((), state.raw)
    counts = res[6] if res else {}
    base = state.raw
    bounds = Bounds(
        engine.dims,
        tuple(b + r for b, r in zip(base, res[0])) if res else base,
        tuple(b + r for b, r in zip(base, res[1])) if res else base,
        exact,
        entered,
    )
    return Analysis(
        bounds=bounds,
        weights=weights,
        endings={e: counts.get(e, 0) for e in engine.scenario.endings},
        shortest=shortest_paths(engine, state, budget) if paths and exact else {},
        best=best,
        best_raw=best_raw,
        worst=worst,
        worst_raw=worst_raw,
        scenes_reached=frozenset(scenes),
        choices_taken=frozenset(taken),
        loops=tuple(loops.values()),
        exact=exact,
        states=entered,
        stuck=tuple(sorted(stuck)),
        memo=memo,
    )


def shortest_paths(engine: Engine, state: State, budget: int | None = None) -> dict[str, tuple[Step, ...]]:
    """A shortest path (fewest turns) from `state` to each reachable ending, breadth first."""
    budget = DEFAULT_BUDGET if budget is None else budget
    parent: dict[StateKey, tuple[StateKey, Step] | None] = {engine.key(state): None}
    queue = deque([state])
    found: dict[str, StateKey] = {}
    while queue and len(parent) <= budget:
        s = queue.popleft()
        ending = engine.scene(s).ending
        if ending is not None:
            found.setdefault(ending, engine.key(s))
            continue
        for comp in engine.offered_effects(s):
            child, _ = engine.apply_turn(s, comp)
            k = engine.key(child)
            if k not in parent:
                parent[k] = (engine.key(s), Step(s.scene, getattr(comp.effect, "id", None)))
                queue.append(child)
    out = {}
    for ending, k in found.items():
        steps = []
        link = parent[k]
        while link is not None:
            k, step = link
            steps.append(step)
            link = parent[k]
        out[ending] = tuple(reversed(steps))
    return out


# --- seeded random playthroughs ---------------------------------------------------------------

MAX_RANDOM_TURNS = 500


@dataclass(frozen=True, slots=True)
class Sample:
    """What seeded random playthroughs found: endings reached and each dimension's scores."""

    runs: int
    endings: dict[str, int]  # ending id -> runs that reached it
    unfinished: int  # runs cut at MAX_RANDOM_TURNS or stuck with nothing offered
    dims: tuple[str, ...]
    scores: np.ndarray  # int64, runs x dims: choice-and-timeout raw scores of finished runs
    turns: int  # turns taken in all


def random_runs(
    engine: Engine, runs: int, seed: int, progress: Callable[[int], object] | None = None, start: int = 0
) -> Sample:
    """`runs` playthroughs taking a uniformly random offered move (choice or timeout) each turn.

    Run i uses the generator of SeedSequence(seed).spawn, so a slice of runs gives the same
    results wherever it is computed (`start` is the index of the first run)."""
    # the children SeedSequence(seed).spawn() would give, made directly: run i's key is (i,)
    children = [np.random.SeedSequence(seed, spawn_key=(start + i,)) for i in range(runs)]
    endings: dict[str, int] = {}
    rows: list[tuple[int, ...]] = []
    unfinished = 0
    turns = 0
    for i, child in enumerate(children):
        rng = np.random.default_rng(child)
        s, _ = engine.start(rng)
        for _ in range(MAX_RANDOM_TURNS):
            ending = engine.scene(s).ending
            if ending is not None:
                endings[ending] = endings.get(ending, 0) + 1
                rows.append(s.raw)
                break
            moves = engine.offered_effects(s)
            if not moves:
                unfinished += 1
                break
            s, _ = engine.apply_turn(s, moves[int(rng.integers(len(moves)))])
            turns += 1
        else:
            unfinished += 1
        if progress is not None and (i + 1) % 500 == 0:
            progress(500)
    if progress is not None:
        progress(len(children) % 500)
    scores = np.array(rows, dtype=np.int64).reshape(len(rows), len(engine.dims))
    return Sample(len(children), endings, unfinished, engine.dims, scores, turns)


def merge_samples(parts: list[Sample]) -> Sample:
    """One sample from parts computed apart (runs, endings and scores added up, in order)."""
    endings: dict[str, int] = {}
    for p in parts:
        for e, c in p.endings.items():
            endings[e] = endings.get(e, 0) + c
    return Sample(
        sum(p.runs for p in parts),
        endings,
        sum(p.unfinished for p in parts),
        parts[0].dims,
        np.concatenate([p.scores for p in parts]),
        sum(p.turns for p in parts),
    )
