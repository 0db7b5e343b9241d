"""Run: one playthrough of a scenario. The players' only API.

Like ink's Story, the host owns the loop:

    run = Run(scenario, seed=7)
    while not run.ended:
        view = run.view()                       # what to show
        run.choose(pick(view.choices), noticed=[...])   # or run.wait() when the timeout fires
    log = run.log()

The run holds the seed, the one `numpy.random.Generator`, the state machine and the record of
turns; it emits a `TurnEvent` per turn to subscribers (a store, an exporter, a player).
It never reads files, keys or the clock: elapsed time is an input.

Replay rebuilds a run from the turns of a log: the one loop behind rewind, resume, `--watch`,
`rehearse test` and the golden playthroughs (`replay(scenario, log)`, below)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from scoring.compare import MAX_ELAPSED_MS, LogError
from simulator.core.engine import Engine, EngineError, SceneMachine, State
from simulator.core.model import Choice, Cue, Ending, Scenario, Scene
from simulator.core.played import Played, Turn, ending_of

__all__ = [
    "LOG_FORMAT",
    "MODES",
    "LogError",
    "Played",
    "Replayed",
    "Run",
    "SceneView",
    "Turn",
    "TurnEvent",
    "draw_seed",
    "replay",
]

LOG_FORMAT = "rehearse-log/1"
MODES = ("coach", "assess")


@dataclass(frozen=True, slots=True)
class SceneView:
    """What a player shows before a decision (or at the ending)."""

    scene: Scene
    passed: tuple[Scene, ...]  # `next` scenes passed through on the way here, to show first
    cues: tuple[Cue, ...]  # cues the teacher may mark now
    choices: tuple[Choice, ...]  # offered now, in file order
    timeout_seconds: float | None  # only when the run is timed and the scene has a timeout
    ending: Ending | None
    turn: int  # turns taken so far

    @property
    def lines(self) -> tuple[tuple[str, str], ...]:
        """(kind, text) pairs in order: kind is 'narration' or 'student'."""
        out = []
        for s in (*self.passed, self.scene):
            if s.narration:
                out.append(("narration", s.narration))
            if s.student:
                out.append(("student", s.student))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class TurnEvent:
    """Emitted after every turn, and again when notes or consent are added to the run. `ended` is
    true once the run has reached an ending; `log` is the run's log as of this event, built once
    for every listener."""

    run: Run
    turn: Turn | None  # None: consent was given or withdrawn before the first turn
    ended: bool
    log: dict[str, Any]


def draw_seed() -> int:
    """A fresh seed for a run that was given none; it is logged so the run can be replayed."""
    return secrets.randbelow(2**31)


class Run:
    """One playthrough: seed, generator, state machine, cues noticed, turns taken."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        mode: str = "coach",
        timed: bool = False,
        engine: Engine | None = None,
        shuffle: bool = False,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.scenario = scenario
        self.shuffle = shuffle  # show choices in a per-run order, so the best move is not always first
        self.seed = draw_seed() if seed is None else int(seed)
        self.mode = mode
        self.timed = timed
        self.engine = engine or Engine(scenario)
        self.rng = np.random.default_rng(self.seed)
        self.start_state, self._passed = self.engine.start(self.rng)
        self._machine = SceneMachine(self.engine, self.start_state)
        self.turns: list[Turn] = []
        self._shown: dict[str, Cue] = {}  # every cue shown so far, in order
        self._noticed: dict[str, None] = {}  # ordered set of noticed cue ids
        self._listeners: list[Callable[[TurnEvent], None]] = []
        self._notes: dict[int, dict[str, object]] = {}  # turn number -> extra log keys (a workshop's votes)
        self._share = False  # the teacher agreed to share reflections, without names, in reports
        self._show_cues()

    # --- reading -------------------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._machine.cursor.state

    @property
    def ended(self) -> bool:
        return self.engine.ended(self.state)

    @property
    def ending(self) -> Ending | None:
        return ending_of(self.scenario, self.engine, self.state)

    @property
    def coaching(self) -> bool:
        """Whether a choice's feedback is shown at once (coach mode) or held for the debrief."""
        return self.mode == "coach"

    @property
    def mood(self) -> MappingProxyType[str, float]:
        return MappingProxyType(self.engine.mood_dict(self.state.mood))

    @property
    def flags(self) -> MappingProxyType[str, bool | int]:
        return self.engine.flags_dict(self.state)

    @property
    def critical(self) -> bool:
        """Whether a critical safety error was taken: the run "needs another run"."""
        return any(t.critical for t in self.turns)

    def played(self) -> Played:
        """The run so far as values, for scoring and feedback."""
        return Played(
            self.scenario,
            self.engine,
            self.start_state,
            self.state,
            tuple(self.turns),
            tuple(self._shown.values()),
            tuple(self._noticed),
        )

    def offered_choices(self) -> tuple[Choice, ...]:
        return () if self.ended else self.engine.offered(self.state)

    def shown_choices(self) -> tuple[Choice, ...]:
        """The offered choices in the order players show them: the file's order, or with `shuffle` a
        fixed order per run and scene (stable across revisits), drawn from the seed without touching
        the run's generator, so logs stay the same."""
        offered = self.offered_choices()
        if not self.shuffle:
            return offered
        import hashlib

        def key(c: Choice) -> bytes:
            return hashlib.sha256(f"{self.seed}/{self.state.scene}/{c.id}".encode()).digest()

        return tuple(sorted(offered, key=key))

    def view(self) -> SceneView:
        scene = self.engine.scene(self.state)
        passed = tuple(self.scenario.scenes[s] for s in self._passed)
        timeout = scene.timeout.seconds if (self.timed and scene.timeout and not self.ended) else None
        return SceneView(scene, passed, self._markable(), self.shown_choices(), timeout, self.ending, len(self.turns))

    def _markable(self) -> tuple[Cue, ...]:
        if self.ended:
            return ()
        cues: list[Cue] = []
        for sid in (*self._passed, self.state.scene):
            cues.extend(self.scenario.scenes[sid].cues)
        return tuple(cues)

    def _show_cues(self) -> None:
        for c in self._markable():
            self._shown.setdefault(c.id, c)

    @property
    def cues_shown(self) -> tuple[Cue, ...]:
        return tuple(self._shown.values())

    @property
    def noticed(self) -> tuple[str, ...]:
        return tuple(self._noticed)

    @property
    def hits(self) -> tuple[Cue, ...]:
        return self.played().hits

    @property
    def misses(self) -> tuple[Cue, ...]:
        return self.played().misses

    @property
    def false_alarms(self) -> tuple[Cue, ...]:
        return self.played().false_alarms

    def raw_scores(self) -> dict[str, int]:
        """Each dimension's raw score so far (format: Scoring dimensions; noticing includes cues)."""
        return self.played().raw_scores()

    # --- playing -------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[TurnEvent], None]) -> Callable[[], None]:
        """Call `listener` after every turn; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self) -> None:
        if self._listeners:
            event = TurnEvent(self, self.turns[-1] if self.turns else None, self.ended, self.log())
            for listener in list(self._listeners):
                listener(event)

    @property
    def share_reflections(self) -> bool:
        """Whether the teacher agreed to share this run's reflections, without names, in reports."""
        return self._share

    @property
    def turn_notes(self) -> MappingProxyType[int, dict[str, object]]:
        """Notes added to turns (turn number -> extra log keys), such as a workshop's votes."""
        return MappingProxyType(self._notes)

    def consent(self, share: bool) -> None:
        """Record the teacher's answer on sharing reflections; subscribers save it with the run."""
        if bool(share) != self._share:
            self._share = bool(share)
            self._emit()

    def annotate(self, turn: int, notes: Mapping[str, object]) -> None:
        """Add keys to the log of turn number `turn` (1-based); subscribers save them with the run."""
        if not 1 <= turn <= len(self.turns):
            raise ValueError(f"no turn {turn}: the run has {len(self.turns)} turn(s)")
        clash = set(notes) & TURN_KEYS
        if clash:
            raise ValueError(f"notes cannot replace what the turn logs: {', '.join(sorted(clash))}")
        self._notes.setdefault(turn, {}).update(notes)
        self._emit()

    def find_choice(self, ref: str | int | Choice) -> Choice:
        """The offered choice meant by `ref`: an id, a 1-based position in the scene, or a Choice.

        format: Command-line contract, --script: "an integer means the id it has by position"."""
        if self.ended:
            raise EngineError("the run has ended; there are no more choices", self.state.scene)
        scene = self.engine.scene(self.state)
        offered = self.offered_choices()
        found: Choice | None = None
        if isinstance(ref, Choice):
            found = ref
        elif isinstance(ref, int) and not isinstance(ref, bool):
            found = next((c for c in scene.choices or () if c.position == ref), None)
        else:
            found = scene.choice(str(ref))
        if found is None or all(found is not c for c in offered):
            ids = tuple(c.id for c in offered)
            what = f"choice '{ref.id if isinstance(ref, Choice) else ref}'"
            why = "is not offered now" if found is not None else "does not exist in this scene"
            raise EngineError(f"{what} {why} in scene '{scene.id}'; offered: {', '.join(ids) or 'none'}", scene.id, ids)
        return found

    def choose(
        self,
        ref: str | int | Choice,
        *,
        noticed: Iterable[str] = (),
        reflection: str | None = None,
        elapsed_ms: int = 0,
        notes: Mapping[str, object] | None = None,
    ) -> Turn:
        """Take an offered choice (by id, position or object); return the turn it made. `notes` are
        extra keys for the turn's log (a workshop's votes), saved with the turn."""
        return self._turn(self.find_choice(ref), noticed, reflection, elapsed_ms, notes)

    def wait(
        self,
        *,
        noticed: Iterable[str] = (),
        reflection: str | None = None,
        elapsed_ms: int = 0,
        notes: Mapping[str, object] | None = None,
    ) -> Turn:
        """Let the scene's timeout fire (format: Scenes, `timeout`: what silence does)."""
        if self.ended:
            raise EngineError("the run has ended", self.state.scene)
        scene = self.engine.scene(self.state)
        if scene.timeout is None:
            ids = tuple(c.id for c in self.offered_choices())
            raise EngineError(
                f"scene '{scene.id}' has no timeout, so waiting does nothing; offered: {', '.join(ids)}", scene.id, ids
            )
        return self._turn(None, noticed, reflection, elapsed_ms, notes)

    def _turn(
        self,
        choice: Choice | None,
        noticed: Iterable[str],
        reflection: str | None,
        elapsed_ms: int,
        notes: Mapping[str, object] | None = None,
    ) -> Turn:
        if notes and set(notes) & TURN_KEYS:
            raise ValueError(f"notes cannot replace what the turn logs: {', '.join(sorted(set(notes) & TURN_KEYS))}")
        marks = self._check_noticed(noticed)
        before = self.state
        scene = self.engine.scene(before)
        after, passed = self._machine.take(choice)
        for cid in marks:
            self._noticed.setdefault(cid, None)
        eff = choice if choice is not None else scene.timeout
        assert eff is not None
        turn = Turn(
            number=len(self.turns) + 1,
            scene=scene.id,
            choice=choice,
            noticed=marks,
            reflection=reflection if reflection else None,
            mood_before=MappingProxyType(self.engine.mood_dict(before.mood)),
            mood_after=MappingProxyType(self.engine.mood_dict(after.mood)),  # routing never changes mood
            elapsed_ms=int(elapsed_ms),
            score=MappingProxyType(dict(eff.score)),
            feedback=eff.feedback,
            to=after.scene,
            passed=passed,
        )
        self.turns.append(turn)
        if notes:
            self._notes[turn.number] = dict(notes)
        self._passed = passed
        self._show_cues()
        self._emit()
        return turn

    def _check_noticed(self, noticed: Iterable[str]) -> tuple[str, ...]:
        if isinstance(noticed, str):
            noticed = (noticed,)
        here = [c.id for c in self._markable()]
        marks: list[str] = []
        for cid in noticed:
            if cid not in here:
                shown = ", ".join(here) or "none"
                raise EngineError(
                    f"cue '{cid}' is not shown in scene '{self.state.scene}'; cues here: {shown}", self.state.scene
                )
            if cid not in marks:
                marks.append(cid)
        return tuple(marks)

    # --- replaying -------------------------------------------------------------------------------

    def rewind(self, turns: int) -> Run:
        """A new run with the same seed that has replayed the first `turns` turns of this one.

        This run is kept as it is; the two can be compared."""
        if not 0 <= turns <= len(self.turns):
            raise ValueError(f"can rewind to 0..{len(self.turns)} turns, not {turns}")
        log = {
            "seed": self.seed,
            "mode": self.mode,
            "timed": self.timed,
            "share_reflections": self._share,
            "turns": [{**t.as_log(), **self._notes.get(t.number, {})} for t in self.turns[:turns]],
        }
        return replay(self.scenario, log, shuffle=self.shuffle, engine=self.engine).run

    # --- the record ------------------------------------------------------------------------------

    def log(self, *, bounds: bool | None = None) -> dict[str, Any]:  # Any: JSON, read by key
        """The run as the format's log (rehearse-log/1), ready for JSON.

        Score bounds need a search of the scenario; by default they are included once the run has
        ended (an unfinished run's log, saved after every turn, has the raw scores only)."""
        from scoring.scores import score_run

        score = score_run(self.played(), bounds=self.ended if bounds is None else bounds)
        return {
            "format": LOG_FORMAT,
            "scenario": {"id": self.scenario.id, "sha256": self.scenario.sha256},
            "seed": self.seed,
            "mode": self.mode,
            "timed": self.timed,
            "turns": [{**t.as_log(), **self._notes.get(t.number, {})} for t in self.turns],
            "ending": self.ending.id if self.ending else None,
            "outcome": self.ending.outcome if self.ending else None,
            "critical": self.critical,
            "score": score.as_log(),
            "cues": {"missed": [c.id for c in self.misses], "false_alarms": [c.id for c in self.false_alarms]},
            "share_reflections": self._share,
        }


