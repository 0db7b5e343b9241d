"""The `rehearse` command: argv in, text and an exit code out.

Users never see a traceback: bad input and bad arguments get a clear message and exit code 1 (a
problem in a file) or 2 (a problem in the command). Anything else is a bug, reported in one line;
`--debug` shows the traceback. Each command imports what it needs when it runs, so `check`
starts fast."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from simulator import __version__
from simulator.core.errors import ScenarioError
from simulator.core.paths import library_dir
from simulator.records.saving import Saving, atomic_write

SCENARIOS = library_dir()

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
SCHEMA_FILE = "rehearse.schema.json"  # the modeline of new and imported scenarios names it (scaffold.py)
SCENARIO_ARG = "a scenario file (.yaml), or the id of a shipped scenario (e.g. the-sketchbook)"
WRITES = (
    "The folder must exist; an existing file is kept unless you pass --force. The editor schema "
    f"({SCHEMA_FILE}) is written beside the file when none is there."
)


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

    play = sub.add_parser("play", help="play one scenario", description="Play one scenario.")
    play.add_argument("file", metavar="FILE", help=SCENARIO_ARG)
    play.add_argument("--text", action="store_true", help="use the text player")
    play.add_argument(
        "--mode",
        choices=("coach", "assess"),
        default="coach",
        help="coach: feedback after each choice (default); assess: feedback at the end",
    )
    play.add_argument("--seed", type=_seed, help="seed for the mood jitter (the same seed replays exactly)")
    play.add_argument("--timed", action="store_true", help="let timeouts fire when you take too long")
    play.add_argument("--script", metavar="S", help="play the turns in a script file, with no person")
    play.add_argument("--log", metavar="L", help="write the run as JSON to L (after every turn)")
    play.add_argument(
        "--watch",
        action="store_true",
        help="reload the file when it changes (graphical player), keeping the run where it can",
    )
    play.add_argument(
        "--screenshots",
        metavar="DIR",
        help="with --script: play in the graphical player and save a PNG of every screen to DIR",
    )

    check = sub.add_parser(
        "check",
        help="check scenario files",
        description="Load and check scenario files or folders (or shipped scenarios by id). Entries of a "
        "folder that are not regular files are skipped with a warning. Exit 0 when clean, 1 on any "
        "error (or any warning with --strict).",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, folders, or ids of shipped scenarios")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format: text lines, a JSON list, or GitHub Actions annotations",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    ex = sub.add_parser(
        "explore",
        help="what a scenario allows: endings, score ranges, best and worst paths",
        description="Search every path of a scenario (or, with --runs, or when it is too large, play seeded "
        "random runs) and report endings, score ranges, best and worst paths, scenes never reached and loops.",
    )
    ex.add_argument("file", metavar="FILE", help=SCENARIO_ARG)
    ex.add_argument("--runs", type=_positive, help="play N seeded random runs instead of searching every path")
    ex.add_argument("--seed", type=_seed, default=0, help="seed for the starting mood and the random runs (default 0)")
    ex.add_argument("--format", choices=("text", "json"), default="text")

    cmp = sub.add_parser(
        "compare",
        help="compare two runs of one scenario from their logs",
        description="Where two runs of the same scenario diverged, the choices taken there, and the "
        "difference in each dimension and in the ending.",
    )
    cmp.add_argument("log_a", metavar="LOG_A")
    cmp.add_argument("log_b", metavar="LOG_B")
    cmp.add_argument("--format", choices=("text", "json"), default="text")

    gr = sub.add_parser(
        "graph",
        help="draw the scene graph (.svg, .png or .dot)",
        description="Draw the scene graph through Graphviz: scenes as boxes, choices as labelled "
        "edges with their scores, next routes dashed, endings coloured by outcome, unreachable "
        "scenes and dead ends marked.",
    )
    gr.add_argument("file", metavar="FILE", help=SCENARIO_ARG)
    gr.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.svg, OUT.png or OUT.dot")
    gr.add_argument("--log", metavar="L", help="draw the path of a logged run in bold")

    te = sub.add_parser(
        "test",
        help="play the tests written beside scenarios (<id>.tests.yaml)",
        description="Play every playthrough in the test files found in PATH (files or folders; a "
        "scenario file, or the id of a shipped scenario, finds its tests beside it or in tests/) and "
        "check what each must yield. A test file's 'scenario:' is an id: the scenario must be in the "
        "test file's folder or the one above it.",
    )
    te.add_argument("paths", nargs="+", metavar="PATH")

    nw = sub.add_parser(
        "new",
        help="write a scenario skeleton that passes check at once",
        description="Write ID.yaml in the current folder (or -o PATH): a skeleton in the context, "
        "anticipate, enact, reflect pattern, full of comments saying what to write where. " + WRITES,
    )
    nw.add_argument("id", metavar="ID", help="lowercase letters, digits and hyphens")
    nw.add_argument(
        "--topic",
        action="append",
        required=True,
        metavar="T",
        help="a topic (repeat for several): distress, safety, de-escalation, restorative, relationship, equity",
    )
    nw.add_argument("--grades", required=True, metavar="G", help='a grade band such as "6-8"')
    nw.add_argument("-o", "--output", metavar="PATH", help="a .yaml file, or a folder for ID.yaml (default ./ID.yaml)")
    nw.add_argument("--force", action="store_true", help="overwrite an existing file")

    im = sub.add_parser(
        "import",
        help="turn a Twine 2 story (Twee 3) into a scenario skeleton",
        description="Turn a Twine 2 story (Twee 3 text) into a scenario skeleton: passages become "
        "scenes, links become choices; prints what could not be carried over. Writes NAME.yaml (NAME "
        "from the story's file name) in the current folder, or -o PATH. " + WRITES,
    )
    im.add_argument("twee", metavar="STORY.twee")
    im.add_argument(
        "-o", "--output", metavar="PATH", help="a .yaml file, or a folder for NAME.yaml (default ./NAME.yaml)"
    )
    im.add_argument("--topic", action="append", metavar="T", help="a topic (repeat for several; default relationship)")
    im.add_argument("--grades", default="9-12", metavar="G", help='a grade band such as "6-8" (default 9-12)')
    im.add_argument("--force", action="store_true", help="overwrite an existing file")

    def records_options(sp) -> None:
        sp.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help="the folder for records")
        sp.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS, help="the local profile")

    records_options(play)
    hi = sub.add_parser("history", help="list your runs", description="List the runs in your records.")
    hi.add_argument("--scenario", metavar="ID")
    hi.add_argument("--all", action="store_true", help="every profile, not just yours")
    hi.add_argument("--format", choices=("text", "json"), default="text")
    records_options(hi)
    rs = sub.add_parser(
        "resume",
        help="continue an unfinished run",
        description="Continue an unfinished run from your records (the latest, or number N of rehearse resume --list).",
    )
    rs.add_argument("number", nargs="?", type=int, metavar="N")
    rs.add_argument("--list", action="store_true", help="list unfinished runs")
    rs.add_argument("--text", action="store_true", help="use the text player")
    records_options(rs)
    fg = sub.add_parser(
        "forget", help="delete a profile's records", description="Delete every run of a profile from your records."
    )
    fg.add_argument("--yes", action="store_true", help="really delete")
    records_options(fg)

    rp = sub.add_parser(
        "report",
        help="an HTML report (and CSV tables) over many runs",
        description="A self-contained HTML report (charts embedded, no network) and a CSV per table, "
        "over the stored runs or a folder of run logs.",
    )
    rp.add_argument("-o", "--output", required=True, metavar="OUT.html")
    rp.add_argument("--scenario", metavar="ID")
    rp.add_argument("--since", metavar="YYYY-MM-DD")
    rp.add_argument("--logs", metavar="FOLDER", help="read run logs (JSON) from a folder instead of the records")
    records_options(rp)
    pg = sub.add_parser(
        "progress",
        help="each dimension over your runs",
        description="Each dimension's percent "
        "over your finished runs, per scenario; -o writes a chart (.svg or .html).",
    )
    pg.add_argument("--scenario", metavar="ID")
    pg.add_argument("-o", "--output", metavar="OUT")
    records_options(pg)
    ex2 = sub.add_parser(
        "export",
        help="export runs as xAPI statements (JSON lines)",
        description="Write xAPI statements (one per turn, one per completed run) to a JSON-lines file.",
    )
    ex2.add_argument("--xapi", action="store_true", required=True, help="xAPI statements (docs/xapi.md)")
    ex2.add_argument("-o", "--output", metavar="FILE.jsonl", help="write the statements to a JSON-lines file")
    ex2.add_argument(
        "--lrs",
        metavar="URL",
        help="send them to a learning-record store (xAPI endpoint, e.g. "
        "http://127.0.0.1:8765/xAPI/); credentials from REHEARSE_LRS_USER and REHEARSE_LRS_PASSWORD",
    )
    ex2.add_argument("--all", action="store_true", help="every profile, not just yours")
    records_options(ex2)

    wk = sub.add_parser(
        "workshop",
        help="run a scenario for a room, with a vote at each decision",
        description="Projector mode: at each decision the room discusses, votes (the facilitator "
        "types counts, or phones vote on a page this machine serves on the local network), sees the "
        "tally, and the facilitator picks the choice the room takes.",
    )
    wk.add_argument("file", metavar="FILE", help=SCENARIO_ARG)
    wk.add_argument("--no-phones", action="store_true", help="do not serve the voting page; type the counts")
    wk.add_argument("--port", type=int, default=8123, help="port of the voting page (default 8123)")
    wk.add_argument(
        "--host",
        default="0.0.0.0",
        help="address the voting page listens on and shows (default: every network; the address "
        "shown is this machine's own)",
    )
    records_options(wk)

    sc = sub.add_parser(
        "schema",
        help="print (or write) the JSON Schema of the scenario format",
        description="Print the JSON Schema of the scenario format, for editors; -o writes it to a file. "
        f"Scenarios written by rehearse new and import name it '{SCHEMA_FILE}' beside them.",
    )
    sc.add_argument(
        "-o", "--output", metavar="FILE", help=f"write it to FILE (a folder: FILE/{SCHEMA_FILE}) instead of printing it"
    )
    sc.add_argument("--force", action="store_true", help="overwrite an existing file")
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
        if args.command in ("play", "explore", "graph", "workshop"):
            path, problem = scenario_path(args.file)
            if problem is not None:
                sys.stderr.write(problem.render() + "\n")
                return EXIT_PROBLEM
            args.file = str(path)
        if args.command == "check":
            return cmd_check(args, out)
        if args.command == "schema":
            return cmd_schema(args, out)
        if args.command == "play":
            return cmd_play(args, out, stdin)
        if args.command == "explore":
            return cmd_explore(args, out)
        if args.command == "compare":
            return cmd_compare(args, out)
        if args.command == "graph":
            return cmd_graph(args, out)
        if args.command == "import":
            return cmd_import(args, out)
        if args.command == "export" and not (args.output or args.lrs):
            sys.stderr.write("rehearse: error: export needs -o FILE.jsonl, --lrs URL, or both\n")
            return EXIT_USAGE
        if args.command == "workshop":
            from simulator.shells import cli_records

            return cli_records.cmd_workshop(args, out, stdin)
        if args.command in ("history", "resume", "forget", "report", "progress", "export"):
            from simulator.shells import cli_records

            return getattr(cli_records, f"cmd_{args.command}")(args, out, stdin)
        if args.command == "new":
            return cmd_new(args, out)
        if args.command == "test":
            return cmd_test(args, out)
        return cmd_picker(args, out, stdin)
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


# --- check ---------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from simulator.authoring.check import check_file, find_scenario_files

    diags: list[ScenarioError] = []
    loaded = []
    files = 0
    named = []
    for name in args.paths:
        path, problem = scenario_path(name)
        if problem is None:
            named.append(str(path))
        else:
            diags.append(problem)
    for path, problem in find_scenario_files(named):
        if problem is not None:
            diags.append(problem)
            continue
        files += 1
        report = check_file(path)
        diags.extend(report.diagnostics)
        if report.scenario is not None:
            loaded.append(report.scenario)
    if len(loaded) > 1:
        from simulator.authoring.check import silence
        from simulator.authoring.lint import library_lint

        for d in library_lint(loaded):
            diags.extend(silence([d], d.file))
    errors = sum(d.severity == "error" for d in diags)
    warnings = len(diags) - errors
    if args.format == "json":
        out.write(json.dumps([d.as_dict() for d in diags], indent=2) + "\n")
    else:
        for d in diags:
            out.write((d.as_github() if args.format == "github" else d.render()) + "\n")
        summary = (
            f"{files} file{'s' if files != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
        )
        sys.stderr.write(summary + "\n")
        if files == 0 and not diags:
            sys.stderr.write("  (no .yaml files found)\n")
    return EXIT_PROBLEM if errors or (args.strict and warnings) else EXIT_OK


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


def cmd_test(args: argparse.Namespace, out: TextIO) -> int:
    from simulator.authoring.authortests import run_tests

    paths, unknown = [], 0
    for name in args.paths:
        path, problem = scenario_path(name)
        if problem is not None and problem.code == "not-found":
            out.write(problem.render() + "\n")
            unknown += 1
        else:
            paths.append(str(path))  # authortests skips what is not a regular file, with a message
    if not paths:
        return EXIT_PROBLEM
    code = run_tests(paths, out)
    return EXIT_PROBLEM if unknown else code


# --- explore ---------------------------------------------------------------------------------------


def cmd_explore(args: argparse.Namespace, out: TextIO) -> int:
    from simulator.authoring.explore import report
    from simulator.core.errors import ScenarioError

    try:
        report(args.file, args.runs, args.seed, args.format, out)
    except ScenarioError as e:
        _print_diagnostics(e, sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import asdict

    from scoring.compare import LogError, compare_logs, render
    from simulator.records.logs import read_log

    if _not_a_file(args.log_a, "a run log (.json)") or _not_a_file(args.log_b, "a run log (.json)"):
        return EXIT_PROBLEM
    try:
        c = compare_logs(read_log(args.log_a), read_log(args.log_b))
    except LogError as e:
        sys.stderr.write(f"rehearse: {e}\n")
        return EXIT_PROBLEM
    out.write(json.dumps(asdict(c), indent=2) + "\n" if args.format == "json" else render(c, (args.log_a, args.log_b)))
    return EXIT_OK


def cmd_graph(args: argparse.Namespace, out: TextIO) -> int:
    from scoring.compare import LogError
    from simulator.authoring.graph import write_graph
    from simulator.core.errors import ScenarioError
    from simulator.core.loader import load_file
    from simulator.records.logs import read_log

    if Path(args.output).suffix.lower() not in (".svg", ".png", ".dot"):
        sys.stderr.write(f"rehearse: error: {args.output}: the output must end in .svg, .png or .dot\n")
        return EXIT_USAGE
    if _not_a_file(args.log, "a run log (.json)"):
        return EXIT_PROBLEM
    try:
        log = read_log(args.log) if args.log else None
        written, note = write_graph(load_file(args.file), args.output, log=log)
    except ScenarioError as e:
        _print_diagnostics(e, sys.stderr)
        return EXIT_PROBLEM
    except LogError as e:
        sys.stderr.write(f"rehearse: {e}\n")
        return EXIT_PROBLEM
    except OSError as e:
        sys.stderr.write(f"rehearse: cannot write {args.output}: {e.strerror or e}\n")
        return EXIT_PROBLEM
    if note:
        sys.stderr.write(note + "\n")
    out.write(f"Wrote {written}\n")
    return EXIT_OK


def _schema_text() -> str:
    from simulator.authoring.schema import scenario_schema

    return json.dumps(scenario_schema(), indent=2) + "\n"


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    if not args.output:
        out.write(_schema_text())
        return EXIT_OK
    target = _output_path(args.output, SCHEMA_FILE, suffixes=(".json",))
    if target is None:
        return EXIT_PROBLEM
    if not _may_write(target, args.force) or not _write_file(target, _schema_text()):
        return EXIT_PROBLEM
    out.write(f"Wrote {target}\n")
    return EXIT_OK


def _say_error(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"rehearse: error: {message}\n" + (f"  hint: {hint}\n" if hint else ""))


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


def _write_scenario(target: Path, text: str, force: bool, out: TextIO) -> bool:
    """new and import: the scenario, then the editor schema beside it when none is there."""
    if not _may_write(target, force) or not _write_file(target, text):
        return False
    schema = target.parent / SCHEMA_FILE
    if not os.path.lexists(schema):
        try:
            atomic_write(schema, _schema_text())
            out.write(f"Wrote {schema}, so editors can check the scenario as you type.\n")
        except OSError as e:
            sys.stderr.write(f"rehearse: note: could not write {schema} ({e.strerror or e}); the scenario is fine\n")
    return True


def _topics_and_grades(topics, grades: str) -> bool:
    """Whether the topics and grade band are ones the format knows; if not, say why."""
    import re

    from simulator.core.errors import did_you_mean
    from simulator.core.loader import GRADES
    from simulator.core.model import TOPICS

    for t in topics:
        if t not in TOPICS:
            _say_error(f"unknown topic '{t}'", did_you_mean(t, TOPICS) or "choose from " + ", ".join(TOPICS))
            return False
    if not GRADES.match(grades):
        shown = re.sub(r"\s+", " ", grades)[:40]
        _say_error(f"'{shown}' is not a grade band", "K-2, 3-5, 6-8 or 9-12")
        return False
    return True


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    import re

    from simulator.authoring.scaffold import skeleton
    from simulator.core.loader import SCENARIO_SLUG

    if not SCENARIO_SLUG.match(args.id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", args.id.lower()).strip("-") or "my-scenario"
        _say_error(
            f"'{args.id}' is not a scenario id", f"use lowercase letters, digits and hyphens, e.g. '{suggestion}'"
        )
        return EXIT_USAGE
    if not _topics_and_grades(args.topic, args.grades):
        return EXIT_USAGE
    target = _output_path(args.output, f"{args.id}.yaml")
    if target is None:
        return EXIT_PROBLEM
    if not _write_scenario(target, skeleton(args.id, args.topic, args.grades), args.force, out):
        return EXIT_PROBLEM
    out.write(f"Wrote {target}. Fill in the TODOs; rehearse check {target} after each save.\n")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from simulator.authoring.check import not_regular
    from simulator.authoring.twee import MAX_TWEE_BYTES, TweeError, import_twee, slug
    from simulator.core.loader import read_scenario

    src = Path(args.twee)
    topics = tuple(args.topic or ("relationship",))
    if not _topics_and_grades(topics, args.grades):
        return EXIT_USAGE
    problem = not_regular(src) or ("a folder, not a Twee file" if src.is_dir() else None)
    if problem:
        _say_error(f"{src}: {problem}", "give a Twine story saved as Twee 3 text (.twee)")
        return EXIT_PROBLEM
    try:
        if src.stat().st_size > MAX_TWEE_BYTES:
            _say_error(f"{src} is larger than {MAX_TWEE_BYTES:,} bytes")
            return EXIT_PROBLEM
        text = src.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        _say_error(f"cannot read {src}: {getattr(e, 'strerror', None) or e}")
        return EXIT_PROBLEM
    target = _output_path(args.output, f"{slug(src.stem)}.yaml")
    if target is None:
        return EXIT_PROBLEM
    sid = slug(target.stem)
    try:
        result = import_twee(text, sid, topics, args.grades)
    except TweeError as e:
        sys.stderr.write(ScenarioError(str(src), e.line or 1, 1, e.message, e.hint, code="bad-twee").render() + "\n")
        return EXIT_PROBLEM
    except ValueError as e:
        _say_error(f"{src}: {e}")
        return EXIT_PROBLEM
    if not _write_scenario(target, result.yaml, args.force, out):
        return EXIT_PROBLEM
    scenario, diags = read_scenario(result.yaml, str(target), stem=target.stem)
    out.write(
        f"Wrote {target}: {'it loads' if scenario else 'it has errors to fix'}; "
        f"rehearse check {target} lists what to write next.\n"
    )
    if result.report:
        out.write("Not carried over:\n" + "".join(f"  - {r}\n" for r in result.report))
    return EXIT_OK


# --- play ------------------------------------------------------------------------------------------


def _print_diagnostics(err, stream: TextIO) -> None:
    for d in err.diagnostics:
        stream.write(d.render() + "\n")


def cmd_play(args: argparse.Namespace, out: TextIO, stdin: TextIO | None) -> int:
    if args.log and (Path(args.log).is_dir() or not Path(args.log).parent.is_dir()):
        what = "is a folder" if Path(args.log).is_dir() else "is in a folder that does not exist"
        sys.stderr.write(
            f"rehearse: cannot write the run log to {args.log}: it {what}\n"
            "  hint: pass --log with a file name in a folder you can write to\n"
        )
        return EXIT_PROBLEM
    gui = not args.text and not args.script and not args.screenshots and _gui_or_notice(out)
    if gui:  # the window opens on the scenario's card; the scenario loads when the teacher begins
        from simulator.records.cards import card_for

        card = card_for(args.file)
        if card is not None:
            from simulator.shells.player.main import play_window

            return play_window(
                [card],
                mode=args.mode,
                seed=args.seed,
                timed=args.timed,
                watch=args.file if args.watch else None,
                on_save=_gui_saver(args, out),
                data=getattr(args, "data", None),
            )
    from simulator.core.errors import ScenarioError
    from simulator.core.loader import load_file

    try:
        scenario = load_file(args.file)
    except ScenarioError as e:
        _print_diagnostics(e, sys.stderr)
        sys.stderr.write(f"rehearse: {args.file} has errors; fix them and play again (rehearse check shows them).\n")
        return EXIT_PROBLEM
    script = None
    if _not_a_file(args.script, "a script file (.yaml)"):
        return EXIT_PROBLEM
    if args.script:
        from simulator.session.script import read_script

        try:
            script = read_script(args.script)
        except ScenarioError as e:
            _print_diagnostics(e, sys.stderr)
            return EXIT_PROBLEM
    if args.screenshots:
        if script is None:
            sys.stderr.write("rehearse: --screenshots needs --script (the turns to play)\n")
            return EXIT_USAGE
        from simulator.shells.player.main import play_script_with_screenshots

        try:
            saved = play_script_with_screenshots(scenario, script, args.screenshots, mode=args.mode, seed=args.seed)
        except Exception as e:  # EngineError from a bad script turn
            from simulator.core.engine import EngineError

            if not isinstance(e, EngineError):
                raise
            sys.stderr.write(ScenarioError(args.script, 1, 1, str(e), code="bad-script").render() + "\n")
            return EXIT_PROBLEM
        out.write(f"Saved {len(saved)} screenshots in {args.screenshots}\n")
        return EXIT_OK
    if args.watch and (args.text or script is not None):
        out.write("(--watch reloads the file in the graphical player; the text player plays it as it is now.)\n")
    return play_text(scenario, args, out, stdin, script)


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


def play_text(scenario, args, out: TextIO, stdin: TextIO | None, script=None, run=None, record=None) -> int:
    from simulator.core.engine import EngineError

    # a person at the keyboard sees the choices in a per-run order; a script's transcript keeps the file's
    from simulator.records.store import shuffle_choices
    from simulator.session.run import Run
    from simulator.shells.textplayer import KeyboardDriver, Left, Screen, TextPlayer

    run = run or Run(
        scenario, seed=args.seed, mode=args.mode, timed=args.timed, shuffle=script is None and shuffle_choices()
    )
    screen = Screen(out)
    player = TextPlayer(run, screen)
    log_path = getattr(args, "log", None)
    saver = None
    records = None
    if script is None:  # an interactive run goes into the records after every turn
        records = _open_records(args, out)
        if records is None:
            return EXIT_PROBLEM
        saver = "your records"
    saving = Saving(records, profile=getattr(args, "profile", "me"), log_path=log_path, warn=_warn)
    problems = saving.attach(run, record=record)
    if problems:
        for problem in problems:
            sys.stderr.write(f"rehearse: {problem}\n")
        if log_path and any("run log" in p for p in problems):
            sys.stderr.write("  hint: pass --log with a path in a folder you can write to\n")
        return EXIT_PROBLEM
    player.intro()
    if script is not None:
        player.content_note(None)
        driver = ScriptDriver(player, script, args.script)
        try:
            player.play(driver)
        except ScenarioError as e:
            sys.stderr.write(e.render() + "\n")
            return EXIT_PROBLEM
        except EngineError as e:
            t = driver.current
            line, col = (t.line, t.col) if t else (1, 1)
            problem = ScenarioError(args.script, line, col, f"turn {driver.index}: {e}", code="bad-script")
            sys.stderr.write(problem.render() + "\n")
            return EXIT_PROBLEM
        player.debrief()
        if driver.index < len(script):
            extra = script[driver.index]
            unplayed = ScenarioError(
                args.script,
                extra.line,
                extra.col,
                f"the run ended after turn {driver.index}; the remaining {len(script) - driver.index} "
                "turn(s) were not played",
                code="unplayed-turns",
            )
            sys.stderr.write(unplayed.render() + "\n")
        return EXIT_OK
    ask = _asker(stdin, out)
    kb = KeyboardDriver(player, ask=ask)
    try:
        if not player.content_note(kb.confirm):
            out.write("You left before starting. Take care of yourself.\n")
            return EXIT_OK
        player.play(kb)
    except Left:
        out.write(
            "\nYou left the run. It is saved in your records; `rehearse resume` continues it. "
            "Nothing counts against you.\n"
        )
        return EXIT_OK
    player.debrief()
    if run.turns and any(t.reflection for t in run.turns):
        try:
            a = ask("\nMay your reflections appear, without your name, in group reports? Type y or n [n]: ")
        except EOFError:
            a = ""
        if a.strip().lower() in ("y", "yes"):
            run.consent(True)  # saved with the run
    if saver:
        out.write(f"\nThe run is saved in {saver} (rehearse history lists them).\n")
    return EXIT_OK


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


def _warn(message: str) -> None:
    sys.stderr.write(f"rehearse: {message}\n")


def _gui_saver(args, out: TextIO) -> Saving:
    """How the window keeps its runs: the records after every turn, and --log if given. The window
    goes on when a save fails; the other place still holds the run."""
    saving = Saving(
        _open_records(args, out),
        profile=getattr(args, "profile", "me"),
        log_path=getattr(args, "log", None),
        warn=_warn,
    )
    return saving


class ScriptDriver:
    """Decisions from a script file; echoes each one into the transcript."""

    def __init__(self, player, turns, file: str) -> None:
        self.player = player
        self.turns = turns
        self.file = file
        self.index = 0
        self.current = None

    def __call__(self, view):
        from simulator.shells.textplayer import Decision

        run = self.player.run
        if self.index >= len(self.turns):
            offered = ", ".join(c.id for c in view.choices) or "none"
            last = self.turns[-1] if self.turns else None
            raise ScenarioError(
                self.file,
                last.line if last else 1,
                last.col if last else 1,
                f"the script ran out after {self.index} turn(s), before an ending: the run is in "
                f"scene '{run.state.scene}', which offers {offered}",
                code="bad-script",
                subjects={"scene": run.state.scene},
            )
        t = self.turns[self.index]
        self.current = t
        self.index += 1
        # a cue not shown, a choice not offered, or a wait without a timeout: Run refuses it with an
        # EngineError naming the scene and what was offered; play_text adds the script's position
        d = Decision(t.kind, t.choice, t.noticed, t.reflection, 0, t)
        self.player.show_decision(view, d)
        return d


# --- the picker ---------------------------------------------------------------------------------------


def cmd_picker(args: argparse.Namespace, out: TextIO, stdin: TextIO | None) -> int:
    from simulator.records.cards import load_cards

    scenarios = load_cards(SCENARIOS)
    if not scenarios:
        out.write(f"No playable scenarios found in {SCENARIOS}.\n")
        return EXIT_PROBLEM
    if _gui_or_notice(out):
        from simulator.shells.player.main import play_window

        return play_window(scenarios, on_save=_gui_saver(args, out), data=args.data)
    from simulator.shells.textplayer import Left, Screen, intro_lines, whole_number

    screen = Screen(out)
    ask = _asker(stdin, out)
    while True:
        screen.rule("Rehearse: choose a conversation")
        for i, sc in enumerate(scenarios, 1):
            screen.item(f"{i}.", intro_lines(sc))
        try:
            a = ask(f"Type 1-{len(scenarios)} to begin, or q to quit: ").strip().lower()
        except EOFError:
            return EXIT_OK
        if a in ("q", "quit", "exit"):
            return EXIT_OK
        number = whole_number(a)
        if number is None or not 1 <= number <= len(scenarios):
            out.write(f"Please type a number from 1 to {len(scenarios)}.\n")
            continue
        try:
            m = (
                ask("Coach mode (feedback after each choice) or assess mode (feedback at the end)? Type c or a [c]: ")
                .strip()
                .lower()
            )
        except EOFError:
            return EXIT_OK
        args = argparse.Namespace(
            seed=None,
            mode="assess" if m.startswith("a") else "coach",
            timed=False,
            log=None,
            data=args.data,
            profile=args.profile,
        )
        from simulator.core.errors import ScenarioError
        from simulator.core.loader import load_file

        try:
            play_text(load_file(scenarios[number - 1].path), args, out, stdin)
        except ScenarioError as e:  # the file changed since the picker read its card
            _print_diagnostics(e, sys.stderr)
        except Left:
            pass


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
