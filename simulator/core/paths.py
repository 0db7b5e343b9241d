"""Where Rehearse's shipped files are: the scenario library, the assets, the editor schema.

In a checkout they are the top-level folders (`scenarios/`, `assets/`, `docs/`). An installed wheel
carries copies of them as package data under `simulator/_data/` (pyproject.toml maps the folders
there at build time), so the same names work from any folder."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # simulator/
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


def _pick(installed: Path, checkout: Path) -> Path:
    return installed if installed.exists() else checkout


def library_dir() -> Path:
    """The folder of shipped scenarios."""
    return _pick(_INSTALLED / "scenarios", _CHECKOUT / "scenarios")


def assets_dir() -> Path:
    """The folder of crisis resources and fonts."""
    return _pick(_INSTALLED / "assets", _CHECKOUT / "assets")


def schema_file() -> Path:
    """The JSON Schema for editors (the same text `rehearse schema` prints)."""
    return _pick(_INSTALLED / "schema" / "rehearse.schema.json", _CHECKOUT / "docs" / "rehearse.schema.json")


def scenario_files(folder: Path) -> list[Path]:
    """Scenario files under `folder` (not test files, not hidden, no links leading outside)."""
    root = folder.resolve()
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.endswith((".yaml", ".yml")) and not name.startswith(".") and not name.endswith(".tests.yaml"):
                f = Path(dirpath) / name
                if f.is_symlink() and not f.resolve().is_relative_to(root):
                    continue
                out.append(f)
    return sorted(out)
