"""The graphical player (pygame-ce): a thin shell over Run and the scoring module's debrief.

May import: pygame, run, loader, portrait, resources, scoring, the standard library."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