# --- replay ----------------------------------------------------------------------------------------

# Keys of a logged turn that describe it; any other key is a note added to it (a workshop's votes).
TURN_KEYS = frozenset(
    {"scene", "choice", "noticed", "reflection", "mood_before", "mood_after", "elapsed_ms", "score", "to", "passed"}
)


@dataclass(frozen=True)
class Replayed:
    run: Run
    taken: int  # turns replayed
    stopped: EngineError | None = None  # the turn after the last one taken could not be taken
    ended_early: bool = False  # the run reached an ending with turns of the log left over


def replay(
    scenario: Scenario, log: Mapping[str, Any], *, shuffle: bool = False, engine: Engine | None = None
) -> Replayed:
    """The run of `log` on `scenario`: same seed, mode and timing, the logged turns taken again,
    with their notes and the teacher's consent carried over."""
    seed, mode, timed, turns = _read(log)
    run = Run(scenario, seed=seed, mode=mode, timed=timed, engine=engine, shuffle=shuffle)
    if log.get("share_reflections") is True:
        run.consent(True)
    for n, t in enumerate(turns):
        if run.ended:
            return Replayed(run, n, ended_early=True)
        notes = {k: v for k, v in t.items() if k not in TURN_KEYS}
        kw: dict[str, Any] = dict(
            noticed=t["noticed"], reflection=t["reflection"], elapsed_ms=t["elapsed_ms"], notes=notes or None
        )
        try:
            if t["choice"] is None:
                run.wait(**kw)
            else:
                run.choose(t["choice"], **kw)
        except EngineError as e:
            return Replayed(run, n, stopped=e)
    return Replayed(run, len(turns))


