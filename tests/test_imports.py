"""Layers are folders, and imports go down: shells -> authoring | records -> session -> scoring -> core.

An import may go to a lower layer, or sideways within its own folder; authoring and records are
side by side and never import each other. The pure layers (core, scoring, session) never import
pygame, Flask or sqlite3, never print, never read the clock or numpy's global random state
(style.md, "Modules and imports"). The checker reads every .py under simulator/ and scoring/ with
`ast`, follows project imports transitively (lazy ones inside functions too, but not
`if TYPE_CHECKING:` ones, which never run), and applies the rules to everything a pure module can
reach. `test_each_rule_can_fire` and `test_each_layer_rule_can_fire` feed it synthetic modules, so
a rule that stops firing fails there rather than passing in silence."""

from __future__ import annotations

import ast
import textwrap
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator.core.engine import components

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("simulator", "scoring")

# The pure layers, by folder: everything under these prefixes.
PURE = ("simulator/core/", "simulator/session/", "scoring/")


def core_files(root: Path = ROOT) -> list[str]:
    """Every file of the pure layers under `root`, recursively."""
    return sorted(
        str(p.relative_to(root))
        for pkg in PACKAGES
        for p in (root / pkg).rglob("*.py")
        if str(p.relative_to(root)).startswith(PURE)
    )


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
    type_imports: set[str]  # the same, but only under `if TYPE_CHECKING:` (never run; still a dependency)
    aliases: dict[str, str]  # local name -> dotted name it was bound to
    tree: ast.Module


def scan(path: Path, name: str, is_package: bool) -> Scan:
    """Every import in the file, wherever it is, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    imports: set[str] = set()
    type_imports: set[str] = set()
    aliases: dict[str, str] = {}
    package = name if is_package else name.rpartition(".")[0]
    todo: list[tuple[ast.AST, bool]] = [(tree, False)]
    while todo:
        node, typing_only = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend((n, True) for n in node.body)
            todo.extend((n, typing_only) for n in node.orelse)
            continue
        if typing_only:
            if isinstance(node, ast.Import):
                type_imports.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                type_imports.add(node.module)
                type_imports.update(f"{node.module}.{a.name}" for a in node.names)
            todo.extend((n, True) for n in ast.iter_child_nodes(node))
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
        todo.extend((n, False) for n in ast.iter_child_nodes(node))
    return Scan(imports, type_imports, aliases, tree)


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

    def edges(self, name: str, *, typing: bool = False) -> set[str]:
        """The project modules that importing `name` runs: its imports and their packages
        (with typing=True, also those it names only for type checking)."""
        out = set()
        scan = self.scans[name]
        for mod in scan.imports | (scan.type_imports if typing else set()):
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
KNOWN: set[Violation] = set()


def test_the_core_is_pure():
    assert "simulator/core/loader.py" in core_files() and "simulator/session/run.py" in core_files()
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
        {"simulator/core/loader.py": "import pygame\n"},
        Violation("simulator/core/loader.py", "shell-library", "pygame"),
    ),
    "imports-flask-from": (
        {"simulator/core/loader.py": "from flask import Flask\n"},
        Violation("simulator/core/loader.py", "shell-library", "flask"),
    ),
    "prints": (
        {"simulator/core/loader.py": "def f():\n    print('hi')\n"},
        Violation("simulator/core/loader.py", "print", "print()"),
    ),
    "time-time": (
        {"simulator/core/loader.py": "import time\n\ndef f():\n    return time.time()\n"},
        Violation("simulator/core/loader.py", "clock", "time.time"),
    ),
    "monotonic-by-name": (
        {"simulator/core/loader.py": "from time import monotonic as now\n\ndef f(clock=now):\n    return clock()\n"},
        Violation("simulator/core/loader.py", "clock", "time.monotonic"),
    ),
    "datetime-now": (
        {"simulator/core/loader.py": "import datetime as dt\nX = dt.datetime.now()\n"},
        Violation("simulator/core/loader.py", "clock", "datetime.datetime.now"),
    ),
    "date-today": (
        {"simulator/core/loader.py": "from datetime import date\nX = date.today()\n"},
        Violation("simulator/core/loader.py", "clock", "datetime.date.today"),
    ),
    "sleeps": (
        {"simulator/core/loader.py": "import time\nwait = time.sleep\n"},
        Violation("simulator/core/loader.py", "sleeps", "time.sleep"),
    ),
    "network": (
        {"simulator/core/loader.py": "from urllib import request\n"},
        Violation("simulator/core/loader.py", "network", "urllib.request"),
    ),
    "numpy-global-random": (
        {"simulator/core/loader.py": "import numpy as np\nX = np.random.random()\n"},
        Violation("simulator/core/loader.py", "random", "numpy.random.random"),
    ),
    # transitively: a core module that lazily imports a project module that imports sqlite3
    "sqlite3-two-steps-away": (
        {
            "simulator/core/loader.py": "def f():\n    from simulator import helper\n    return helper\n",
            "simulator/helper.py": "from simulator.sub import db\n",
            "simulator/sub/db.py": "import sqlite3\n",
        },
        Violation("simulator/sub/db.py", "shell-library", "sqlite3"),
    ),
    # relative imports are followed too
    "relative-import": (
        {"simulator/core/loader.py": "from . import helper\n", "simulator/core/helper.py": "import pygame.font\n"},
        Violation("simulator/core/helper.py", "shell-library", "pygame.font"),
    ),
    "outside-core": (
        {"simulator/core/loader.py": "import simulator.shell\n", "simulator/shell.py": "X = 1\n"},
        Violation("simulator/core/loader.py", "outside-core", "simulator/shell.py"),
    ),
    "scoring-is-core": (
        {"scoring/deep/calc.py": "def f():\n    print(1)\n"},
        Violation("scoring/deep/calc.py", "print", "print()"),
    ),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_each_rule_can_fire(tmp_path, case):
    files, expected = RULE_CASES[case]
    write_tree(tmp_path, {"simulator/core/loader.py": "X = 1\n", **files})
    found = purity_violations(tmp_path, core_files(tmp_path))
    assert expected in found, sorted(found)


def test_clean_code_and_type_checking_imports_are_not_flagged(tmp_path):
    write_tree(
        tmp_path,
        {
            "simulator/core/loader.py": """\
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


