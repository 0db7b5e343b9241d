"""The record commands: history, resume, forget, report, progress, export, compare."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from simulator.shells.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    _gui_or_notice,
    _not_a_file,
    _open_records,
    _warn,
    records_options,
)
from simulator.shells.cli.play import play_text


def register(sub) -> None:
    """Add this group's commands to the parser."""
    cmp = sub.add_parser(
        "compare",
        help="compare two runs of one scenario from their logs",
        description="Where two runs of the same scenario diverged, the choices taken there, and the "
        "difference in each dimension and in the ending.",
    )
    cmp.add_argument("log_a", metavar="LOG_A")
    cmp.add_argument("log_b", metavar="LOG_B")
    cmp.add_argument("--format", choices=("text", "json"), default="text")

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

    cmp.set_defaults(run=cmd_compare)
    hi.set_defaults(run=cmd_history)
    rs.set_defaults(run=cmd_resume)
    fg.set_defaults(run=cmd_forget)
    rp.set_defaults(run=cmd_report)
    pg.set_defaults(run=cmd_progress)
    ex2.set_defaults(run=cmd_export)


def _when(t: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))
    except (TypeError, ValueError, OverflowError, OSError):  # a damaged row's time
        return "(unknown time)"


def cmd_history(args, out: TextIO, stdin) -> int:
    records = _open_records(args, out)
    if records is None:
        return EXIT_PROBLEM
    rows = records.runs(profile=None if args.all else args.profile, scenario=args.scenario)
    if args.format == "json":
        out.write(json.dumps([r.__dict__ for r in rows], indent=2) + "\n")
        return EXIT_OK
    if not rows:
        out.write("No runs yet. Play one with `rehearse`.\n")
        return EXIT_OK
    out.write(f"{'started':17} {'scenario':26} {'turns':>5}  {'result':28} {'profile'}\n")
    for r in rows:
        result = (f"{r.ending} ({r.outcome})" if r.ended else "unfinished") + (
            "  needs another run" if r.critical else ""
        )
        out.write(f"{_when(r.started_at):17} {r.scenario_id[:26]:26} {r.turns:>5}  {result[:28]:28} {r.profile}\n")
    return EXIT_OK


def cmd_forget(args, out: TextIO, stdin) -> int:
    records = _open_records(args, out)
    if records is None:
        return EXIT_PROBLEM
    if args.profile not in records.profiles():
        out.write(f"There is no profile '{args.profile}' in {records.path}.\n")
        return EXIT_OK
    if not args.yes:
        n = len(records.runs(profile=args.profile))
        out.write(
            f"This deletes profile '{args.profile}' and its {n} run(s) from {records.path}. "
            "Run again with --yes to do it.\n"
        )
        return EXIT_PROBLEM
    n = records.forget(args.profile)
    out.write(f"Deleted profile '{args.profile}' and {n} run(s).\n")
    return EXIT_OK


