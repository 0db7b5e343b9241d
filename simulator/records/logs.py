"""Run logs on disk: reading one file into a checked rehearse-log/1 log (scoring.compare checks it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.compare import MAX_LOG_BYTES, LogError, check_log, parse_log_text

__all__ = ["LogError", "read_log"]


def read_log(path: str) -> dict[str, Any]:
    """The checked log in the file at `path`; LogError (naming the file and the problem) if it is not one."""
    p = Path(path)
    try:
        if not p.is_file():
            raise LogError(f"{path}: no such file" if not p.exists() else f"{path}: not a file")
        if p.stat().st_size > MAX_LOG_BYTES:
            raise LogError(f"{path}: too large to be a run log (over {MAX_LOG_BYTES // 2**20} MB)")
        raw = p.read_bytes()
    except OSError as e:
        raise LogError(f"{path}: cannot read it ({e.strerror or e})") from None
    return check_log(parse_log_text(raw, path), path)
