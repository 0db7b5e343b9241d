"""Where runs are kept on this machine, and what the player can read back from them.

Until the records database lands, every run is a JSON log (rehearse-log/1) in <data>/runs/,
written after every turn. Nothing leaves the machine."""

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
        # as_uri() escapes '%', '#' and '?' in the folder's name; a raw f"file:{db}" reads them as URI syntax
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
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
        if isinstance(sid, str) and isinstance(pct, (int, float)):  # a damaged row only loses its star
            out[sid] = max(out.get(sid, 0.0), float(pct))
    return out


def write_text_atomic(target: str | Path, text: str, *, private: bool = False) -> None:
    """Write `text` to `target` whole or not at all: into a new temp file beside it, then renamed over
    it, so a full disk or a crash leaves the old file (or none), never a 0-byte or half one. The temp
    file is made with O_EXCL, so a link planted at its name is never written through. `private`
    keeps the file readable by its owner only. OSError if it cannot be written."""
    import tempfile

    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:  # mkstemp makes the file private (0600); an output keeps the old file's mode, or 0644
            if not private:
                os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
        except OSError:
            pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def shuffle_choices() -> bool:
    """Whether players show choices in a per-run order (the default), so that the best move is not
    always in the same place. REHEARSE_CHOICE_ORDER=file keeps the scenario file's order (a
    facilitator who wants everyone to see the same numbers, or tests)."""
    return os.environ.get("REHEARSE_CHOICE_ORDER", "shuffled") != "file"
