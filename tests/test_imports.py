"""Imports go one way: cli/player -> run -> engine/loader/check/scoring -> model/guards/errors.

The pure core never imports pygame, Flask or sqlite3, never prints, never reads the clock
(style.md, "Modules and imports"). The checker reads every .py under simulator/ and scoring/
(player/ included) with `ast`, follows project imports transitively (lazy ones inside functions
too, but not `if TYPE_CHECKING:` ones, which never run), and applies the rules to everything the
core can reach. `test_each_rule_can_fire` feeds it synthetic modules, so a rule that stops firing
fails there rather than passing in silence."""

from __future__ import annotations

import ast
import textwrap
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("simulator", "scoring")

# The core (common.md): no shell, no store, no clock. vocab.py is the format's word lists that
# model.py re-exports; it is core in all but name, so it is held to the same rules.
CORE_FILES = (
    "simulator/loader.py",
    "simulator/yamlnodes.py",
    "simulator/guards.py",
    "simulator/engine.py",
    "simulator/run.py",
    "simulator/model.py",
    "simulator/errors.py",
    "simulator/paths.py",
    "simulator/vocab.py",
)


def core_files(root: Path = ROOT) -> list[str]:
    """The core's files under `root`: CORE_FILES and everything in scoring/ (recursively)."""
    listed = [f for f in CORE_FILES if (root / f).exists()]
    return sorted({*listed, *(str(p.relative_to(root)) for p in (root / "scoring").rglob("*.py"))})


# Shells sit on top: they may import anything; nothing else may import them.
SHELLS = {
    "simulator/__main__.py",
    "simulator/cli.py",
    "simulator/cli_records.py",
    "simulator/textplayer.py",
    "simulator/workshop_web.py",
}

# What each rule forbids. Modules match by name or as a prefix ("pygame" covers "pygame.font").
FORBIDDEN_IMPORTS = {
    "shell-library": ("pygame", "flask", "sqlite3"),
    "network": ("urllib.request", "http.client", "http.server", "socket", "ssl", "requests", "httpx"),
    "random": ("random",),
}
CLOCK = {
    "time.time",
    "time.time_ns",
    "time.monotonic",
    "time.monotonic_ns",
    "time.perf_counter",
    "time.perf_counter_ns",
    "time.process_time",
    "time.localtime",
    "time.gmtime",
    "time.ctime",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
}
# Referenced names, called or not: `clock=time.monotonic` reads the clock as surely as a call.
FORBIDDEN_NAMES = {
    "clock": CLOCK,
    "sleeps": {"time.sleep"},
    "unsafe-yaml": {"yaml.load", "yaml.unsafe_load", "yaml.full_load"},
}
# All randomness goes through the run's Generator (style.md, "Determinism"): numpy.random may
# only be used to build one.
NUMPY_RANDOM_ALLOWED = {
    "numpy.random",
    "numpy.random.default_rng",
    "numpy.random.Generator",
    "numpy.random.SeedSequence",
    "numpy.random.PCG64",
}
FORBIDDEN_BUILTINS = {"print": "print", "input": "input", "eval": "eval", "exec": "exec", "open": "open"}


@dataclass(frozen=True, order=True)
class Violation:
    file: str  # where the offending code is, relative to the root
    rule: str
    what: str  # the module, name or call found

    def __str__(self) -> str:
        return f"{self.file}: {self.rule}: {self.what}"


def project_files(root: Path) -> dict[str, Path]:
    """Every module under the project packages, recursively: dotted name -> file."""
    out = {}
    for pkg in PACKAGES:
        for p in sorted((root / pkg).rglob("*.py")):
            parts = p.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@dataclass
class Scan:
    imports: set[str]  # absolute dotted names, including `from X import y` as X.y
    aliases: dict[str, str]  # local name -> dotted name it was bound to
    tree: ast.Module


