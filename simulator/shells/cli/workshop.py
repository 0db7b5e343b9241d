"""The workshop command: a scenario on a projector, the room voting from phones."""

from __future__ import annotations

import sys
from typing import TextIO

from simulator.shells.cli.common import EXIT_OK, EXIT_PROBLEM, SCENARIO_ARG, _gui_or_notice, records_options
from simulator.shells.cli.play import _gui_saver


def register(sub) -> None:
    """Add this group's commands to the parser."""
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

    wk.set_defaults(run=cmd_workshop)


def cmd_workshop(args, out: TextIO, stdin) -> int:
    from simulator.core.errors import ScenarioError
    from simulator.core.loader import load_file

    try:
        scenario = load_file(args.file)
    except ScenarioError as e:
        for d in e.diagnostics:
            sys.stderr.write(d.render() + "\n")
        return EXIT_PROBLEM
    if not _gui_or_notice(out):
        sys.stderr.write("rehearse: the workshop needs a display (a projector); it has no text version yet\n")
        return EXIT_PROBLEM
    from simulator.shells.player.main import play_window

    args.profile = "workshop" if getattr(args, "profile", "me") == "me" else args.profile

    def prepare(player):
        player.start_workshop(scenario)
        if args.no_phones:
            return None
        from simulator.shells.workshop_web import VoteServer

        try:
            server = VoteServer(player.workshop, host=args.host, port=args.port).start()
        except OSError as e:
            out.write(f"(The voting page could not start on port {args.port}: {e.strerror or e}; type the counts.)\n")
            return None
        player.vote_url = server.url()
        out.write(f"Phones vote at {player.vote_url} (room code {player.workshop.code}).\n")
        return server.stop

    play_window([], saving=_gui_saver(args, out), data=getattr(args, "data", None), size=(1280, 800), prepare=prepare)
    return EXIT_OK
