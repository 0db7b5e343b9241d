"""Layout: where everything goes, from the window size and the text scale. Pure (no pygame).

Rects are (x, y, w, h) tuples; the drawing code turns them into pygame.Rect."""

from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    margin: int
    body_px: int  # body text size
    title_px: int
    small_px: int
    portrait: Rect  # the student's face
    panel: Rect  # narration and the student's line
    side: Rect  # cues, beside the portrait
    choices: Rect  # the choice buttons
    footer: Rect  # resources, help


def layout(width: int, height: int, scale: float = 1.0) -> Layout:
    """The layout for a window of `width` x `height` at text `scale` (Ctrl +/-)."""
    width, height = max(width, 640), max(height, 480)
    m = max(12, int(min(width, height) * 0.025))
    body = max(14, int(height * 0.024 * scale))
    title = int(body * 1.45)
    small = max(12, int(body * 0.8))
    footer_h = small + 2 * (m // 2) + 4
    top_h = int((height - footer_h) * 0.48)
    face = min(top_h - 2 * m, int(width * 0.24))
    portrait = (m, m, face, face)
    panel_x = m + face + m
    panel = (panel_x, m, width - panel_x - m, top_h - m)
    side = (m, m + face + m // 2, face, top_h - face - m // 2)
    choices = (m, top_h + m // 2, width - 2 * m, height - footer_h - top_h - m)
    footer = (0, height - footer_h, width, footer_h)
    return Layout(width, height, m, body, title, small, portrait, panel, side, choices, footer)