def scan(path: Path, name: str, is_package: bool) -> Scan:
    """Every import in the file, wherever it is, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    imports: set[str] = set()
    aliases: dict[str, str] = {}
    package = name if is_package else name.rpartition(".")[0]
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for a in node.names:
                imports.add(a.name)
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            imports.add(mod)
            for a in node.names:
                if a.name != "*":
                    imports.add(f"{mod}.{a.name}")
                    aliases[a.asname or a.name] = f"{mod}.{a.name}"
        todo.extend(ast.iter_child_nodes(node))
    return Scan(imports, aliases, tree)


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def _matches(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def local_violations(rel: str, s: Scan) -> set[Violation]:
    """What one file does that the core must not."""
    out = set()
    for mod in s.imports:
        for rule, prefixes in FORBIDDEN_IMPORTS.items():
            if _matches(mod, prefixes):
                out.add(Violation(rel, rule, mod))
    for node in ast.walk(s.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_BUILTINS and node.func.id not in s.aliases:
                out.add(Violation(rel, FORBIDDEN_BUILTINS[node.func.id], f"{node.func.id}()"))
        if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load):
            full = _dotted(node, s.aliases)
            if full is None:
                continue
            for rule, names in FORBIDDEN_NAMES.items():
                if full in names:
                    out.add(Violation(rel, rule, full))
            if _matches(full, ("numpy.random",)) and full not in NUMPY_RANDOM_ALLOWED:
                out.add(Violation(rel, "random", full))
    return out


@dataclass
class Project:
    root: Path
    files: dict[str, Path]  # dotted name -> file
    scans: dict[str, Scan]

    @classmethod
    def read(cls, root: Path) -> Project:
        files = project_files(root)
        scans = {n: scan(p, n, p.name == "__init__.py") for n, p in files.items()}
        return cls(root, files, scans)

    def rel(self, name: str) -> str:
        return str(self.files[name].relative_to(self.root))

    def name_of(self, rel: str) -> str:
        return next(n for n in self.files if self.rel(n) == rel)

    def edges(self, name: str) -> set[str]:
        """The project modules that importing `name` runs: its imports and their packages."""
        out = set()
        for mod in self.scans[name].imports:
            parts = mod.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a, then a.b, then a.b.c
                if ".".join(parts[:i]) in self.files:
                    out.add(".".join(parts[:i]))
        return out - {name}

    def closure(self, name: str) -> dict[str, str | None]:
        """Every project module that running `name` can load, with the module that led there."""
        parts = name.split(".")
        came_from: dict[str, str | None] = {name: None}
        for i in range(1, len(parts)):
            came_from.setdefault(".".join(parts[:i]), name)
        todo = deque(came_from)
        while todo:
            m = todo.popleft()
            for n in sorted(self.edges(m)):
                if n not in came_from:
                    came_from[n] = m
                    todo.append(n)
        return came_from


def purity_violations(root: Path, core: list[str]) -> dict[Violation, str]:
    """Every rule broken by the core or by what it imports, with the import chain that reaches it."""
    p = Project.read(root)
    core_names = {p.name_of(f) for f in core}
    allowed = core_names | {n for n in p.files if p.files[n].name == "__init__.py"}
    out: dict[Violation, str] = {}
    for c in sorted(core_names):
        came_from = p.closure(c)
        for m in came_from:
            chain = [m]
            while came_from[chain[-1]] is not None:
                chain.append(came_from[chain[-1]])
            via = " <- ".join(chain)
            for v in local_violations(p.rel(m), p.scans[m]):
                out.setdefault(v, via)
            if m in core_names:
                for n in p.edges(m) - allowed:
                    out.setdefault(Violation(p.rel(m), "outside-core", p.rel(n)), via)
    return out


# Known violations of the rules above, to be fixed under issue 12. This list may only shrink:
# the test fails on a new violation and also on a listed one that is gone (delete its line then).
KNOWN = {
    # issue 12: sending to an LRS is I/O; it belongs in a shell-side module, not in scoring/.
    Violation("scoring/xapi.py", "network", "urllib.request"),
    # issue 12: the retry back-off sleeps on the real clock when no `sleep` is passed in.
    Violation("scoring/xapi.py", "sleeps", "time.sleep"),
    # issue 12: the portrait vocabulary the loader validates against lives outside the core.
    Violation("simulator/loader.py", "outside-core", "simulator/portrait.py"),
    # issue 12: reports draw their charts with simulator.charts, which is not in the core.
    Violation("scoring/reports.py", "outside-core", "simulator/charts.py"),
}


def test_the_core_is_pure():
    assert all((ROOT / f).exists() for f in CORE_FILES), "a core file moved: update CORE_FILES"
    found = purity_violations(ROOT, core_files())
    new = sorted(set(found) - KNOWN)
    gone = sorted(KNOWN - set(found))
    assert not new, "the core breaks its rules:\n" + "\n".join(f"  {v}  (reached: {found[v]})" for v in new)
    assert not gone, "fixed, so remove from KNOWN in tests/test_imports.py:\n" + "\n".join(f"  {v}" for v in gone)


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, src in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(textwrap.dedent(src))
    for pkg in PACKAGES:
        for d in [root / pkg, *(q for q in (root / pkg).rglob("*") if q.is_dir())]:
            if d.is_dir() and not (d / "__init__.py").exists():
                (d / "__init__.py").write_text("")


RULE_CASES = {
    "imports-pygame": (
        {"simulator/loader.py": "import pygame\n"},
        Violation("simulator/loader.py", "shell-library", "pygame"),
    ),
    "imports-flask-from": (
        {"simulator/loader.py": "from flask import Flask\n"},
        Violation("simulator/loader.py", "shell-library", "flask"),
    ),
    "prints": (
        {"simulator/loader.py": "def f():\n    print('hi')\n"},
        Violation("simulator/loader.py", "print", "print()"),
    ),
    "time-time": (
        {"simulator/loader.py": "import time\n\ndef f():\n    return time.time()\n"},
        Violation("simulator/loader.py", "clock", "time.time"),
    ),
    "monotonic-by-name": (
        {"simulator/loader.py": "from time import monotonic as now\n\ndef f(clock=now):\n    return clock()\n"},
        Violation("simulator/loader.py", "clock", "time.monotonic"),
    ),
    "datetime-now": (
        {"simulator/loader.py": "import datetime as dt\nX = dt.datetime.now()\n"},
        Violation("simulator/loader.py", "clock", "datetime.datetime.now"),
    ),
    "date-today": (
        {"simulator/loader.py": "from datetime import date\nX = date.today()\n"},
        Violation("simulator/loader.py", "clock", "datetime.date.today"),
    ),
    "sleeps": (
        {"simulator/loader.py": "import time\nwait = time.sleep\n"},
        Violation("simulator/loader.py", "sleeps", "time.sleep"),
    ),
    "network": (
        {"simulator/loader.py": "from urllib import request\n"},
        Violation("simulator/loader.py", "network", "urllib.request"),
    ),
    "numpy-global-random": (
        {"simulator/loader.py": "import numpy as np\nX = np.random.random()\n"},
        Violation("simulator/loader.py", "random", "numpy.random.random"),
    ),
    # transitively: a core module that lazily imports a project module that imports sqlite3
    "sqlite3-two-steps-away": (
        {
            "simulator/loader.py": "def f():\n    from simulator import helper\n    return helper\n",
            "simulator/helper.py": "from simulator.sub import db\n",
            "simulator/sub/db.py": "import sqlite3\n",
        },
        Violation("simulator/sub/db.py", "shell-library", "sqlite3"),
    ),
    # relative imports are followed too
    "relative-import": (
        {"simulator/loader.py": "from . import helper\n", "simulator/helper.py": "import pygame.font\n"},
        Violation("simulator/helper.py", "shell-library", "pygame.font"),
    ),
    "outside-core": (
        {"simulator/loader.py": "import simulator.shell\n", "simulator/shell.py": "X = 1\n"},
        Violation("simulator/loader.py", "outside-core", "simulator/shell.py"),
    ),
    "scoring-is-core": (
        {"scoring/deep/calc.py": "def f():\n    print(1)\n"},
        Violation("scoring/deep/calc.py", "print", "print()"),
    ),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_each_rule_can_fire(tmp_path, case):
    files, expected = RULE_CASES[case]
    write_tree(tmp_path, {"simulator/loader.py": "X = 1\n", **files})
    found = purity_violations(tmp_path, core_files(tmp_path))
    assert expected in found, sorted(found)


def test_clean_code_and_type_checking_imports_are_not_flagged(tmp_path):
    write_tree(
        tmp_path,
        {
            "simulator/loader.py": """\
                from __future__ import annotations
                from typing import TYPE_CHECKING
                import numpy as np
                from simulator import helper

                if TYPE_CHECKING:
                    import pygame  # only for annotations: never runs

                def f(rng: np.random.Generator, log: list) -> float:
                    log.append("no print here")
                    return rng.random() + helper.X

                def g(seed):
                    return np.random.default_rng(seed)
                """,
            "simulator/helper.py": "X = 1\n",
        },
    )
    assert purity_violations(tmp_path, [*core_files(tmp_path), "simulator/helper.py"]) == {}


# module -> project modules it may import (style.md's one-way arrows, module by module)
ALLOWED = {
    "simulator/errors.py": set(),
    "simulator/guards.py": {"simulator.errors"},
    "simulator/model.py": {"simulator.guards", "simulator.vocab"},
    "simulator/vocab.py": set(),
    "simulator/paths.py": set(),
    "simulator/yamlnodes.py": {"simulator.errors"},
    "simulator/loader.py": {
        "simulator",
        "simulator.yamlnodes",
        "simulator.errors",
        "simulator.guards",
        "simulator.model",
        "simulator.portrait",
    },
    "simulator/engine.py": {"simulator.guards", "simulator.model"},
    "simulator/check.py": {
        "simulator.engine",
        "simulator.errors",
        "simulator.loader",
        "simulator.cards",
        "simulator.model",
        "simulator.lint",
    },
    "simulator/script.py": {"simulator", "simulator.yamlnodes", "simulator.errors"},
    "simulator/schema.py": {"simulator", "simulator.model", "simulator.portrait"},
    "simulator/resources.py": {"simulator.paths"},
    "simulator/portrait.py": set(),
    "simulator/store.py": set(),
    "simulator/records.py": {"simulator.store", "simulator.engine", "simulator.run"},
    "simulator/cards.py": {"simulator.loader", "simulator.store", "simulator.vocab"},
    "simulator/lint.py": {"simulator.errors", "simulator.model", "simulator.check"},
    "simulator/graph.py": {"simulator.model", "simulator.check", "simulator.lint", "scoring.compare"},
    "simulator/authortests.py": {
        "simulator",
        "simulator.errors",
        "simulator.script",
        "simulator.yamlnodes",
        "simulator.loader",
        "simulator.run",
        "simulator.engine",
        "scoring.scores",
    },
    "simulator/scaffold.py": {"simulator.model"},
    "simulator/twee.py": set(),
    "simulator/run.py": {"simulator.engine", "simulator.model", "scoring.scores"},
    "simulator/explore.py": {"simulator.engine", "simulator.errors", "simulator.loader", "scoring.analysis"},
    "simulator/charts.py": set(),
    "simulator/workshop.py": {"simulator.run"},
    "simulator/__init__.py": set(),
    "scoring/__init__.py": set(),
    "scoring/analysis.py": {"simulator.engine"},
    "scoring/scores.py": {"scoring.analysis", "simulator.run"},
    "scoring/rubric.py": {"simulator.model"},
    "scoring/feedback.py": {"scoring", "scoring.scores", "scoring.rubric", "simulator.model", "simulator.run"},
    "scoring/compare.py": {"scoring", "scoring.rubric"},
    "scoring/reports.py": {"simulator.charts"},
    "scoring/xapi.py": set(),
}


def _project_imports(rel: str) -> set[str]:
    p = Project.read(ROOT)
    name = p.name_of(rel)
    return {m for m in p.scans[name].imports if m in p.files}


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_imports_go_one_way(module):
    found = _project_imports(module)
    assert found <= ALLOWED[module], f"{module} imports {sorted(found - ALLOWED[module])}"


def is_shell(rel: str) -> bool:
    return rel in SHELLS or rel.startswith("simulator/player/")


def test_every_module_is_listed_and_nothing_imports_a_shell():
    p = Project.read(ROOT)
    every = {p.rel(n) for n in p.files}
    assert "simulator/player/app.py" in every and "scoring/scores.py" in every  # the walk is recursive
    unlisted = sorted(r for r in every - set(ALLOWED) if not is_shell(r))
    assert not unlisted, f"add these to ALLOWED in tests/test_imports.py: {unlisted}"
    assert not sorted(set(ALLOWED) - every), "ALLOWED lists modules that no longer exist"
    upward = sorted(
        f"{p.rel(n)} imports {p.rel(m)}"
        for n in p.files
        if not is_shell(p.rel(n))
        for m in p.edges(n)
        if is_shell(p.rel(m))
    )
    assert not upward, f"only shells may import shells: {upward}"
