"""Static checks behind `rehearse check`: load each file, then explore its reachable states.

The loader finds every rule a single reading can check. Two rules of the format need the
states a run can reach, so they are checked here with the engine's pure `apply_turn`:
- format: Choices: "A scene whose every choice is guarded must still offer at least one choice in
  every reachable state, or the checker reports it." (error `no-choice-offered`)
- format: Scoring dimensions: "`rehearse check` warns about a loop that can repeat forever
  without changing anything." (warning `endless-loop`)
The search starts from the unjittered starting mood and stops after MAX_STATES distinct states.

May import: loader, engine, model, errors, numpy, the standard library."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from simulator.engine import Engine, EngineError, State
from simulator.errors import ScenarioError
from simulator.loader import read_file
from simulator.model import Scenario

MAX_STATES = 20_000
SCENARIO_SUFFIXES = (".yaml", ".yml")


@dataclass
class FileReport:
    path: str
    scenario: Scenario | None
    diagnostics: list[ScenarioError] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


def find_scenario_files(paths: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """(path, problem) for each file named or found under a folder; problem is None when readable.

    Folders are searched recursively for *.yaml and *.yml, sorted, without following links that
    lead outside the folder."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            root = path.resolve()
            found = []
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if name.endswith(SCENARIO_SUFFIXES) and not name.startswith("."):
                        f = Path(dirpath) / name
                        if f.is_symlink() and not f.resolve().is_relative_to(root):
                            continue
                        found.append(f)
            yield from ((str(f), None) for f in sorted(found))
        elif path.exists():
            yield str(path), None
        else:
            yield str(path), "no such file or folder"


def check_file(path: str) -> FileReport:
    """Load one file and run every check on it."""
    scenario, diags = read_file(path)
    report = FileReport(path, scenario, list(diags))
    if scenario is not None:
        report.diagnostics.extend(explore_checks(scenario))
        report.diagnostics.sort(key=ScenarioError.sort_key)
    return report


def explore_checks(scenario: Scenario, max_states: int = MAX_STATES) -> list[ScenarioError]:
    """Problems only a walk through the reachable states can find."""
    engine = Engine(scenario)
    file = scenario.path
    out: dict[tuple, ScenarioError] = {}
    start = engine.start_mood.copy()
    start.flags.writeable = False
    s0 = State(
        scenario.start,
        start,
        start,
        tuple(scenario.flags.values()),
        0,
        engine.scene_bit[scenario.start],
        0,
        (0,) * len(engine.dims),
    )
    try:
        first, _ = engine.route(s0)
    except EngineError as e:
        sc = scenario.scenes[e.scene or scenario.start]
        return [
            ScenarioError(file, sc.at.line, sc.at.col, str(e), "give one of the next routes a way out", "next-loop")
        ]
    seen: set[tuple] = {engine.key(first)}
    on_path: set[tuple] = set()
    # iterative depth-first search: (state, moves left to try)
    stack: list[tuple[State, list]] = []

    def push(s: State) -> None:
        scene = engine.scene(s)
        if scene.ending is not None:
            return
        moves = engine.offered_effects(s)
        if not engine.offered(s):
            k = ("stuck", s.scene)
            if k not in out:
                out[k] = ScenarioError(
                    file,
                    scene.at.line,
                    scene.at.col,
                    f"scene '{s.scene}' can be reached in a state where none of its choices is offered "
                    f"(after {s.turns} turn{'s' if s.turns != 1 else ''}), so an untimed run gets stuck",
                    "give one choice no 'if' and no 'once', or loosen a guard",
                    "no-choice-offered",
                )
        on_path.add(engine.key(s))
        stack.append((s, moves))

    push(first)
    while stack:
        s, moves = stack[-1]
        if not moves:
            on_path.discard(engine.key(s))
            stack.pop()
            continue
        comp = moves.pop()
        try:
            child, _ = engine.apply_turn(s, comp)
        except EngineError as e:
            sc = scenario.scenes[e.scene or s.scene]
            out.setdefault(
                ("next-loop", e.scene),
                ScenarioError(
                    file, sc.at.line, sc.at.col, str(e), "give one of the next routes a way out", "next-loop"
                ),
            )
            continue
        key = engine.key(child)
        if key in on_path:
            at = comp.effect.at
            label = f"choice '{comp.effect.id}'" if hasattr(comp.effect, "id") else "the timeout"
            out.setdefault(
                ("loop", s.scene, id(comp.effect)),
                ScenarioError(
                    file,
                    at.line,
                    at.col,
                    f"{label} in scene '{s.scene}' can lead back to exactly the same "
                    "moment, so the conversation could repeat forever without anything changing",
                    "make the loop change something: `once: true`, a flag, or a mood change",
                    "endless-loop",
                    "warning",
                ),
            )
            continue
        if key in seen:
            continue
        if len(seen) >= max_states:
            out.setdefault(
                ("incomplete",),
                ScenarioError(
                    file,
                    1,
                    1,
                    f"too many possible states to check every path; checked the first {max_states:,}",
                    "split very large scenarios, or reduce loops that count without limit",
                    "search-incomplete",
                    "warning",
                ),
            )
            continue
        seen.add(key)
        push(child)
    return list(out.values())
