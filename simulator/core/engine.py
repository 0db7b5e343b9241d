"""Turn rules: apply one choice or timeout to a run's state, and route through `next` scenes.

format: The student and their mood; Scenes; Choices; Guards. A turn adds the mood deltas and
clips to 0..1, moves every value `drift` of the way back to its baseline, applies `set` then
`add`, and goes to `goto`; `next` scenes are passed through at once, with no turn and no drift.

Two ways to move a run, one set of rules:
- `Engine.apply_turn` is the pure function the analysis explores with (millions of calls);
- `SceneMachine` drives a `Run` through a `transitions` state machine whose states are the
  scenes and whose transitions are the choices, timeouts and `next` routes. Its callbacks
  call the same `Engine.effects` and guards, so the two agree by construction (and a test
  checks it on random runs).

Pure: no I/O, no clock; randomness only from the `rng` passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.core.guards import Guard, compile_guard
from simulator.core.model import Choice, Effect, Scenario, Scene

if TYPE_CHECKING:
    from transitions import EventData

GuardFn = Callable[["State"], bool]  # a compiled guard: does it hold in this state?
# Per scene: reads mood, flag indices, visited-scene mask, chosen-choice mask, reads turns.
# mood read?, flag indices, visited mask and its lowest bit, chosen mask and its lowest bit, turns read?
Needs = tuple[bool, tuple[int, ...], int, int, int, int, bool]
# Engine.key: scene, mood bytes, flags, visited, chosen, turns (None where no guard ahead reads it).
StateKey = tuple[str, tuple[float, ...] | None, tuple[bool | int, ...], int, int, int | None]


class EngineError(Exception):
    """A move the run cannot make (a choice not offered, a turn after the ending)."""

    def __init__(self, message: str, scene: str | None = None, offered: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.scene = scene
        self.offered = offered


@dataclass(frozen=True, slots=True)
class State:
    """Everything that decides what happens next in a run. Owned and changed only by the engine."""

    scene: str
    mood: tuple[float, ...]  # one value per mood dimension in file order
    baseline: tuple[float, ...]  # the run's starting mood after jitter; drift pulls toward it
    flags: tuple[bool | int, ...]
    turns: int = 0
    visited: int = 0  # bit i: scene i has been shown
    chosen: int = 0  # bit i: choice i (engine-wide numbering) has been taken
    raw: tuple[int, ...] = ()  # score sums of choices and timeouts, one per engine dimension

    def key(self) -> tuple[str, tuple[float, ...], tuple[bool | int, ...], int, int]:
        """What makes two states the same (format: Scoring dimensions, "never repeating a whole state")."""
        return (self.scene, self.mood, self.flags, self.visited, self.chosen)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """An effect (choice or timeout) turned into index operations."""

    effect: Effect
    # The choice's place in the engine-wide numbering of `State.chosen`, -1 for a timeout. An
    # index, not the mask 1 << index: a scenario of 30,000 choices would keep 50 MB of masks.
    index: int
    delta: tuple[float, ...] | None  # one per mood dimension (0.0 where the effect has none)
    sets: tuple[tuple[int, bool | int], ...]
    adds: tuple[tuple[int, int], ...]
    score: tuple[tuple[int, int], ...]


class Engine:
    """A scenario compiled for play: indices, vectors and guard functions. Immutable."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.moods: tuple[str, ...] = tuple(scenario.student.mood)
        self.flag_names: tuple[str, ...] = tuple(scenario.flags)
        self.dims: tuple[str, ...] = scenario.dimensions()
        self.start_mood = np.array([scenario.student.mood[m] for m in self.moods], dtype=np.float64)
        self.start_mood.flags.writeable = False
        self.jitter = scenario.student.jitter
        self.drift = scenario.student.drift
        # Indices into State.visited and State.chosen (masks are made when needed, see _Compiled).
        self.scene_index = {sid: i for i, sid in enumerate(scenario.scenes)}
        self._mood_ix = {m: i for i, m in enumerate(self.moods)}
        self._flag_ix = {f: i for i, f in enumerate(self.flag_names)}
        self._dim_ix = {d: i for i, d in enumerate(self.dims)}
        self.choice_index: dict[tuple[str, str], int] = {}
        for sid, scene in scenario.scenes.items():
            for c in scene.choices or ():
                self.choice_index[(sid, c.id)] = len(self.choice_index)
        self._guards: dict[int, GuardFn] = {}
        self._choices: dict[str, tuple[tuple[Choice, _Compiled, GuardFn | None], ...]] = {}
        self._timeouts: dict[str, _Compiled] = {}
        self._routes: dict[str, tuple[tuple[GuardFn | None, str], ...]] = {}
        for sid, scene in scenario.scenes.items():
            if scene.choices is not None:
                self._choices[sid] = tuple(
                    (c, self._compile(c, self.choice_index[(sid, c.id)]), self.guard(c.guard)) for c in scene.choices
                )
            if scene.timeout is not None:
                self._timeouts[sid] = self._compile(scene.timeout, -1)
            if scene.next is not None:
                self._routes[sid] = tuple((self.guard(r.guard), r.goto) for r in scene.next)

        self._needs = self._future_needs()

    # --- compiling ---------------------------------------------------------------------------

    def _future_needs(self) -> dict[str, Needs]:
        """Per scene, the parts of a state that can still change what a run may do from there.

        A guard reads moods, flags, `turns`, visited scenes and chosen choices; `once` reads the
        choice's own bit. What no guard reachable from a scene reads cannot change its future, so
        two states that differ only there have the same future. Gathered backwards over the scene
        graph, one strongly connected part at a time."""
        sc = self.scenario
        local: dict[str, list[int]] = {}
        succ: dict[str, set[str]] = {}
        for sid, scene in sc.scenes.items():
            need: list[int] = [False, 0, 0, 0, False]  # mood, flag mask, visited mask, chosen mask, turns
            guards = [c.guard for c in scene.choices or ()] + [r.guard for r in scene.next or ()]
            for g in guards:
                if g is None:
                    continue
                for name, _ in g.names:
                    if name in self._mood_ix:
                        need[0] = True
                    elif name in self._flag_ix:
                        need[1] |= 1 << self._flag_ix[name]
                    elif name == "turns":
                        need[4] = True
                for v, _ in g.visits:
                    if v in self.scene_index:
                        need[2] |= 1 << self.scene_index[v]
                for a, b, _ in g.choices:
                    if (a, b) in self.choice_index:
                        need[3] |= 1 << self.choice_index[(a, b)]
            for c in scene.choices or ():
                if c.once:
                    need[3] |= 1 << self.choice_index[(sid, c.id)]
            local[sid] = need
            targets = {c.goto for c in scene.choices or ()} | {r.goto for r in scene.next or ()}
            if scene.timeout is not None:
                targets.add(scene.timeout.goto)
            succ[sid] = {t for t in targets if t in sc.scenes}
        # Each strongly connected part of the scene graph shares one need (every scene in it can
        # reach every other); Tarjan's order gives the parts sinks first, so each is met once, after
        # every part it can reach.
        needs: dict[str, list[int]] = {}
        for part in components(succ):
            need = [False, 0, 0, 0, False]
            inside = set(part)
            for sid in part:
                for n in [local[sid]] + [needs[t] for t in succ[sid] if t not in inside]:
                    need = [need[0] or n[0], need[1] | n[1], need[2] | n[2], need[3] | n[3], need[4] or n[4]]
            for sid in part:
                needs[sid] = need
        out: dict[str, Needs] = {}
        for sid, (mood, fmask, vmask, cmask, turns) in needs.items():
            fidx = tuple(i for i in range(len(self.flag_names)) if fmask >> i & 1)
            out[sid] = (bool(mood), fidx, vmask, _low_bit(vmask), cmask, _low_bit(cmask), bool(turns))
        return out

    def key(self, state: State) -> StateKey:
        """What of `state` can still change what the run may do: equal keys, equal futures.

        The analysis and `check` treat a repeat of this key on one path as a repeat of the whole
        state (format: Scoring dimensions): nothing that can matter has changed."""
        mood, fidx, vmask, vlow, cmask, clow, turns = self._needs[state.scene]
        # The masked bits are shifted down to the scene's lowest one: the same key for the same
        # bits (every key names its scene, so each is shifted alike), and a small int where the
        # scene's mask starts far up a large scenario's numbering, instead of kilobytes per key.
        return (
            state.scene,
            state.mood if mood else None,
            tuple(state.flags[i] for i in fidx),
            (state.visited & vmask) >> vlow,
            (state.chosen & cmask) >> clow,
            state.turns if turns else None,
        )

    def _compile(self, eff: Effect, index: int) -> _Compiled:
        delta = None
        if eff.mood:
            dense = [0.0] * len(self.moods)
            for name, d in eff.mood.items():
                dense[self._mood_ix[name]] = float(d)
            delta = tuple(dense)
        return _Compiled(
            eff,
            index,
            delta,
            tuple((self._flag_ix[f], v) for f, v in eff.set.items()),
            tuple((self._flag_ix[f], v) for f, v in eff.add.items()),
            tuple((self._dim_ix[d], v) for d, v in eff.score.items()),
        )

    def guard(self, guard: Guard | None) -> GuardFn | None:
        """A function State -> bool for a guard (None: always true)."""
        if guard is None:
            return None
        key = id(guard)
        if key not in self._guards:
            self._guards[key] = compile_guard(guard, self._leaf)
        return self._guards[key]

    # Any: guards treats the state as opaque (its Resolver takes functions of `object`).
    def _leaf(self, t: tuple[str, ...]) -> Callable[[Any], object]:
        if t[0] == "name":
            name = t[1]
            if name == "turns":
                return lambda s: s.turns
            if name in self._mood_ix:
                i = self._mood_ix[name]
                return lambda s: s.mood[i]
            j = self._flag_ix[name]
            return lambda s: s.flags[j]
        if t[0] == "visited":
            bit = 1 << self.scene_index[t[1]]
            return lambda s: (s.visited & bit) != 0
        bit = 1 << self.choice_index[(t[1], t[2])]
        return lambda s: (s.chosen & bit) != 0

    # --- the rules ---------------------------------------------------------------------------

    def start(self, rng: np.random.Generator | None) -> tuple[State, tuple[str, ...]]:
        """The state before the first turn (jittered baseline, start scene, `next` routes taken),
        and the `next` scenes passed on the way. With no `rng`, the unjittered starting mood: the
        start every search of the scenario's own states uses (simulator.core.search.start_state)."""
        if rng is None:
            baseline = tuple(float(v) for v in self.start_mood)
        else:
            # format: "each value is its start plus a uniform draw in [-jitter, +jitter] ... clipped"
            draw = rng.uniform(-self.jitter, self.jitter, size=len(self.moods))
            baseline = tuple(float(v) for v in np.clip(self.start_mood + draw, 0.0, 1.0))
        start = self.scenario.start
        state = State(
            start,
            baseline,
            baseline,
            tuple(self.scenario.flags.values()),
            0,
            1 << self.scene_index[start],
            0,
            (0,) * len(self.dims),
        )
        return self.route(state)

    def scene(self, state: State) -> Scene:
        """The scene the run is in."""
        return self.scenario.scenes[state.scene]

    def offered(self, state: State) -> tuple[Choice, ...]:
        """The choices the teacher can take now (format: Choices, `if` and `once`)."""
        out = []
        for c, comp, g in self._choices.get(state.scene, ()):
            if c.once and state.chosen >> comp.index & 1:
                continue
            if g is not None and not g(state):
                continue
            out.append(c)
        return tuple(out)

    def offered_effects(self, state: State) -> list[_Compiled]:
        """Compiled effects of every move open now: the offered choices, then the timeout if any."""
        out = [
            comp
            for c, comp, g in self._choices.get(state.scene, ())
            if not (c.once and state.chosen >> comp.index & 1) and (g is None or g(state))
        ]
        t = self._timeouts.get(state.scene)
        if t is not None:
            out.append(t)
        return out

    def compiled(self, scene: str, choice: Choice | None) -> _Compiled:
        if choice is None:
            t = self._timeouts.get(scene)
            if t is None:
                raise EngineError(f"scene '{scene}' has no timeout", scene)
            return t
        for c, comp, _ in self._choices.get(scene, ()):
            if c is choice or c.id == choice.id:
                return comp
        raise EngineError(f"scene '{scene}' has no choice '{choice.id}'", scene)

    def effects(self, state: State, comp: _Compiled, goto: str | None = None) -> State:
        """A turn's effects, in the format's order; then, with `goto`, entering that scene (as
        `enter` does: one new state instead of two, since the analysis makes millions)."""
        # Plain floats, not numpy: the same IEEE operations in the same order (so the same values to
        # the last bit), without numpy's cost on vectors of three or four.
        mood = state.mood
        if comp.delta is not None:
            mood = tuple(min(max(m + d, 0.0), 1.0) for m, d in zip(mood, comp.delta))
        drift = self.drift
        if drift:
            mood = tuple(m + drift * (b - m) for m, b in zip(mood, state.baseline))
        flags = state.flags
        if comp.sets or comp.adds:
            fl = list(flags)
            for i, v in comp.sets:
                fl[i] = v
            for i, v in comp.adds:
                fl[i] = fl[i] + v
            flags = tuple(fl)
        raw = state.raw
        if comp.score:
            r = list(raw)
            for i, v in comp.score:
                r[i] += v
            raw = tuple(r)
        scene, visited = state.scene, state.visited
        if goto is not None:
            scene, visited = goto, visited | 1 << self.scene_index[goto]
        chosen = state.chosen if comp.index < 0 else state.chosen | 1 << comp.index
        return State(scene, mood, state.baseline, flags, state.turns + 1, visited, chosen, raw)

    def enter(self, state: State, scene: str) -> State:
        s = state
        return State(
            scene, s.mood, s.baseline, s.flags, s.turns, s.visited | 1 << self.scene_index[scene], s.chosen, s.raw
        )

    def next_scene(self, state: State) -> str | None:
        """Where a `next` scene sends the run now (first guard that holds), or None for other scenes."""
        routes = self._routes.get(state.scene)
        if routes is None:
            return None
        for g, goto in routes:
            if g is None or g(state):
                return goto
        return routes[-1][1]  # unreachable: the loader makes the last route unguarded

    def route(self, state: State) -> tuple[State, tuple[str, ...]]:
        """Pass through `next` scenes until a scene with choices or an ending; return the scenes passed."""
        passed: list[str] = []
        while True:
            goto = self.next_scene(state)
            if goto is None:
                return state, tuple(passed)
            passed.append(state.scene)
            if len(passed) > len(self.scenario.scenes):
                raise EngineError(f"the next routes from '{passed[0]}' go round in a circle", passed[0])
            state = self.enter(state, goto)

    def apply_turn(self, state: State, comp: _Compiled) -> tuple[State, tuple[str, ...]]:
        """One whole turn: effects, goto, then `next` routing. Pure: the input state is unchanged."""
        return self.route(self.effects(state, comp, comp.effect.goto))

    def ended(self, state: State) -> bool:
        return self.scenario.scenes[state.scene].ending is not None

    def mood_dict(self, mood: tuple[float, ...]) -> dict[str, float]:
        return {m: float(v) for m, v in zip(self.moods, mood)}

    def flags_dict(self, state: State) -> MappingProxyType[str, bool | int]:
        return MappingProxyType(dict(zip(self.flag_names, state.flags)))


