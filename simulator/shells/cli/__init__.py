"""The `rehearse` command: argv in, text and an exit code out; this module parses and dispatches.

Each command group has its module (common, play, authoring, records, workshop), which registers
its subcommands.

Users never see a traceback: bad input and bad arguments get a clear message and exit code 1 (a
problem in a file) or 2 (a problem in the command). Anything else is a bug, reported in one line;
`--debug` shows the traceback. Each command imports what it needs when it runs, so `check`
starts fast."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from simulator import __version__
from simulator.shells.cli import authoring, play, records, workshop
from simulator.shells.cli.common import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, _Parser, scenario_path

__all__ = ["EXIT_OK", "EXIT_PROBLEM", "EXIT_USAGE", "build_parser", "entry", "main"]

# Commands whose FILE may be the id of a shipped scenario.
_NAMES_A_SCENARIO = ("play", "explore", "graph", "workshop")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="rehearse",
        description="Rehearse the hardest conversations of teaching. With no command, opens the scenario picker.",
    )
    p.add_argument("--version", action="version", version=f"rehearse {__version__}")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    p.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help="the folder for records (default: your user data folder, or $REHEARSE_DATA)",
    )
    p.add_argument("--profile", metavar="NAME", default="me", help="the local profile runs belong to (default: me)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for group in (play, authoring, records, workshop):
        group.register(sub)
    return p


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    out = stdout or sys.stdout
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # argparse: --help, --version, or a usage error (already printed)
        return int(e.code or 0)
    try:
        if args.command in _NAMES_A_SCENARIO:
            path, problem = scenario_path(args.file)
            if problem is not None:
                sys.stderr.write(problem.render() + "\n")
                return EXIT_PROBLEM
            args.file = str(path)
        command = getattr(args, "run", play.cmd_picker)
        return command(args, out, stdin)
    except KeyboardInterrupt:
        out.write("\nStopped. Anything you played is saved.\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # a bug: say so in one line, keep the traceback for --debug
        from simulator.records.runs import RecordsError

        if isinstance(e, RecordsError):  # the records cannot be saved: a full disk, a read-only file
            sys.stderr.write(f"rehearse: {e}\n")
            return EXIT_PROBLEM
        if args.debug:
            raise
        sys.stderr.write(
            f"rehearse: internal error: {type(e).__name__}: {e}\n"
            "  This is a bug in Rehearse. Please report it as an issue; run again with --debug "
            "to see the details.\n"
        )
        return 70


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
