#!/usr/bin/env python3
"""Set up and run Rehearse with nothing but Python installed.

    python3 tasks.py play [ARGS...]   set up .venv on first use, then start Rehearse
    python3 tasks.py test [ARGS...]   set up .venv on first use, then run the tests

Standard library only: this file runs before anything is installed."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def say(msg: str) -> None:
    print(f"[rehearse] {msg}", flush=True)


def ensure_venv() -> None:
    """Create .venv and install Rehearse with its test tools, again whenever pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything checks the version
        sys.exit(f"Rehearse needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        say("creating .venv (first run only)...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime:
        return
    say("installing Rehearse and its dependencies into .venv (about a minute the first time)...")
    cmd = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", f"{ROOT}[test]"]
    if subprocess.call(cmd) != 0:
        sys.exit("[rehearse] installing failed; see the messages above.")
    STAMP.write_text("ok\n")
    say("ready.")


LRS = ROOT / ".lrs"
LRS_BIN = LRS / ("Scripts" if os.name == "nt" else "bin")


def ensure_lrs() -> None:
    """Ralph, a Python learning-record store, for the xAPI integration test (shared/lrs-setup.md).
    Best effort: if it cannot be installed, that one test is skipped and says why."""
    stamp = LRS / ".installed"
    if stamp.exists():
        return
    say("installing Ralph (a local learning-record store) into .lrs for the xAPI test (first run only)...")
    if not (LRS_BIN / "python").exists() and not (LRS_BIN / "python.exe").exists():
        venv.EnvBuilder(with_pip=True).create(LRS)
    py = LRS_BIN / ("python.exe" if os.name == "nt" else "python")
    code = subprocess.call(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "ralph-malph[backend-fs,cli,lrs]",
            "requests",
        ]
    )
    if code == 0:
        stamp.write_text("ok\n")
    else:
        say("Ralph could not be installed; the LRS integration test will be skipped.")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("play", "test", "setup"):
        print(__doc__)
        return 2
    ensure_venv()
    task, rest = argv[0], argv[1:]
    if task == "setup":
        return 0
    if task == "play":
        return subprocess.call([str(PY), "-m", "simulator", *rest])
    ensure_lrs()
    code = subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
    if code == 5:
        print("[rehearse] pytest collected no tests: that is a failure here.")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
