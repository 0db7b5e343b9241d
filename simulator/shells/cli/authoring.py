"""The authoring commands: check, test, explore, graph, schema, new, import."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from simulator.core.errors import ScenarioError
from simulator.records.store import write_text_atomic as atomic_write
from simulator.shells.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    SCENARIO_ARG,
    SCHEMA_FILE,
    _may_write,
    _not_a_file,
    _output_path,
    _positive,
    _print_diagnostics,
    _say_error,
    _seed,
    _write_file,
    scenario_path,
)

WRITES = (
    "The folder must exist; an existing file is kept unless you pass --force. The editor schema "
    f"({SCHEMA_FILE}) is written beside the file when none is there."
)


def register(sub) -> None:
    """Add this group's commands to the parser."""
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
    check.set_defaults(run=cmd_check)
    ex.set_defaults(run=cmd_explore)
    gr.set_defaults(run=cmd_graph)
    te.set_defaults(run=cmd_test)
    nw.set_defaults(run=cmd_new)
    im.set_defaults(run=cmd_import)
    sc.set_defaults(run=cmd_schema)


def cmd_check(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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


def cmd_test(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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


def cmd_explore(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
    from simulator.authoring.explore import report
    from simulator.core.errors import ScenarioError

    try:
        report(args.file, args.runs, args.seed, args.format, out)
    except ScenarioError as e:
        _print_diagnostics(e, sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def cmd_graph(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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


def cmd_schema(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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


def cmd_new(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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


def cmd_import(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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
