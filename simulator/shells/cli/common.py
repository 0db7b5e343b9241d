"""What every command group shares: exit codes, naming a scenario, argument types, messages."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from simulator.core.errors import ScenarioError
from simulator.core.paths import library_dir
from simulator.records.store import write_text_atomic as atomic_write

SCENARIOS = library_dir()

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
SCHEMA_FILE = "rehearse.schema.json"  # the modeline of new and imported scenarios names it (scaffold.py)
SCENARIO_ARG = "a scenario file (.yaml), or the id of a shipped scenario (e.g. the-sketchbook)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"rehearse: error: {message}\n  hint: rehearse {self.prog.split()[-1]} --help shows every option\n"
            if " " in self.prog
            else f"rehearse: error: {message}\n",
        )


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= v < 2**63:
        raise argparse.ArgumentTypeError("the seed must be between 0 and 2^63-1")
    return v


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= v <= 100_000_000:
        raise argparse.ArgumentTypeError("give a number from 1 to 100,000,000")
    return v


def records_options(sp) -> None:
    """--data and --profile after the command too (rehearse history --profile ana)."""
    sp.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help="the folder for records")
    sp.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS, help="the local profile")


# --- naming a scenario -------------------------------------------------------------------------------


def shipped_ids() -> list[str]:
    """The ids of the shipped scenarios (the files of the library folder)."""
    from simulator.core.paths import scenario_files

    return sorted(f.stem for f in scenario_files(SCENARIOS) if f.parent == SCENARIOS) if SCENARIOS.is_dir() else []


def _bare(name: str) -> bool:
    """Whether `name` can be a scenario id (no folder in it), as in `rehearse play the-sketchbook`."""
    return bool(name) and "/" not in name and os.sep not in name and (os.altsep or "/") not in name


def scenario_path(name: str):
    """(path, problem): the scenario file or folder `name` means; problem is a ScenarioError or None.

    A path that exists wins; else a name without a folder is the id of a shipped scenario
    (`the-sketchbook` or `the-sketchbook.yaml`). Nothing is opened: a FIFO would block."""
    from simulator.authoring.check import not_regular
    from simulator.core.errors import did_you_mean

    path = Path(name)
    if os.path.lexists(path):
        problem = not_regular(path)
        if problem is None:
            return path, None
        return path, ScenarioError(name, 1, 1, problem, hint="give a scenario file (.yaml)", code="not-a-file")
    if not _bare(name):
        return path, ScenarioError(name, 1, 1, "no such file or folder", hint="check the path", code="not-found")
    sid = name[: -len(path.suffix)] if path.suffix in (".yaml", ".yml") else name
    ids = shipped_ids()
    if sid in ids:
        return SCENARIOS / f"{sid}.yaml", None
    return path, ScenarioError(
        name,
        1,
        1,
        f"no scenario file or shipped scenario named '{name}'",
        hint=did_you_mean(sid, ids) or "give the path of a scenario file, or the id of a shipped one (see rehearse)",
        code="not-found",
    )


# --- messages and files -------------------------------------------------------------------------------


def _say_error(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"rehearse: error: {message}\n" + (f"  hint: {hint}\n" if hint else ""))


def _warn(message: str) -> None:
    sys.stderr.write(f"rehearse: {message}\n")


def _print_diagnostics(err, stream: TextIO) -> None:
    for d in err.diagnostics:
        stream.write(d.render() + "\n")


def _not_a_file(path: str | None, what: str) -> bool:
    """True (after saying so) when `path` is given and names a FIFO, device or folder: reading one
    would block or fail, so it is refused before anything opens it. A missing file is left to the reader."""
    if not path or not os.path.lexists(path):
        return False
    from simulator.authoring.check import not_regular

    why = not_regular(Path(path)) or ("a folder" if Path(path).is_dir() else None)
    if why is None:
        return False
    _say_error(f"{path}: {why}", f"give {what}")
    return True


def _output_path(output: str | None, name: str, suffixes=(".yaml", ".yml")) -> Path | None:
    """Where a command writes `name`: the current folder, or -o (a file, or a folder to put it in).

    None after saying why not. A missing folder is not created: a typo in -o should not leave a
    tree of new folders behind."""
    if output is None:
        return Path(name)
    target = Path(output)
    if target.is_dir():
        return target / name
    if output.endswith(("/", os.sep)):
        _say_error(f"the folder {output} does not exist", f"create it first (mkdir {output}), or give a file name")
        return None
    if not target.parent.is_dir():
        parent = target.parent
        what = "is not a folder" if parent.exists() else "does not exist"
        _say_error(f"cannot write {target}: the folder {parent} {what}", "create the folder first, or write elsewhere")
        return None
    if target.suffix.lower() not in suffixes:
        _say_error(f"{target}: the file name should end in {' or '.join(suffixes)}")
        return None
    return target


def _may_write(target: Path, force: bool) -> bool:
    """Whether `target` may be (over)written; if not, say why."""
    if not os.path.lexists(target):
        return True
    if target.is_dir():
        _say_error(f"{target} is a folder", "give a file name with -o")
        return False
    if not force:
        _say_error(f"{target} exists; pass --force to overwrite it")
        return False
    return True


def _write_file(target: Path, text: str, *, private: bool = False) -> bool:
    """Write `text` to `target` atomically, or say why it could not be written (False).

    The temporary file is created fresh (O_EXCL, by mkstemp) in the target's folder and renamed over
    the target, so a link planted at a predictable temporary name is never written through, and a
    reader never sees half a file."""
    try:
        atomic_write(target, text, private=private)
    except OSError as e:
        _say_error(f"cannot write {target}: {e.strerror or e}", "write to a folder you can write to, with -o")
        return False
    return True


def _open_records(args, out: TextIO):
    """The record store (--data overrides the folder), or None after saying why it cannot open."""
    from simulator.records.runs import Records, RecordsError

    try:
        records = Records.open(getattr(args, "data", None))
    except (RecordsError, OSError) as e:
        sys.stderr.write(f"rehearse: {e}\n")
        return None
    if records.notice:
        sys.stderr.write(f"rehearse: note: {records.notice}\n")
    return records


def _asker(stdin: TextIO | None, out: TextIO):
    if stdin is None:
        return input

    def ask(prompt: str) -> str:
        out.write(prompt)
        out.flush()
        line = stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return ask


def _gui_or_notice(out: TextIO) -> bool:
    """Whether the graphical player can open; if not, say so in one line."""
    try:
        # simulator.shells.player first: it hides the banner pygame would print on import
        from simulator.shells.player.app import has_display
    except ImportError:
        out.write("(The graphical player needs pygame-ce; using the text player.)\n")
        return False
    if not has_display():
        out.write("(No display found: starting the text player.)\n")
        return False
    return True