def _read(log: Mapping[str, Any]) -> tuple[int, str, bool, list[dict[str, Any]]]:
    """What replay reads from a log, checked: it may come from a file anyone could have written."""
    if not isinstance(log, Mapping):
        raise LogError("not a run log (expected a JSON object)")
    seed = log.get("seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**128:
        raise LogError(f"damaged run log: seed should be a whole number from 0, found {_show(seed)}")
    mode = log.get("mode", "coach")
    if mode not in MODES:
        raise LogError(f"damaged run log: mode should be one of {', '.join(MODES)}, found {_show(mode)}")
    timed = log.get("timed", False)
    if not isinstance(timed, bool):
        raise LogError(f"damaged run log: timed should be true or false, found {_show(timed)}")
    turns = log.get("turns", [])
    if not isinstance(turns, Sequence) or isinstance(turns, (str, bytes)):
        raise LogError(f"damaged run log: turns should be a list, found {_show(turns)}")
    return seed, mode, timed, [_turn(t, i) for i, t in enumerate(turns)]


def _turn(t: object, i: int) -> dict[str, Any]:
    where = f"damaged run log: turns[{i}]"
    if not isinstance(t, Mapping):
        raise LogError(f"{where} should be an object, found {_show(t)}")
    choice = t.get("choice")
    if choice is not None and (isinstance(choice, bool) or not isinstance(choice, (str, int))):
        raise LogError(f"{where}.choice should be a choice id or null, found {_show(choice)}")
    noticed = t.get("noticed") or []
    if not isinstance(noticed, (list, tuple)) or not all(isinstance(c, str) for c in noticed):
        raise LogError(f"{where}.noticed should be a list of cue ids, found {_show(noticed)}")
    reflection = t.get("reflection")
    if reflection is not None and not isinstance(reflection, str):
        raise LogError(f"{where}.reflection should be text or null, found {_show(reflection)}")
    elapsed = t.get("elapsed_ms", 0)
    if isinstance(elapsed, bool) or not isinstance(elapsed, int) or not 0 <= elapsed <= MAX_ELAPSED_MS:
        raise LogError(f"{where}.elapsed_ms should be a whole number of milliseconds, found {_show(elapsed)}")
    return {**t, "choice": choice, "noticed": tuple(noticed), "reflection": reflection, "elapsed_ms": elapsed}


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