class _Cursor:
    """The state machine's model: `transitions` keeps the current scene in `scene`."""

    def __init__(self, engine: Engine, state: State) -> None:
        self.engine = engine
        self.state = state
        self.scene = state.scene
        self.passed: list[str] = []


class SceneMachine:
    """Scenes as states, choices and timeouts and `next` routes as transitions (pytransitions).

    The machine moves the scene; its callbacks apply the engine's effects and evaluate guards,
    so a `Run` played through it matches `Engine.apply_turn` exactly."""

    def __init__(self, engine: Engine, state: State) -> None:
        from transitions import Machine

        self.engine = engine
        self.cursor = _Cursor(engine, state)
        trans: list[dict[str, Any]] = []
        for sid, scene in engine.scenario.scenes.items():
            for c in scene.choices or ():
                trans.append({"trigger": _trigger(sid, c.id), "source": sid, "dest": c.goto, "before": self._apply})
            if scene.timeout is not None:
                trans.append(
                    {"trigger": _trigger(sid, None), "source": sid, "dest": scene.timeout.goto, "before": self._apply}
                )
            for r in scene.next or ():
                g = engine.guard(r.guard)
                trans.append(
                    {
                        "trigger": "route",
                        "source": sid,
                        "dest": r.goto,
                        "conditions": [self._holds(g)] if g else [],
                        "before": self._pass,
                    }
                )
        # model_override=False: the cursor is private, so the machine may add its is_<scene>
        # helpers freely; with True, transitions logs a warning for every scene it skips.
        self.machine = Machine(
            model=self.cursor,
            states=list(engine.scenario.scenes),
            transitions=trans,
            initial=state.scene,
            auto_transitions=False,
            model_override=False,
            queued=True,
            model_attribute="scene",
            send_event=True,
            after_state_change=self._entered,
        )

    def _holds(self, g: GuardFn) -> Callable[[EventData], bool]:
        return lambda event: g(self.cursor.state)

    def _apply(self, event: EventData) -> None:
        cur = self.cursor
        cur.state = self.engine.effects(cur.state, event.kwargs["effect"])

    def _pass(self, event: EventData) -> None:
        self.cursor.passed.append(self.cursor.scene)

    def _entered(self, event: EventData) -> None:
        cur = self.cursor
        cur.state = self.engine.enter(cur.state, cur.scene)
        if cur.state.scene in self.engine._routes:
            if len(cur.passed) > len(self.engine.scenario.scenes):
                raise EngineError(f"the next routes from '{cur.passed[0]}' go round in a circle", cur.passed[0])
            self.machine.events["route"].trigger(cur)  # queued: runs after this transition ends

    def take(self, choice: Choice | None) -> tuple[State, tuple[str, ...]]:
        """Trigger the transition of `choice` (None: the timeout) and return the new state."""
        cur = self.cursor
        comp = self.engine.compiled(cur.scene, choice)
        cur.passed = []
        self.machine.events[_trigger(cur.scene, choice.id if choice else None)].trigger(cur, effect=comp)
        return cur.state, tuple(cur.passed)


def _trigger(scene: str, choice_id: str | None) -> str:
    return f"{scene}/{choice_id}" if choice_id is not None else f"{scene}/timeout"


def _low_bit(mask: int) -> int:
    """The position of the lowest set bit of `mask` (0 for none)."""
    return (mask & -mask).bit_length() - 1 if mask else 0


def components(succ: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of a graph, each after every component it can reach.

    Tarjan's algorithm, without recursion (a scenario may have 10,000 scenes in a chain)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    part = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        part.append(w)
                        if w == v:
                            break
                    out.append(part)
    return out
