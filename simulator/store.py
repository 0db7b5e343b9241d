"""Where runs are kept on this machine, and what the player can read back from them.

Until the records database lands, every run is a JSON log (rehearse-log/1) in <data>/runs/,
written after every turn. Nothing leaves the machine.

May import: the standard library."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def data_dir() -> Path:
    """Where runs are kept: $REHEARSE_DATA, else the platform's user data folder."""
    if os.environ.get("REHEARSE_DATA"):
        return Path(os.environ["REHEARSE_DATA"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "Rehearse"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Rehearse"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "rehearse"


def autosave_path(scenario_id: str, seed: int) -> str:
    """A new file for an interactive run, so a closed window or a crash loses nothing."""
    folder = data_dir() / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{scenario_id}-{time.strftime('%Y%m%d-%H%M%S')}-{seed}.json")


def best_results(limit_files: int = 5000) -> dict[str, float]:
    """Scenario id -> the best finished run's mean percent across its dimensions (0..100).

    Unreadable or foreign files are skipped: this is a convenience for the picker, not a record."""
    out: dict[str, float] = {}
    folder = data_dir() / "runs"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json"))[-limit_files:]:
        try:
            log = json.loads(path.read_text(encoding="utf-8"))
            if log.get("format") != "rehearse-log/1" or not log.get("ending"):
                continue
            pct = [d["percent"] for d in log["score"]["dimensions"].values() if "percent" in d]
            if pct and not log.get("critical"):
                sid = log["scenario"]["id"]
                out[sid] = max(out.get(sid, 0.0), sum(pct) / len(pct))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
    return out
