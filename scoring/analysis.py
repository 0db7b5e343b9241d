"""What a scenario allows: reachable score bounds, endings, best and worst paths.

format: Scoring dimensions. "Reachable means: some run with the same starting mood (same seed)
gets there, taking any offered choice or any timeout at each turn, never repeating a whole
state (scene, mood, flags, visited scenes, choices taken)." States are compared by
`Engine.key`: what can still change what the run may do (docs/format.md, Readings).

One depth-first search (simulator.core.search, iterative) over the engine's pure `apply_turn` computes, for every state, its best
and worst future on each dimension, its best and worst weighted future, and how many distinct
paths lead from it to each ending; memoised, so shared sub-paths are explored once. A state met
again on the path being explored is a repeat: that path is not a run.

Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.core.engine import Engine, State, StateKey
from simulator.core.search import BROKEN, CUT, DONE, ENTER, LEAVE, NEW, ON_PATH, Edge, Search

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


def _weights(engine: Engine) -> tuple[float, ...]:
    w = engine.scenario.rubric.weights
    if not w:
        return (1.0,) * len(engine.dims)
    return tuple(float(w.get(d, 0.0)) for d in engine.dims)


class _Frame:
    """A state on the path being searched, and the future of its moves followed so far."""

    __slots__ = ("state", "lo", "hi", "bw", "bi", "ww", "wi", "counts", "pending")

    def __init__(self, state: State) -> None:
        self.state = state
        self.lo: list[int] | None = None
        self.hi: list[int] = []  # set with lo
        self.bw = self.ww = 0.0
        self.bi = self.wi = -1
        self.counts: dict[str, int] = {}
        self.pending: Edge | None = None  # the move whose child is being searched

    def add(self, edge: Edge, sub: Future | None, weights: tuple[float, ...]) -> None:
        """Fold the future `sub` of the state `edge` leads to into this state's future."""
        if sub is None:
            return
        assert edge.child is not None
        n = len(weights)
        s, child, i = self.state, edge.child, edge.nth
        d = [child.raw[j] - s.raw[j] for j in range(n)]
        clo = [d[j] + sub[0][j] for j in range(n)]
        chi = [d[j] + sub[1][j] for j in range(n)]
        wd = sum(w * x for w, x in zip(weights, d))
        if self.lo is None:
            self.lo, self.hi = clo, chi
            self.bw, self.bi, self.ww, self.wi = wd + sub[2], i, wd + sub[4], i
        else:
            self.lo = [min(a, b) for a, b in zip(self.lo, clo)]
            self.hi = [max(a, b) for a, b in zip(self.hi, chi)]
            if wd + sub[2] > self.bw:
                self.bw, self.bi = wd + sub[2], i
            if wd + sub[4] < self.ww:
                self.ww, self.wi = wd + sub[4], i
        for e, c in sub[6].items():
            self.counts[e] = self.counts.get(e, 0) + c

    def future(self) -> Future | None:
        if self.lo is None:
            return None
        return (tuple(self.lo), tuple(self.hi), self.bw, self.bi, self.ww, self.wi, self.counts)


def analyze(engine: Engine, state: State, budget: int | None = None, *, paths: bool = True) -> Analysis:
    """Search every run from `state` (see the module docstring); bounded by `budget` states.

    With paths=False the shortest paths to each ending are not searched for (bounds only)."""
    budget = DEFAULT_BUDGET if budget is None else budget
    n = len(engine.dims)
    weights = _weights(engine)
    memo: dict[StateKey, Future | None] = {}
    scenes: set[str] = set()
    taken: set[tuple[str, str]] = set()
    loops: dict[tuple[str, str | None], Step] = {}
    stuck: set[str] = set()
    frames: list[_Frame] = []
    search = Search(engine, state, budget, max_depth=MAX_DEPTH)
    for kind, s, key, edge in search:
        if kind == ENTER:
            scenes.add(s.scene)
            scene = engine.scene(s)
            if scene.ending is not None:
                memo[key] = ((0,) * n, (0,) * n, 0.0, -1, 0.0, -1, {scene.ending: 1})
            else:
                frames.append(_Frame(s))
        elif kind == LEAVE:
            if engine.scene(s).ending is None:
                memo[key] = frames.pop().future()
                if not engine.offered(s):
                    stuck.add(s.scene)
            if frames:
                top = frames[-1]
                assert top.pending is not None
                top.add(top.pending, memo[key], weights)
                top.pending = None
        elif kind == CUT:  # too deep to follow: no future known, and the answer is not exact
            frames.pop()
            if frames:
                frames[-1].pending = None
        else:
            assert edge is not None
            if edge.status == BROKEN:
                assert edge.error is not None
                raise edge.error
            cid = getattr(edge.move.effect, "id", None)
            if cid is not None and edge.move.index >= 0:
                taken.add((s.scene, cid))
            scenes.update(edge.passed)
            if edge.status == ON_PATH:
                loops.setdefault((s.scene, cid), Step(s.scene, cid))
            elif edge.status == DONE:
                assert edge.key is not None
                frames[-1].add(edge, memo[edge.key], weights)
            elif edge.status == NEW:
                frames[-1].pending = edge
            else:  # REFUSED: past the budget, the answer would not be exact
                break
    exact = search.complete
    entered = search.states + search.refused  # the refused state was counted as entered
    res = None if search.refused else memo.get(engine.key(state))

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
    found: dict[str, StateKey] = {}
    for kind, s, key, edge in Search(engine, state, budget, breadth_first=True):
        if kind == ENTER:
            ending = engine.scene(s).ending
            if ending is not None:
                found.setdefault(ending, key)
        elif edge is not None and edge.status == NEW:
            assert edge.key is not None
            parent[edge.key] = (key, Step(s.scene, getattr(edge.move.effect, "id", None)))
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