# --- layers ---------------------------------------------------------------------------------

# Folder prefix -> rank. A module may import a strictly lower rank, or its own folder.
LAYERS = {
    "simulator/__init__.py": 0,  # the version only
    "simulator/core/": 0,
    "scoring/": 1,
    "simulator/session/": 2,
    "simulator/authoring/": 3,
    "simulator/records/": 3,
    "simulator/shells/": 4,
    "simulator/__main__.py": 5,
}


def layer_of(rel: str) -> str:
    found = [prefix for prefix in LAYERS if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix))]
    assert found, f"{rel} is in no layer: put it in a layer folder (tests/test_imports.py LAYERS)"
    return max(found, key=len)


def _room(rel: str) -> str:
    """The folder a module sits in, for 'sideways within its layer' (a package's __init__ belongs to it)."""
    return layer_of(rel)


def layer_violations(root: Path) -> set[Violation]:
    p = Project.read(root)
    out = set()
    for n in p.files:
        here = p.rel(n)
        for m in p.edges(n, typing=True):
            there = p.rel(m)
            if there.endswith("__init__.py"):
                continue  # package docstrings (test_layer_packages_hold_only_a_docstring)
            a, b = layer_of(here), layer_of(there)
            if a == b or LAYERS[b] < LAYERS[a]:
                continue
            if there.endswith("__init__.py") and here.startswith(str(Path(there).parent) + "/"):
                continue  # a package's own __init__ runs first anyway
            out.add(Violation(here, "upward" if LAYERS[b] > LAYERS[a] else "sideways", there))
    return out


def import_cycles(root: Path) -> set[tuple[str, ...]]:
    """Groups of files that import each other (strongly connected components of size > 1)."""
    p = Project.read(root)
    graph = {
        p.rel(n): {p.rel(m) for m in p.edges(n, typing=True) if not p.rel(m).endswith("__init__.py")} for n in p.files
    }
    for targets in list(graph.values()):
        for t in targets:
            graph.setdefault(t, set())
    return {tuple(sorted(group)) for group in components(graph) if len(group) > 1}


# Known breaks of the layer rule and known cycles, to be fixed under issue 12. This list may only
# shrink: the test fails on a new one and also on a listed one that is gone (delete its line then).
KNOWN_LAYERS: set[Violation] = set()
KNOWN_CYCLES: set[tuple[str, str]] = set()


