"""Static checks behind `rehearse check`: load each file, then explore its reachable states.

The loader finds every rule a single reading can check. Two rules of the format need the
states a run can reach, so they are checked here with the engine's pure `apply_turn`:
- format: Choices: "A scene whose every choice is guarded must still offer at least one choice in
  every reachable state, or the checker reports it." (error `no-choice-offered`)
- format: Scoring dimensions: "`rehearse check` warns about a loop that can repeat forever
  without changing anything." (warning `endless-loop`)
The walk is simulator.core.search (from the unjittered start; at most MAX_STATES distinct states)."""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from simulator.authoring.walk import Walk
from simulator.core.engine import Engine, EngineError, State, StateKey
from simulator.core.errors import ScenarioError
from simulator.core.loader import read_file
from simulator.core.model import Scenario
from simulator.core.search import BROKEN, ENTER, ON_PATH, REFUSED, Edge, Search, start_state
from simulator.core.yamlnodes import no_gc, token_end

MAX_STATES = 20_000


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


def not_regular(path: Path) -> str | None:
    """Why `path` cannot be read as a file without opening it (a FIFO would block), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file (a link to nothing?)" if path.is_symlink() else "no such file or folder"
    except OSError as e:
        return f"cannot read it: {e.strerror or e}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "not a regular file (a named pipe, socket or device)"


def find_scenario_files(paths: Iterable[str]) -> Iterator[tuple[str, ScenarioError | None]]:
    """(path, problem) for each file named or found under a folder; problem is None when it can be read.

    Folders are searched as the picker searches them (simulator.core.paths.scenario_files). Entries found
    there that are not regular files (a FIFO named x.yaml would block the reader for ever) are
    skipped with a warning; a FILE named on the command line that is not one is an error."""
    from simulator.core.paths import scenario_files

    for p in paths:
        path = Path(p)
        if not os.path.lexists(path):
            yield p, ScenarioError(p, 1, 1, "no such file or folder", hint="check the path", code="not-found")
        elif (why := not_regular(path)) is not None:
            yield p, ScenarioError(p, 1, 1, why, hint="give a scenario file (.yaml) or a folder", code="not-a-file")
        elif path.is_dir():
            for f in scenario_files(path):
                why = not_regular(f)
                if why is None and f.is_dir():  # a folder named x.yaml
                    why = "a folder, not a scenario file"
                if why is None:
                    yield str(f), None
                else:
                    yield str(f), ScenarioError(str(f), 1, 1, f"skipped: {why}", code="skipped-entry")
        else:
            yield str(path), None


def check_file(path: str, *, lint: bool = True) -> FileReport:
    """Load one file and run every check on it (with `lint`, the authoring warnings too)."""
    # A large file makes millions of objects that live until the checks end, and hardly a cycle
    # (the engine's guards refer back to it): the cycle collector would rescan them all, many
    # times, for half the time of the whole check. It runs again once the checks are done.
    with no_gc():
        return _check_file(path, lint)


def _check_file(path: str, lint: bool) -> FileReport:
    scenario, diags = read_file(path)
    report = FileReport(path, scenario, list(diags))
    if scenario is not None:
        walk = Walk()
        report.diagnostics.extend(explore_checks(scenario, walk=walk))
        if lint:
            from simulator.authoring.lint import lint_scenario

            report.diagnostics.extend(lint_scenario(scenario, walk))
    # the file's text is read again for these two only where diagnostics point
    lines = SourceLines.read(path, [d.line for d in report.diagnostics]) if report.diagnostics else None
    if scenario is not None:
        report.diagnostics = silence(report.diagnostics, path, lines)
        report.diagnostics.sort(key=ScenarioError.sort_key)
    with_ranges(report.diagnostics, path, lines)
    return report


def with_ranges(diags: list[ScenarioError], path: str, lines: SourceLines | None = None) -> None:
    """Give each diagnostic of `path` that has none the end of the token it points at."""
    todo = [d for d in diags if d.end is None and d.file == path]
    if not todo:
        return
    lines = lines if lines is not None else SourceLines.read(path, [d.line for d in todo])
    if lines is None:
        return
    for d in todo:
        d.end = token_end(lines, d.line, d.col)  # type: ignore[arg-type]  # a list as token_end reads one


IGNORE = re.compile(r"#\s*rehearse:\s*ignore\[([a-z0-9, -]+)\]")


def silence(diags: list[ScenarioError], path: str, lines: SourceLines | None = None) -> list[ScenarioError]:
    """Drop warnings whose line carries `# rehearse: ignore[code]` (several codes: comma-separated)."""
    warned = [d.line for d in diags if d.severity == "warning"]
    if not warned:
        return diags
    lines = lines if lines is not None else SourceLines.read(path, warned)
    if lines is None:
        return diags
    out = []
    for d in diags:
        if d.severity == "warning" and 1 <= d.line <= len(lines):
            m = IGNORE.search(lines[d.line - 1])
            if m and d.code in {c.strip() for c in m.group(1).split(",")}:
                continue
        out.append(d)
    return out


class SourceLines:
    """The lines of a file that diagnostics point at, and the `WINDOW` after each: what `silence`
    and `token_end` read (a token can run on to later lines), without a string for every line of
    a large file, or the whole text at once. Indexed from 0 like the list `splitlines()` gives,
    with its length."""

    WINDOW = 200

    def __init__(self, kept: dict[int, str], count: int) -> None:
        self._kept, self._count = kept, count

    @classmethod
    def read(cls, path: str, rows: Iterable[int]) -> SourceLines | None:
        """The lines of `path` around 1-based `rows` (None if the file cannot be read)."""
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as f:
                return cls._scan(f, rows)
        except OSError:
            return None

    @classmethod
    def of(cls, text: str, rows: Iterable[int]) -> SourceLines:
        return cls._scan(io.StringIO(text, newline=""), rows)

    @classmethod
    def _scan(cls, pieces: Iterable[str], rows: Iterable[int]) -> SourceLines:
        # The stream gives pieces ending at \n, \r or \r\n; splitlines() splits each at the rest of
        # its breaks, and no line spans two pieces, so the lines are those of the whole text.
        wanted = sorted({r - 1 for r in rows if r >= 1})
        kept: dict[int, str] = {}
        count, w = 0, 0
        for piece in pieces:
            for line in piece.splitlines():
                while w < len(wanted) and wanted[w] + cls.WINDOW < count:
                    w += 1
                if w < len(wanted) and wanted[w] <= count:
                    kept[count] = line
                count += 1
        return cls(kept, count)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> str:
        return self._kept.get(i, "")


def explore_checks(scenario: Scenario, max_states: int | None = None, walk: Walk | None = None) -> list[ScenarioError]:
    """Problems only a walk through the reachable states can find; fills `walk` if given."""
    max_states = MAX_STATES if max_states is None else max_states
    walk = walk if walk is not None else Walk()
    engine = Engine(scenario)
    file = scenario.path
    out: dict[tuple, ScenarioError] = {}
    try:
        first, passed = start_state(engine)
    except EngineError as e:
        walk.complete = False
        return [_next_loop(scenario, e, scenario.start)]
    walk.scenes.update(passed)
    # the start always counts, so a budget below one state still walks the start's moves
    search = Search(engine, first, max(1, max_states), reverse=True)
    for kind, s, key, edge in search:
        if kind == ENTER:
            _entered(engine, s, key, walk, out)
        elif edge is not None:
            if edge.status == BROKEN:
                assert edge.error is not None
                out.setdefault(("next-loop", edge.error.scene), _next_loop(scenario, edge.error, s.scene))
                continue
            walk.scenes.update(edge.passed)
            walk.edges[key].append(edge.key)
            if edge.status == ON_PATH:
                out.setdefault(("loop", s.scene, id(edge.move.effect)), _endless_loop(file, s, edge))
            elif edge.status == REFUSED:
                walk.complete = False
                out.setdefault(
                    ("incomplete",),
                    ScenarioError(
                        file,
                        1,
                        1,
                        f"too many possible states to check every path; checked the first {max_states:,}",
                        "split very large scenarios, or reduce loops that count without limit",
                        "search-incomplete",
                    ),
                )
    return list(out.values())


def _entered(engine: Engine, s: State, key: StateKey, walk: Walk, out: dict[tuple, ScenarioError]) -> None:
    """Record a state the search entered; a scene reached with nothing offered is an error."""
    scene = engine.scene(s)
    walk.scenes.add(s.scene)
    walk.scene_of[key] = s.scene
    walk.edges.setdefault(key, [])
    if scene.ending is not None:
        walk.endings.add(key)
        return
    # each guard once: its outcome for the lint, and with `once`, whether the choice is offered
    # (as Engine.offered decides it)
    offered = False
    for c, comp, g in engine._choices.get(s.scene, ()):
        holds = True
        if g is not None:
            holds = bool(g(s))
            walk.guards.setdefault((s.scene, c.id), set()).add(holds)
        if holds and not (c.once and s.chosen >> comp.index & 1):
            walk.offered.add((s.scene, c.id))
            offered = True
    if not offered:
        out.setdefault(
            ("stuck", s.scene),
            ScenarioError(
                engine.scenario.path,
                scene.at.line,
                scene.at.col,
                f"scene '{s.scene}' can be reached in a state where none of its choices is offered "
                f"(after {s.turns} turn{'s' if s.turns != 1 else ''}), so an untimed run gets stuck",
                "give one choice no 'if' and no 'once', or loosen a guard",
                "no-choice-offered",
                subjects={"scene": s.scene},
            ),
        )


def _next_loop(scenario: Scenario, e: EngineError, scene: str) -> ScenarioError:
    """`next` routes that go round in a circle, at the scene they start from (else `scene`)."""
    sc = scenario.scenes[e.scene or scene]
    return ScenarioError(
        scenario.path,
        sc.at.line,
        sc.at.col,
        str(e),
        "give one of the next routes a way out",
        "next-loop",
        subjects={"scene": sc.id},
    )


def _endless_loop(file: str, s: State, edge: Edge) -> ScenarioError:
    at = edge.move.effect.at
    label = f"choice '{edge.move.effect.id}'" if hasattr(edge.move.effect, "id") else "the timeout"
    return ScenarioError(
        file,
        at.line,
        at.col,
        f"{label} in scene '{s.scene}' can lead back to exactly the same "
        "moment, so the conversation could repeat forever without anything changing",
        "make the loop change something: `once: true`, a flag, or a mood change",
        "endless-loop",
        subjects={"scene": s.scene, **({"choice": edge.move.effect.id} if hasattr(edge.move.effect, "id") else {})},
    )
