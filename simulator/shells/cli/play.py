"""Playing: play (window, text player, script), the picker, and the one path that opens the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from simulator.core.errors import ScenarioError
from simulator.records.saving import Saving
from simulator.shells.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    SCENARIO_ARG,
    SCENARIOS,
    _asker,
    _gui_or_notice,
    _not_a_file,
    _open_records,
    _print_diagnostics,
    _seed,
    _warn,
    records_options,
)


def register(sub) -> None:
    """Add this group's commands to the parser."""
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

    records_options(play)
    play.set_defaults(run=cmd_play)


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
                saving=_gui_saver(args, out),
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


def cmd_picker(args: argparse.Namespace, out: TextIO, stdin: TextIO | None) -> int:
    from simulator.records.cards import load_cards

    scenarios = load_cards(SCENARIOS)
    if not scenarios:
        out.write(f"No playable scenarios found in {SCENARIOS}.\n")
        return EXIT_PROBLEM
    if _gui_or_notice(out):
        from simulator.shells.player.main import play_window

        return play_window(scenarios, saving=_gui_saver(args, out), data=args.data)
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
