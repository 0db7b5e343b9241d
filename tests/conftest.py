"""Shared helpers for the tests. Tests go through public entry points only."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import tempfile
from pathlib import Path

import pytest

from simulator.core.codes import BASE

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
# Interactive runs are saved to the records; keep the tests' runs out of the user's data folder.
os.environ["REHEARSE_DATA"] = tempfile.mkdtemp(prefix="rehearse-test-data-")
# Tests type choice numbers; keep the file's order (tests/test_choice_order.py checks the shuffle).
os.environ["REHEARSE_CHOICE_ORDER"] = "file"

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = ROOT / "scenarios"

# The registry's base scenario (it passes every check) without its one choice's feedback and score:
# the smallest valid file, which many tests edit by line and column.
TINY = BASE.replace("        feedback: Talking helps.\n        score: {relationship: 1}\n", "")


def run_cli(argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    """Run `rehearse ARGV` in-process; return (exit code, stdout, stderr)."""
    import contextlib

    from simulator.shells.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv, stdin=io.StringIO(stdin) if stdin is not None else None, stdout=out)
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def deadline(seconds: int, what: str = "something that opened a FIFO"):
    """Fail, rather than hang the suite, if the block runs on (reading a FIFO would, and so would
    a regression to a backtracking pattern or an expanded alias bomb). A hang guard, not a speed
    target: those are ratios in benchmarks/."""

    if not hasattr(signal, "alarm"):
        yield
        return

    def boom(*_):
        raise TimeoutError(f"still running after {seconds} s: {what}")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def tiny() -> str:
    return TINY


def pytest_terminal_summary(terminalreporter):
    """How many examples each property test checked (tests/test_properties.py counts them)."""
    import sys

    props = sys.modules.get("test_properties")
    counts = getattr(props, "CHECKED", None)
    if counts:
        terminalreporter.write_sep("-", "property examples checked")
        for what, n in sorted(counts.items()):
            terminalreporter.write_line(f"{n:6,}  {what}")


def texts_drawn(p) -> str:
    """Every string the screen renders (the font renderer, wrapped), whitespace normalised."""
    seen: list[str] = []
    orig = p.font

    def font(px, weight="Regular"):
        f = orig(px, weight)

        class Spy:
            def __getattr__(self, name):
                return getattr(f, name)

            def render(self, s, *a):
                seen.append(s)
                return f.render(s, *a)

        return Spy()

    p.font = font
    try:
        p.draw()
    finally:
        p.font = orig
    return " ".join(" ".join(seen).split())
