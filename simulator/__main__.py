"""`python -m simulator` is the `rehearse` command."""

from simulator.cli import entry

entry()
