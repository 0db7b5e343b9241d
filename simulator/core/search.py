"""The one reachable-state search: `check`, the lint, the analysis and shortest paths all walk states with it.

format: Scoring dimensions. "Reachable means: some run with the same starting mood (same seed)
gets there, taking any offered choice or any timeout at each turn, never repeating a whole
state." States are the same when `Engine.key` says so; a state's successors are the engine's
pure `apply_turn` of each move `offered_effects` opens (the offered choices, then the timeout).

`Search` is iterative (no recursion, so no recursion limit to raise) and reports what it meets as
a stream of events, so each user keeps only what it needs:
- ENTER(state): a state is entered (depth first: when found; breadth first: when its turn comes);
- EDGE(state, edge): one move from it, with the child and whether it is NEW (entered next, depth
  first), DONE (met before), ON_PATH (depth first: a state on the path being walked, so the move
  leads back to the same moment), REFUSED (past the budget) or BROKEN (its `next` routes go round
  in a circle: `edge.error`);
- LEAVE(state): every move from it has been followed (depth first only);
- CUT(state): depth first, entered past `max_depth` turns on one path: not followed further.
A state budget bounds the search: past it new states are REFUSED and the answer is incomplete.

Pure: no I/O, no clock."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import NamedTuple

from simulator.core.engine import Engine, EngineError, State, StateKey, _Compiled

ENTER, EDGE, LEAVE, CUT = "enter", "edge", "leave", "cut"
NEW, DONE, ON_PATH, REFUSED, BROKEN = "new", "done", "on-path", "refused", "broken"


class Edge(NamedTuple):
    """One move from a state, and where it leads."""

    nth: int  # its place in Engine.offered_effects(state)
    move: _Compiled
    child: State | None  # None when BROKEN
    key: StateKey | None
    passed: tuple[str, ...]  # `next` scenes passed on the way
    status: str
    error: EngineError | None = None


Event = tuple[str, State, StateKey, Edge | None]


def start_state(engine: Engine) -> tuple[State, tuple[str, ...]]:
    """Where every search of a scenario's own states starts: the engine's start, unjittered.

    Raises EngineError when the start's `next` routes go round in a circle."""
    return engine.start(None)


class Search:
    """Every state reachable from `start`, as events (see the module docstring).

    `budget`: states admitted at most (the start counts); `reverse`: follow a state's moves last
    first; `max_depth`: depth first, turns on one path past which a state is CUT.
    After the events: `states` admitted, `refused` (the budget was hit), `complete` (nothing
    refused or cut)."""

    def __init__(
        self,
        engine: Engine,
        start: State,
        budget: int,
        *,
        breadth_first: bool = False,
        reverse: bool = False,
        max_depth: int | None = None,
    ) -> None:
        self.engine, self.start, self.budget = engine, start, budget
        self.breadth_first, self.reverse, self.max_depth = breadth_first, reverse, max_depth
        self.states = 0
        self.refused = False
        self.cut = False

    @property
    def complete(self) -> bool:
        return not (self.refused or self.cut)

    def __iter__(self) -> Iterator[Event]:
        return self._bfs() if self.breadth_first else self._dfs()

    def _moves(self, s: State) -> list[tuple[int, _Compiled]]:
        moves = list(enumerate(self.engine.offered_effects(s)))
        return moves[::-1] if self.reverse else moves

    def _follow(self, s: State, comp: _Compiled) -> tuple[State | None, StateKey | None, tuple, EngineError | None]:
        try:
            child, passed = self.engine.apply_turn(s, comp)
        except EngineError as e:
            return None, None, (), e
        return child, self.engine.key(child), passed, None

    def _admit(self) -> bool:
        """Count one more state, or refuse it past the budget."""
        if self.states >= self.budget:
            self.refused = True
            return False
        self.states += 1
        return True

    def _dfs(self) -> Iterator[Event]:
        engine, max_depth = self.engine, self.max_depth
        done: set[StateKey] = set()  # entered and left (endings: at once)
        on_path: set[StateKey] = set()
        stack: list[tuple[State, StateKey, Iterator[tuple[int, _Compiled]]]] = []

        def enter(s: State, key: StateKey) -> Iterator[Event]:
            yield ENTER, s, key, None
            if engine.scene(s).ending is not None:
                done.add(key)
                yield LEAVE, s, key, None
            elif max_depth is not None and len(stack) >= max_depth:
                self.cut = True
                yield CUT, s, key, None
            else:
                on_path.add(key)
                stack.append((s, key, iter(self._moves(s))))

        if not self._admit():
            return
        yield from enter(self.start, engine.key(self.start))
        while stack:
            s, skey, moves = stack[-1]
            step = next(moves, None)
            if step is None:
                stack.pop()
                on_path.discard(skey)
                done.add(skey)
                yield LEAVE, s, skey, None
                continue
            i, comp = step
            child, key, passed, error = self._follow(s, comp)
            if child is None or key is None:
                yield EDGE, s, skey, Edge(i, comp, None, None, (), BROKEN, error)
                continue
            if key in on_path:
                status = ON_PATH
            elif key in done:
                status = DONE
            elif not self._admit():
                status = REFUSED
            else:
                status = NEW
            yield EDGE, s, skey, Edge(i, comp, child, key, passed, status)
            if status == NEW:
                yield from enter(child, key)

    def _bfs(self) -> Iterator[Event]:
        engine = self.engine
        if not self._admit():
            return
        seen: set[StateKey] = {engine.key(self.start)}
        queue = deque([self.start])
        while queue:
            s = queue.popleft()
            skey = engine.key(s)
            yield ENTER, s, skey, None
            if engine.scene(s).ending is not None:
                continue
            for i, comp in self._moves(s):
                child, key, passed, error = self._follow(s, comp)
                if child is None or key is None:
                    yield EDGE, s, skey, Edge(i, comp, None, None, (), BROKEN, error)
                    continue
                if key in seen:
                    status = DONE
                elif not self._admit():
                    status = REFUSED
                else:
                    status = NEW
                    seen.add(key)
                    queue.append(child)
                yield EDGE, s, skey, Edge(i, comp, child, key, passed, status)
