"""Imports go one way: cli/player -> run -> engine/loader/check/scoring -> model/guards/errors.

The pure core never imports pygame, prints, or reads the clock (style.md, "Modules and imports")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# module -> project modules it may import
ALLOWED = {
    "simulator/errors.py": set(),
    "simulator/guards.py": {"simulator.errors"},
    "simulator/model.py": {"simulator.guards", "simulator.vocab"},
    "simulator/vocab.py": set(),
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
    "simulator/schema.py": {"simulator", "simulator.model"},
    "simulator/resources.py": set(),
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
        "simulator.loader",
        "simulator.run",
        "simulator.engine",
        "scoring.scores",
    },
    "simulator/scaffold.py": {"simulator.model"},
    "simulator/twee.py": set(),
    "simulator/run.py": {"simulator.engine", "simulator.model", "scoring.scores"},
    "simulator/explore.py": {"simulator.engine", "simulator.errors", "simulator.loader", "scoring.analysis"},
    "scoring/analysis.py": {"simulator.engine"},
    "scoring/scores.py": {"scoring.analysis", "simulator.run"},
    "scoring/rubric.py": {"simulator.model"},
    "scoring/feedback.py": {"scoring", "scoring.scores", "scoring.rubric", "simulator.model", "simulator.run"},
    "scoring/compare.py": {"scoring"},
    "scoring/reports.py": {"simulator.charts"},
    "scoring/xapi.py": set(),
    "simulator/charts.py": set(),
    "simulator/workshop.py": {"simulator.run"},
}
PURE = [
    m
    for m in ALLOWED
    if m
    not in (
        "simulator/resources.py",
        "simulator/explore.py",
        "simulator/records.py",
        "simulator/store.py",
        "simulator/cards.py",
    )
]
FORBIDDEN_CALLS = {("time", "time"), ("time", "monotonic"), ("time", "perf_counter"), ("datetime", "now")}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_imports_go_one_way(module):
    found = {m for m in imports(ROOT / module) if m.split(".")[0] in ("simulator", "scoring")}
    assert found <= ALLOWED[module], f"{module} imports {sorted(found - ALLOWED[module])}"


@pytest.mark.parametrize("module", sorted(PURE))
def test_the_core_is_pure(module):
    text = (ROOT / module).read_text()
    mods = imports(ROOT / module)
    assert not any(m.split(".")[0] == "pygame" for m in mods)
    assert "random" not in mods, "all randomness goes through the run's numpy Generator"
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("print", "eval", "exec", "open", "input"), f"{module}: {node.func.id}()"
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            pair = (node.func.value.id, node.func.attr)
            assert pair not in FORBIDDEN_CALLS, f"{module} reads the clock: {pair}"
            assert pair != ("yaml", "load"), f"{module}: yaml.load runs tags"
            assert not (pair[0] == "np" and pair[1] == "random"), module


def test_every_module_is_listed():
    mods = {str(p.relative_to(ROOT)) for d in ("simulator", "scoring") for p in (ROOT / d).glob("*.py")}
    core = {m for m in ALLOWED if not m.startswith("simulator/player")}
    for m in core:
        assert "pygame" not in {i.split(".")[0] for i in imports(ROOT / m)}, m
    unlisted = (
        mods
        - set(ALLOWED)
        - {
            "simulator/__init__.py",
            "simulator/__main__.py",
            "simulator/cli.py",
            "simulator/textplayer.py",
            "simulator/cli_records.py",
            "simulator/workshop_web.py",
            "scoring/__init__.py",
        }
    )
    assert not unlisted, f"add these to ALLOWED: {sorted(unlisted)}"
