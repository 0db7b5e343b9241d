"""Scoring: rubric dimensions, run scores with their reachable bounds, feedback and analysis.

The core's scoring room: pure, headless. Its modules may import simulator.core.engine, simulator.core.model,
simulator.core.guards, numpy and the standard library; never pygame, Flask, sqlite3, a player or the clock.
(Known exceptions, listed in tests/test_imports.py KNOWN under issue 12: xapi.send's network I/O and
sleep, and reports' charts.)"""
