"""The graphical player (pygame-ce): a thin shell over Run and the scoring module's debrief."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
