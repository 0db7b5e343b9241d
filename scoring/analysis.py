"""Reachable score bounds: the lowest and highest raw score a run could still reach.

format: Scoring dimensions. "Reachable means: some run with the same starting mood (same seed)
gets there, taking any offered choice or any timeout at each turn, never repeating a whole
state (scene, mood, flags, visited scenes, choices taken)."

The search walks the engine's pure `apply_turn` depth-first and memoises each state's best and
worst future, so shared sub-paths are explored once.

Pure. May import: simulator.engine, simulator.model, numpy, the standard library."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from simulator.engine import Engine, State

DEFAULT_BUDGET = 150_000  # states entered; past it the bounds are reported as not exact
MAX_DEPTH = 2_000  # turns on one path; a deeper path (counting without limit) makes the bounds inexact


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


class _Budget(Exception):
    pass


def score_bounds(engine: Engine, state: State, budget: int | None = None) -> Bounds:
    """Bounds of each dimension's choice-and-timeout score over every run from `state` to an ending."""
    n = len(engine.dims)
    budget = DEFAULT_BUDGET if budget is None else budget
    memo: dict[tuple, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}
    on_path: set[tuple] = set()
    exact = True
    entered = 0

    def future(s: State):
        key = engine.key(s)
        if key in memo:
            return memo[key]
        if key in on_path:  # a repeat of a whole state on this path: not a run
            return None
        if engine.ended(s):
            memo[key] = ((0,) * n, (0,) * n)
            return memo[key]
        nonlocal entered, exact
        entered += 1
        if entered > budget:
            raise _Budget
        if len(on_path) >= MAX_DEPTH:
            exact = False
            return None
        on_path.add(key)
        lo: list[int] | None = None
        hi: list[int] | None = None
        for comp in engine.offered_effects(s):
            child, _ = engine.apply_turn(s, comp)
            sub = future(child)
            if sub is None:
                continue
            d = [child.raw[i] - s.raw[i] for i in range(n)]
            clo = [d[i] + sub[0][i] for i in range(n)]
            chi = [d[i] + sub[1][i] for i in range(n)]
            lo = clo if lo is None else [min(a, b) for a, b in zip(lo, clo)]
            hi = chi if hi is None else [max(a, b) for a, b in zip(hi, chi)]
        on_path.discard(key)
        res = None if lo is None else (tuple(lo), tuple(hi))
        memo[key] = res
        return res

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))
    try:
        res = future(state)
    except _Budget:
        exact = False
        res = None
    finally:
        sys.setrecursionlimit(old)
    if res is None:
        base = state.raw
        return Bounds(engine.dims, tuple(base), tuple(base), exact, entered)
    return Bounds(
        engine.dims,
        tuple(b + r for b, r in zip(state.raw, res[0])),
        tuple(b + r for b, r in zip(state.raw, res[1])),
        exact,
        entered,
    )