def cmd_resume(args, out: TextIO, stdin) -> int:
    from simulator.core.errors import ScenarioError
    from simulator.core.loader import load_file
    from simulator.session.run import LogError, replay

    records = _open_records(args, out)
    if records is None:
        return EXIT_PROBLEM
    rows = records.runs(profile=args.profile, unfinished=True)
    if not rows:
        out.write("No unfinished runs to continue.\n")
        return EXIT_OK
    rows = sorted(rows, key=lambda r: r.updated_at, reverse=True)
    if args.list:
        for i, r in enumerate(rows, 1):
            out.write(f"{i}. {r.title or r.scenario_id}: {r.turns} turn(s), last played {_when(r.updated_at)}\n")
        return EXIT_OK
    n = args.number or 1
    if not 1 <= n <= len(rows):
        sys.stderr.write(f"rehearse: error: choose a run from 1 to {len(rows)} (rehearse resume --list)\n")
        return EXIT_PROBLEM
    row = rows[n - 1]
    if not row.scenario_path or not Path(row.scenario_path).exists():
        sys.stderr.write(f"rehearse: the scenario file of that run ({row.scenario_path}) is no longer there\n")
        return EXIT_PROBLEM
    try:
        scenario = load_file(row.scenario_path)
    except ScenarioError as e:
        sys.stderr.write(e.render() + "\nrehearse: that scenario has errors now; fix them to continue the run\n")
        return EXIT_PROBLEM
    log = _record_log(records, row, skip=False)
    if log is None:
        return EXIT_PROBLEM
    try:
        done = replay(scenario, log, shuffle=True)  # a resumed run is played by a person
    except LogError as e:
        sys.stderr.write(f"rehearse: the stored run cannot be continued: {e}\n")
        return EXIT_PROBLEM
    run = done.run
    if scenario.sha256 != row.scenario_sha256:
        out.write("(The scenario changed since this run; it continues as far as the new version allows.)\n")
    out.write(f"Continuing {scenario.title} after {done.taken} turn(s).\n")
    if not args.text and _gui_or_notice(out):
        from simulator.records.saving import Saving
        from simulator.shells.player.main import play_window

        saving = Saving(records, profile=args.profile, warn=_warn)
        saving(run, (row.id, row.started_at))  # the resumed run goes on in its own record
        return play_window([scenario], resume=run, saving=saving)
    args.log = None
    return play_text(scenario, args, out, stdin, run=run, record=(row.id, row.started_at))


def _logs(args, out: TextIO) -> list[dict] | None:
    """The run logs a report reads: a folder of JSON logs (--logs) or the records; --since, --scenario."""
    import datetime as dt

    since = None
    if getattr(args, "since", None):
        try:
            since = dt.datetime.strptime(args.since, "%Y-%m-%d").timestamp()
        except ValueError:
            sys.stderr.write(f"rehearse: error: --since {args.since}: write the date as YYYY-MM-DD\n")
            return None
    logs: list[dict] = []
    if getattr(args, "logs", None):
        from simulator.records.logs import LogError, read_log

        folder = Path(args.logs)
        if not folder.is_dir():
            sys.stderr.write(f"rehearse: error: {folder} is not a folder\n")
            return None
        for f in sorted(folder.rglob("*.json")):
            try:
                if since and f.stat().st_mtime < since:
                    continue
                logs.append(read_log(str(f)))
            except LogError as e:  # one bad log costs only itself
                sys.stderr.write(f"rehearse: skipped {e}\n")
            except OSError as e:  # gone since the folder was listed, or unreadable
                sys.stderr.write(f"rehearse: skipped {f}: cannot read it ({e.strerror or e})\n")
    else:
        records = _open_records(args, out)
        if records is None:
            return None
        for r in records.runs(profile=None if getattr(args, "all", True) else args.profile):
            if since and r.started_at < since:
                continue
            log = _record_log(records, r)
            if log is not None:
                logs.append(log)
    if getattr(args, "scenario", None):
        logs = [g for g in logs if g["scenario"]["id"] == args.scenario]
    return logs


def _record_log(records, row, *, skip: bool = True) -> dict | None:
    """The checked log of one stored run. A damaged one is skipped with a line naming it (None), so
    it never blocks a report or an export of the others; with skip=False the line is an error."""
    from scoring.compare import LogError, check_log, parse_log_text

    name = f"the run of {row.scenario_id} started {_when(row.started_at)} (id {row.id}) in {records.path}"
    try:
        return check_log(parse_log_text(records.log_text(row.id), name), name)
    except LogError as e:
        sys.stderr.write(f"rehearse: {'skipped ' if skip else 'error: '}{e}\n")
        return None


def cmd_report(args, out: TextIO, stdin) -> int:
    from scoring.reports import build_tables, render_html

    logs = _logs(args, out)
    if logs is None:
        return EXIT_PROBLEM
    target = Path(args.output)
    tables = build_tables(logs)
    outputs = [(target, render_html(tables))]
    outputs += [(target.with_name(f"{target.stem}-{t.name}.csv"), t.csv()) for t in tables]
    for path, text in outputs:
        if not _write_output(path, text):
            return EXIT_PROBLEM
    out.write(f"Wrote {target} and {len(tables)} CSV files beside it, from {len(logs)} run(s).\n")
    return EXIT_OK