def test_imports_go_down_the_layers():
    found = layer_violations(ROOT)
    new, gone = sorted(found - KNOWN_LAYERS), sorted(KNOWN_LAYERS - found)
    assert not new, "imports that go up or sideways between layers:\n" + "\n".join(f"  {v}" for v in new)
    assert not gone, "fixed, so remove from KNOWN_LAYERS:\n" + "\n".join(f"  {v}" for v in gone)


def test_no_new_import_cycles():
    found = import_cycles(ROOT)
    new, gone = sorted(found - KNOWN_CYCLES), sorted(KNOWN_CYCLES - found)
    assert not new, f"files that import each other: {new}"
    assert not gone, f"fixed, so remove from KNOWN_CYCLES: {gone}"


def test_every_file_is_in_a_layer_and_the_walk_is_recursive():
    p = Project.read(ROOT)
    every = {p.rel(n) for n in p.files}
    assert "simulator/shells/player/app.py" in every and "scoring/scores.py" in every
    for rel in every:
        layer_of(rel)
    assert not [f for f in (ROOT / "simulator").glob("*.py") if f.name not in ("__init__.py", "__main__.py")], (
        "a module at simulator/'s top level: put it in a layer folder"
    )


def test_the_window_never_loads_flask():
    p = Project.read(ROOT)
    for n in p.files:
        if p.rel(n).startswith("simulator/shells/player/"):
            reached = p.closure(n)
            flask = [m for m in reached if any(i == "flask" or i.startswith("flask.") for i in p.scans[m].imports)]
            assert not flask, f"{p.rel(n)} loads Flask through {flask}"


LAYER_CASES = {
    "core-imports-scoring": (
        {"simulator/core/loader.py": "import scoring.calc\n", "scoring/calc.py": "X = 1\n"},
        Violation("simulator/core/loader.py", "upward", "scoring/calc.py"),
    ),
    "authoring-imports-records-lazily": (
        {
            "simulator/authoring/check.py": "def f():\n    from simulator.records import store\n",
            "simulator/records/store.py": "X = 1\n",
        },
        Violation("simulator/authoring/check.py", "sideways", "simulator/records/store.py"),
    ),
    "window-imported-from-below": (
        {
            "simulator/session/run.py": "from simulator.shells.player import app\n",
            "simulator/shells/player/app.py": "X = 1\n",
        },
        Violation("simulator/session/run.py", "upward", "simulator/shells/player/app.py"),
    ),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_each_layer_rule_can_fire(tmp_path, case):
    files, expected = LAYER_CASES[case]
    write_tree(tmp_path, {"simulator/core/loader.py": "X = 1\n", **files})
    assert expected in layer_violations(tmp_path)


def test_a_cycle_is_found(tmp_path):
    write_tree(
        tmp_path,
        {
            "simulator/core/a.py": "from simulator.core import b\n",
            "simulator/core/b.py": "def f():\n    from simulator.core import a\n",
        },
    )
    assert import_cycles(tmp_path) == {("simulator/core/a.py", "simulator/core/b.py")}


def test_layer_packages_hold_only_a_docstring():
    for init in [*(ROOT / "simulator").glob("*/__init__.py"), ROOT / "scoring" / "__init__.py"]:
        if "_data" in init.parts:
            continue
        tree = ast.parse(init.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        if init.parent.name == "player":
            continue  # the window's package sets pygame's banner off before pygame loads
        assert not body, f"{init.relative_to(ROOT)} holds code; the layer test skips package __init__ files"
        assert ast.get_docstring(tree), f"{init.relative_to(ROOT)}: say the room in one line"


def test_every_module_says_its_room_in_one_line():
    """Each module's docstring opens with one line that is a whole sentence: what the module is for."""
    import ast

    bad = []
    for path in sorted(list((ROOT / "simulator").rglob("*.py")) + list((ROOT / "scoring").rglob("*.py"))):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        first = (doc or "").split("\n", 1)[0]
        if not first or not first.endswith((".", ":")) or "May import" in (doc or ""):
            bad.append(f"{path.relative_to(ROOT)}: {first[:60]!r}")
    assert bad == [], bad


def test_every_package_is_in_the_wheel():
    """pyproject.toml lists the packages the wheel holds; a new folder left out would install a
    `rehearse` that cannot import itself (the wheel smoke test in .ci/run would catch it later)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("simulator", "scoring")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found - listed == set(), f"add to [tool.setuptools] packages: {sorted(found - listed)}"
