"""`python -m simulator` is the `rehearse` command."""

from simulator.shells.cli import entry

entry()