def _write_output(path: Path, text: str) -> bool:
    """Write one output whole (see store.write_text_atomic), or say why not and return False."""
    from simulator.records.store import write_text_atomic

    if path.is_dir():
        sys.stderr.write(f"rehearse: error: {path} is a folder; give -o a file name\n")
        return False
    if not path.parent.is_dir():
        sys.stderr.write(f"rehearse: error: cannot write {path}: the folder {path.parent} does not exist\n")
        return False
    try:
        write_text_atomic(path, text)
    except OSError as e:
        sys.stderr.write(f"rehearse: error: cannot write {path}: {e.strerror or e} (nothing was written there)\n")
        return False
    return True


def cmd_progress(args, out: TextIO, stdin) -> int:
    """Each dimension's percent over a profile's finished runs, per scenario (text, and an SVG chart)."""
    records = _open_records(args, out)
    if records is None:
        return EXIT_PROBLEM
    rows = records.progress(profile=args.profile, scenario=args.scenario)
    if not rows:
        out.write("No finished runs yet: progress appears after your first finished run.\n")
        return EXIT_OK
    from collections import defaultdict

    series: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for sid, _, dim, pct in rows:
        series[sid][dim].append(pct)
    charts = []
    for sid, dims in sorted(series.items()):
        out.write(f"\n{sid}\n")
        out.write(f"  {'dimension':18}{'runs':>5}{'first':>7}{'latest':>8}{'best':>6}  trend\n")
        for dim, vals in sorted(dims.items()):
            trend = "up" if vals[-1] > vals[0] else ("down" if vals[-1] < vals[0] else "level")
            out.write(f"  {dim:18}{len(vals):>5}{vals[0]:>6.0f}%{vals[-1]:>7.0f}%{max(vals):>5.0f}%  {trend}\n")
        from scoring.charts import line_chart

        charts.append(line_chart(f"{sid}: percent per dimension over your runs", dict(dims)))
    if args.output:
        html = "<!doctype html><meta charset='utf-8'><title>Progress</title>" + "".join(charts)
        if not _write_output(Path(args.output), html if args.output.endswith(".html") else charts[0]):
            return EXIT_PROBLEM
        out.write(f"\nWrote {args.output}\n")
    return EXIT_OK


def cmd_export(args, out: TextIO, stdin) -> int:
    import os

    if not (args.output or args.lrs):
        sys.stderr.write("rehearse: error: export needs -o FILE.jsonl, --lrs URL, or both\n")
        return EXIT_USAGE

    from scoring.xapi import statements
    from simulator.records.lrs import LRSError, auth_from_env, send

    records = _open_records(args, out)
    if records is None:
        return EXIT_PROBLEM
    rows = []
    stmts = []
    for r in records.runs(profile=None if args.all else args.profile):
        log = _record_log(records, r)
        if log is not None:
            rows.append(r)
            stmts += statements(log, run_id=r.id, profile=r.profile, started_at=r.started_at)
    if args.output:
        if not _write_output(Path(args.output), "".join(json.dumps(st, ensure_ascii=False) + "\n" for st in stmts)):
            return EXIT_PROBLEM
        out.write(f"Wrote {len(stmts)} xAPI statement(s) from {len(rows)} run(s) to {args.output}\n")
    if args.lrs:
        endpoint = args.lrs
        try:
            n = send(
                stmts,
                endpoint,
                auth_from_env(os.environ),
                already=records.sent(endpoint),
                mark=lambda ids: records.mark_sent(endpoint, ids),
            )
        except LRSError as e:
            sys.stderr.write(f"rehearse: {e}\n  (what was delivered is remembered; run again to send the rest)\n")
            return EXIT_PROBLEM
        out.write(f"Sent {n} new statement(s) to {endpoint} ({len(stmts) - n} were already there).\n")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, out: TextIO, stdin: TextIO | None = None) -> int:
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
