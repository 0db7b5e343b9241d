"""Where runs are kept on this machine, and what the player can read back from them.

Until the records database lands, every run is a JSON log (rehearse-log/1) in <data>/runs/,
written after every turn. Nothing leaves the machine.

May import: the standard library."""

from __future__ import annotations

import os
import sys
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


def best_results(folder: str | Path | None = None) -> dict[str, float]:
    """Scenario id -> the best finished run's mean percent across its dimensions (0..100), from
    the records. Runs marked "needs another run" do not count. Empty if there are no records yet."""
    import sqlite3

    path = Path(folder) if folder else data_dir()
    db = path / "rehearse.db"
    if not db.exists():
        return {}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT r.scenario_id, AVG(s.percent) FROM scores s JOIN runs r ON r.id = s.run_id "
                "WHERE r.ended = 1 AND r.critical = 0 AND s.percent IS NOT NULL GROUP BY r.id"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    out: dict[str, float] = {}
    for sid, pct in rows:
        out[sid] = max(out.get(sid, 0.0), float(pct))
    return out


def shuffle_choices() -> bool:
    """Whether players show choices in a per-run order (the default), so that the best move is not
    always in the same place. REHEARSE_CHOICE_ORDER=file keeps the scenario file's order (a
    facilitator who wants everyone to see the same numbers, or tests)."""
    return os.environ.get("REHEARSE_CHOICE_ORDER", "shuffled") != "file"
