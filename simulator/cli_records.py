"""The record commands: history, resume, forget. (Split from cli.py to keep it readable.)

May import: simulator.cli, records, loader, the standard library."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

from simulator.cli import EXIT_OK, EXIT_PROBLEM, _gui_or_notice, _open_records, play_text


def _when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


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
    from simulator.errors import ScenarioError
    from simulator.loader import load_file
    from simulator.records import replay

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
    log = records.log(row.id)
    run, replayed = replay(scenario, log)
    if scenario.sha256 != row.scenario_sha256:
        out.write("(The scenario changed since this run; it continues as far as the new version allows.)\n")
    out.write(f"Continuing {scenario.title} after {replayed} turn(s).\n")
    if not args.text and _gui_or_notice(out):
        from simulator.player.main import play_window

        def save(r) -> None:
            records.track(r, args.profile, run_id=row.id if r is run else None, started_at=row.started_at)

        return play_window([scenario], resume=run, on_save=save)
    args.log = None
    return play_text(scenario, args, out, stdin, run=run, record=(row.id, row.started_at))
