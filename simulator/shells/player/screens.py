"""Drawing the player's screens.

Each draw_* function paints one screen's buttons from its actions (actions.actions_for) and notes where each went (player.regions): geometry only, never meaning."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pygame

from simulator.core.resources import crisis_resources
from simulator.shells.player.actions import Action, buttons, first_card, shown_cards, slot_action
from simulator.shells.player.layout import Layout

# id(font) -> (font, {word: width}). The font is kept in the entry: a freed font's id can be reused
# by a new font of another size (after Ctrl +/-), and its widths must never be read for the new one.
_word_widths: dict[int, tuple[pygame.font.Font, dict[str, int]]] = {}


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """Lines of `text` that fit `width` pixels. Word widths are measured once per font and summed
    (a space between), which is close enough for wrapping and much cheaper than measuring lines."""
    entry = _word_widths.get(id(font))
    if entry is None or entry[0] is not font:
        if len(_word_widths) > 64:  # a long session of zooming: start again
            _word_widths.clear()
        entry = _word_widths[id(font)] = (font, {})
    widths = entry[1]
    if " " not in widths:
        widths[" "] = font.size(" ")[0]
    space = widths[" "]
    lines: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        used = 0
        for word in para.split():
            w = widths.get(word)
            if w is None:
                w = widths[word] = font.size(word)[0]
            if line and used + space + w > width:
                lines.append(" ".join(line))
                line, used = [word], w
            else:
                used += (space if line else 0) + w
                line.append(word)
        lines.append(" ".join(line))
    return lines


def text(p, s: str, x: int, y: int, width: int, px: int, color=None, weight="Regular", gap=1.35) -> int:
    """Draw wrapped text; return the y below it. Wrapped, rendered lines are cached per text and style."""
    color = color or p.t["text"]
    cache = p.__dict__.setdefault("_text_cache", {})
    key = (s, width, px, weight, color, p.scale)
    lines = cache.get(key)
    if lines is None:
        font = p.font(px, weight)
        lines = [font.render(line, True, color) for line in wrap(s, font, width)]
        if len(cache) > 2000:
            cache.clear()
        cache[key] = lines
    for surf in lines:
        p.surface.blit(surf, (x, y))
        y += int(px * gap)
    return y


def text_height(p, s: str, width: int, px: int, weight="Regular", gap=1.35) -> int:
    """How far `text` moves down for `s`, measured without drawing."""
    return len(wrap(s, p.font(px, weight), width)) * int(px * gap)


def _button_lines(p, rect: pygame.Rect, a: Action, px: int) -> tuple[list[str], int]:
    """A button's wrapped lines and its height (grown to fit them), measured without drawing."""
    pad = max(8, px // 2)
    badge_w = (px * 2) if a.badge else 0
    lines = wrap(a.label, p.font(px), rect.w - 2 * pad - badge_w)
    return lines, max(rect.h, len(lines) * int(px * 1.3) + 2 * pad)


def button(p, rect: pygame.Rect, a: Action, px: int) -> int:
    """A large button with an optional number badge; returns its height (grown to fit the text)."""
    number, focused, marked, primary = a.badge, a.focused, a.marked, a.primary
    t = p.t
    font = p.font(px)
    pad = max(8, px // 2)
    badge_w = (px * 2) if number else 0
    lines, h = _button_lines(p, rect, a, px)
    r = pygame.Rect(rect.x, rect.y, rect.w, h)
    fill = t["accent"] if primary else (t["marked"] if marked else t["button"])
    pygame.draw.rect(p.surface, fill, r, border_radius=10)
    if focused:
        pygame.draw.rect(p.surface, t["focus"], r, width=3, border_radius=10)
    color = t["accent_text"] if primary else t["text"]
    if number:
        b = p.font(px, "SemiBold").render(number, True, color)
        p.surface.blit(b, (r.x + pad, r.y + pad))
    y = r.y + pad
    for line in lines:
        p.surface.blit(font.render(line, True, color), (r.x + pad + badge_w, y))
        y += int(px * 1.3)
    p.regions.append((r, a.slot))
    return h


def draw_footer(p, lay: Layout) -> None:
    x, y, w, h = lay.footer
    pygame.draw.rect(p.surface, p.t["panel"], (x, y, w, h))
    pygame.draw.line(p.surface, p.t["bar_bg"], (x, y), (x + w, y), 1)
    msg = "F1 support resources  ·  Esc leave (nothing counts against you)  ·  Ctrl +/- text size  ·  F2 high contrast"
    if p.scenario is not None and p.scenario.sensitive:
        msg = "Need support now? Call or text 988 (US).  ·  " + msg
    px = lay.small_px
    while px > 10 and p.font(px).size(msg)[0] > lay.width - 2 * lay.margin:
        px -= 1  # a large text scale must not push the footer off the screen
    p.surface.blit(p.font(px).render(msg, True, p.t["muted"]), (lay.margin, y + (h - px) // 2 - 2))


PICKER_TITLE = "Rehearse: choose a conversation"


def picker_cols(lay: Layout) -> int:
    return 2 if lay.width >= 1000 else 1


@dataclass
class PickerPage:
    """Where the picker puts everything, measured without drawing."""

    chips: list[tuple[pygame.Rect, Action]]
    rows: list[tuple[pygame.Rect, Action]]  # runs to continue
    cards: list[tuple[pygame.Rect, Action]]  # the cards that fit whole
    top: int  # below the chips and rows: the "nothing matches" note, or "more above"
    first: int  # the first card shown
    shown: int  # how many cards the filters let through
    bottom: int  # where "more below" goes


def picker_page(p, lay: Layout, acts: list[Action]) -> PickerPage:
    """Lay out the picker for `acts`: the chips, the runs to continue, and the cards that fit whole."""
    m = lay.margin
    y = m + text_height(p, PICKER_TITLE, lay.width - 2 * m, lay.title_px, weight="SemiBold")
    # filter chips: topic and grade band (click to filter, click again to clear)
    x = m
    chip_h = lay.small_px * 2
    chips = []
    for field_ in ("band", "topic"):
        for a in buttons(acts, "filter"):
            if a.slot is None or a.slot[1] != field_:
                continue
            w = p.font(lay.small_px).size(a.label)[0] + 24
            if x + w > lay.width - m:
                x, y = m, y + chip_h + 6
            chips.append((pygame.Rect(x, y + 4, w, chip_h), a))
            x += w + 8
        x += 16
    y += chip_h + 16
    rows = []
    for a in buttons(acts, "resume"):
        r = pygame.Rect(m, y, lay.width - 2 * m, 0)
        rows.append((r, a))
        y += _button_lines(p, r, a, lay.small_px)[1] + 6
    bottom = lay.footer[1] - lay.small_px - 14
    n_shown = len(shown_cards(p.ui, p.scenarios))
    if not n_shown:
        return PickerPage(chips, rows, [], y, 0, 0, bottom)
    cols = picker_cols(lay)
    col_w = (lay.width - (cols + 1) * m) // cols
    first = first_card(p.ui, n_shown, cols)
    above = f"▲ {first} more above (scroll, or Page Up)"
    row_y = y + (text_height(p, above, lay.width - 2 * m, lay.small_px) if first else 0)
    heights: list[int] = []
    cards = []
    for i, a in enumerate(buttons(acts, "open")):
        col = i % cols
        if col == 0 and i:
            row_y += max(heights) + m // 2
            heights = []
        rect = pygame.Rect(m + col * (col_w + m), row_y, col_w, 0)
        h = _button_lines(p, rect, replace(a, badge=None), lay.small_px)[1]  # measured without the badge, as ever
        if row_y + h > bottom:
            break
        cards.append((rect, a))
        heights.append(h)
    return PickerPage(chips, rows, cards, y, first, n_shown, bottom)


def picker_fit(p, lay: Layout, acts: list[Action]) -> int:
    """How many of the picker's cards fit whole on the page."""
    return len(picker_page(p, lay, acts).cards)


def draw_picker(p, lay: Layout, acts: list[Action]) -> None:
    m = lay.margin
    page = picker_page(p, lay, acts)
    if page.shown:  # paging goes on from the page shown
        p.ui.first = page.first
    text(p, PICKER_TITLE, m, m, lay.width - 2 * m, lay.title_px, weight="SemiBold")
    for r, a in page.chips + page.rows + page.cards:
        button(p, r, a, lay.small_px)
    if not page.shown:
        text(
            p,
            "No scenario matches these filters; click a highlighted filter to clear it.",
            m,
            page.top,
            lay.width - 2 * m,
            lay.body_px,
            color=p.t["muted"],
        )
        return
    if page.first:
        text(
            p,
            f"▲ {page.first} more above (scroll, or Page Up)",
            m,
            page.top,
            lay.width - 2 * m,
            lay.small_px,
            color=p.t["muted"],
        )
    more = page.shown - page.first - len(page.cards)
    if more > 0:
        text(
            p,
            f"▼ {more} more below (scroll, or Page Down)",
            m,
            page.bottom + 4,
            lay.width - 2 * m,
            lay.small_px,
            color=p.t["accent"],
            weight="SemiBold",
        )


def draw_note(p, lay: Layout, acts: list[Action]) -> None:
    """The scenario's introduction, at the largest text size that keeps Begin on screen."""
    _fit(p, lay, lambda p_, lay_, k: _draw_intro(p_, lay_, k, acts))


def _fit(p, lay: Layout, draw) -> None:
    """Draw with `draw(p, lay, scale)` at the largest scale (down from 1) whose bottom stays above
    the footer, measuring on a scratch surface first."""
    scratch = p.__dict__.get("_scratch")
    if scratch is None or scratch.get_size() != p.surface.get_size():
        scratch = p._scratch = pygame.Surface(p.surface.get_size())
    scale = 1.0
    for _ in range(8):
        real, regions = p.surface, list(p.regions)
        p.surface = scratch
        try:
            bottom = draw(p, lay, scale)
        finally:
            p.surface, p.regions = real, regions
        if bottom <= lay.footer[1] - 4 or scale <= 0.55:
            break
        scale -= 0.07
    draw(p, lay, scale)


def _draw_intro(p, lay: Layout, k: float, acts: list[Action]) -> int:
    """The scenario's introduction: what it is, who the student is, what you practise; the content
    note and crisis resources before a sensitive scenario; then an explicit Begin."""
    sc = p.scenario
    lay = _scaled(lay, k)
    m = lay.margin
    w = min(lay.width - 2 * m, 980)
    x = (lay.width - w) // 2
    y = text(p, sc.title, x, m * 2, w, lay.title_px, weight="SemiBold")
    y = text(p, sc.summary.strip(), x, y + 4, w, lay.body_px)
    name = getattr(sc, "student_name", None) or getattr(getattr(sc, "student", None), "name", None)
    about = getattr(sc, "about", None) or getattr(getattr(sc, "student", None), "about", None)
    if name:
        y = text(
            p,
            f"Student: {name}" + (f". {_first_sentences(about.strip(), 260)}" if about else ""),
            x,
            y + m // 2,
            w,
            lay.small_px + 1,
            color=p.t["muted"],
        )
    goals = tuple(getattr(sc, "learning_goals", ()) or ())
    if goals:
        y = text(p, "You are practising:", x, y + m // 2, w, lay.small_px + 1, weight="SemiBold")
        for g in goals[:4]:
            y = text(p, f"• {g}", x + m, y, w - m, lay.small_px + 1)
    if sc.content_note:
        y = text(p, "Content note", x, y + m, w, lay.body_px, weight="SemiBold", color=p.t["accent"])
        y = text(p, sc.content_note.strip(), x, y + 4, w, lay.body_px)
        y = _resources_block(p, x, y + m, w, lay)
    mode = (
        "Coach mode: feedback after each choice."
        if p.mode == "coach"
        else "Assess mode: feedback waits for the debrief."
    )
    y = text(
        p,
        mode + " Leave at any moment with Esc; nothing counts against you.",
        x,
        y + m // 2,
        w,
        lay.small_px,
        color=p.t["muted"],
    )
    h = _button_in(p, acts, ("continue",), pygame.Rect(x, y + m, min(w, 420), lay.body_px * 2 + 8), lay.body_px)
    _button_in(
        p, acts, ("leave",), pygame.Rect(x + min(w, 420) + m, y + m, min(w, 300), lay.body_px * 2 + 8), lay.body_px
    )
    return y + m + h


def _button_in(p, acts: list[Action], slot: tuple, rect: pygame.Rect, px: int) -> int:
    """Draw the button named `slot` if the screen offers it; its height (0 if not offered)."""
    a = slot_action(acts, slot)
    return button(p, rect, a, px) if a is not None else 0


def _scaled(lay: Layout, k: float) -> Layout:
    if k >= 1:
        return lay
    return replace(
        lay,
        body_px=max(11, int(lay.body_px * k)),
        title_px=max(14, int(lay.title_px * k)),
        small_px=max(10, int(lay.small_px * k)),
        margin=max(8, int(lay.margin * k)),
    )


def _first_sentences(text_: str, limit: int) -> str:
    """As many whole sentences as fit in `limit` characters (at least the first)."""
    out = ""
    for part in text_.replace("? ", "?|").replace(". ", ".|").replace("! ", "!|").split("|"):
        if out and len(out) + len(part) + 1 > limit:
            break
        out = f"{out} {part}".strip()
    return out


def _resources_block(p, x, y, w, lay) -> int:
    res = crisis_resources()
    y = text(p, "Support, if you or someone you know needs it now:", x, y, w, lay.body_px, weight="SemiBold")
    for name, how in res.resources:
        y = text(p, f"{name}: {how}", x + lay.margin, y, w - lay.margin, lay.small_px + 1)
    y = text(p, res.school_note, x, y + 4, w, lay.small_px + 1, color=p.t["muted"])
    return text(p, res.educator_note, x, y + 4, w, lay.small_px + 1, color=p.t["muted"])


def draw_resources(p, lay: Layout, acts: list[Action]) -> None:
    m = lay.margin
    w = min(lay.width - 2 * m, 980)
    x = (lay.width - w) // 2
    y = text(p, "Support resources", x, m * 2, w, lay.title_px, weight="SemiBold")
    y = _resources_block(p, x, y + m, w, lay)
    _button_in(p, acts, ("continue",), pygame.Rect(x, y + m, 360, lay.body_px * 2 + 8), lay.body_px)


def draw_scene(p, lay: Layout, acts: list[Action]) -> None:
    run = p.run
    view = run.view()
    t = p.t
    px, py, pw, ph = lay.portrait
    pygame.draw.ellipse(p.surface, t["face_bg"], (px, py, pw, ph))
    p.surface.blit(p.face(pw), (px, py))
    st = run.scenario.student
    text(
        p, st.name + (f"  ({st.pronouns})" if st.pronouns else ""), px, py + ph + 4, pw, lay.small_px, color=t["muted"]
    )
    x, y, w, h = lay.panel
    pygame.draw.rect(p.surface, t["panel"], (x, y, w, h), border_radius=12)
    pad = lay.margin
    ty = y + pad
    for kind, line in view.lines:
        if kind == "student":
            quoted = line.strip() if line.strip()[:1] in "\"'“" else f"“{line.strip()}”"
            ty = text(p, f"{st.name}: {quoted}", x + pad, ty, w - 2 * pad, lay.body_px, weight="SemiBold")
        else:
            ty = text(p, line.strip(), x + pad, ty, w - 2 * pad, lay.body_px, color=t["text"])
        ty += lay.body_px // 2
    if view.timeout_seconds and p.deadline:
        import time

        left = max(0, int(p.deadline - time.monotonic()))
        text(
            p,
            f"This moment lasts about {left} more seconds.",
            x + pad,
            y + h - lay.small_px - pad,
            w,
            lay.small_px,
            color=t["muted"],
        )
    _fit_decision(p, lay, view, acts)


def _fit_decision(p, lay: Layout, view, acts: list[Action]) -> None:
    """Draw the cues and choices at the largest text size (down from the layout's) that keeps every
    choice above the footer, so a small window or a large text scale never hides a choice."""
    limit = lay.footer[1] - 6
    scratch = p.__dict__.get("_scratch")
    if scratch is None or scratch.get_size() != p.surface.get_size():
        scratch = p._scratch = pygame.Surface(p.surface.get_size())
    for shrink in range(0, 10):
        px, small = max(11, lay.body_px - shrink * 2), max(11, lay.small_px + 1 - shrink * 2)
        real, regions = p.surface, list(p.regions)
        p.surface = scratch
        try:
            bottom = _draw_decision(p, lay, view, px, small, acts)
        finally:
            p.surface, p.regions = real, regions
        if bottom <= limit or px == 11:
            break
    _draw_decision(p, lay, view, px, small, acts)


def _draw_decision(p, lay: Layout, view, px: int, small: int, acts: list[Action]) -> int:
    t = p.t
    cx, cy, cw, _ = lay.choices
    if view.cues:
        label = (
            "What do you notice? Press a number or click to mark; Enter when done."
            if p.ui.phase == "notice"
            else "What you noticed (click to change):"
        )
        cy = text(
            p,
            label,
            cx,
            cy,
            cw,
            small,
            color=t["accent"] if p.ui.phase == "notice" else t["muted"],
            weight="SemiBold",
        )
        cols = 2 if cw > 900 else 1
        colw = (cw - (cols - 1) * lay.margin) // cols
        row = []
        cues = buttons(acts, "toggle")
        for i, a in enumerate(cues):
            r = pygame.Rect(cx + (i % cols) * (colw + lay.margin), cy, colw, 0)
            row.append(button(p, r, a, small))
            if i % cols == cols - 1 or i == len(cues) - 1:
                cy += max(row) + 6
                row = []
        cy += lay.margin // 2
    active = p.ui.phase == "choose"
    cy = text(
        p,
        "What do you do?" + ("  (a number, arrows + Enter, or click)" if active else ""),
        cx,
        cy,
        cw,
        small,
        color=t["accent"] if active else t["muted"],
        weight="SemiBold",
    )
    for a in buttons(acts, "choose"):
        cy += button(p, pygame.Rect(cx, cy, cw, 0), a, px) + 8
    return cy


def draw_feedback(p, lay: Layout, acts: list[Action]) -> None:
    turn = p.ui.last_turn
    m = lay.margin
    w = min(lay.width - 2 * m, 1000)
    x = (lay.width - w) // 2
    y = text(p, "Coach", x, m * 2, w, lay.title_px, weight="SemiBold", color=p.t["accent"])
    did = turn.choice.text if turn.choice else "You waited."
    y = text(p, f"You: {did}", x, y + m // 2, w, lay.body_px, color=p.t["muted"])
    y = text(p, turn.feedback.strip(), x, y + m, w, lay.body_px + 2)
    if turn.critical:
        y = text(
            p,
            "This is a critical safety error in most district protocols; the debrief explains it.",
            x,
            y + m,
            w,
            lay.body_px,
            color=p.t["poor"],
            weight="SemiBold",
        )
    _button_in(p, acts, ("continue",), pygame.Rect(x, y + m * 2, 360, lay.body_px * 2 + 8), lay.body_px)


def draw_reflect(p, lay: Layout, acts: list[Action]) -> None:
    scene = p.run.view().scene
    m = lay.margin
    w = min(lay.width - 2 * m, 1000)
    x = (lay.width - w) // 2
    y = text(p, "Reflect", x, m * 2, w, lay.title_px, weight="SemiBold", color=p.t["accent"])
    y = text(p, scene.reflect.strip(), x, y + m // 2, w, lay.body_px + 2)
    box = pygame.Rect(x, y + m, w, lay.body_px * 6)
    pygame.draw.rect(p.surface, p.t["panel"], box, border_radius=8)
    pygame.draw.rect(p.surface, p.t["focus"], box, width=2, border_radius=8)
    text(p, (p.ui.reflection or "") + "|", x + 10, box.y + 10, w - 20, lay.body_px)
    text(
        p,
        "Type a sentence or two (saved, never scored). Enter to continue; Esc to skip.",
        x,
        box.bottom + 8,
        w,
        lay.small_px,
        color=p.t["muted"],
    )


def draw_debrief(p, lay: Layout, acts: list[Action]) -> None:
    from scoring.feedback import build_debrief, mood_series

    run = p.run
    key = (id(run), len(run.turns))
    if getattr(p, "_debrief_key", None) != key:  # the debrief needs the run's search: build it once
        p._debrief_key, p._debrief = key, (build_debrief(run.played()), mood_series(run.played()))
    db, (names, series) = p._debrief
    t = p.t
    m = lay.margin
    w = lay.width - 2 * m
    x = m
    y = m - p.ui.debrief_scroll
    if db.ending:
        color = t[db.ending.outcome] if db.ending.outcome in t else t["text"]
        y = text(p, f"{db.ending.title}", x, y, w, lay.title_px, weight="SemiBold", color=color)
        y = text(p, f"Ending: {db.ending.outcome}. {db.ending.debrief or ''}", x, y, w, lay.body_px)
    if db.critical:
        y = text(
            p,
            "Needs another run: this run took a step that district protocols treat as a critical safety error. "
            "The notes below explain it.",
            x,
            y + 6,
            w,
            lay.body_px,
            color=t["poor"],
            weight="SemiBold",
        )
    # per-dimension bars (percent of the reachable range), labelled in words and numbers
    y += m // 2
    bar_w = min(420, w // 3)
    left_w = w - bar_w - m
    chart_h = 0
    by = y
    for r in db.dimensions:
        d = r.score
        label = f"{r.title}: {d.raw:+d} of {d.min:+d}..{d.max:+d}  ({d.percent:.0f}%)"
        p.surface.blit(p.font(lay.small_px + 1).render(label, True, t["text"]), (x, by))
        bar = pygame.Rect(x + int(left_w * 0.45), by + 2, int(left_w * 0.5), lay.small_px)
        pygame.draw.rect(p.surface, t["bar_bg"], bar, border_radius=4)
        filled = bar.copy()
        filled.w = int(bar.w * (d.percent or 0) / 100)
        pygame.draw.rect(p.surface, t["accent"], filled, border_radius=4)
        by += lay.small_px + 10
    # mood timeline
    chart = pygame.Rect(x + left_w + m, y, bar_w, max(170, by - y))
    pygame.draw.rect(p.surface, t["panel"], chart, border_radius=8)
    cap = p.font(lay.small_px - 1).render("Mood over the run (start, then after each turn)", True, t["muted"])
    p.surface.blit(cap, (chart.x + 10, chart.bottom - lay.small_px - 4))
    chart = pygame.Rect(chart.x, chart.y + lay.small_px + 8, chart.w, chart.h - 2 * lay.small_px - 14)
    styles = {"stress": (t["poor"], 0), "trust": (t["good"], 1), "openness": (t["accent"], 2)}
    for name in names:
        if name not in styles or len(series) < 2:
            continue
        color, dash = styles[name]
        j = names.index(name)
        pts = [
            (chart.x + 10 + i * (chart.w - 20) / (len(series) - 1), chart.bottom - 10 - v * (chart.h - 30))
            for i, v in enumerate(series[:, j])
        ]
        pygame.draw.lines(p.surface, color, False, pts, 3)
        for pt in pts:  # markers differ per line, so colour is not the only cue
            if dash == 0:
                pygame.draw.circle(p.surface, color, pt, 4)
            elif dash == 1:
                pygame.draw.rect(p.surface, color, (pt[0] - 4, pt[1] - 4, 8, 8))
            else:
                pygame.draw.polygon(
                    p.surface, color, [(pt[0], pt[1] - 5), (pt[0] - 5, pt[1] + 4), (pt[0] + 5, pt[1] + 4)]
                )
        p.surface.blit(
            p.font(lay.small_px).render(f"{name} ({'●■▲'[dash]})", True, color),
            (chart.x + 10 + (chart.w // 3) * dash, chart.y - lay.small_px - 4),
        )
    chart_h = chart.h
    y = max(by, y + chart_h) + m // 2
    if db.turning_points:
        y = text(p, "Turning points", x, y, w, lay.body_px, weight="SemiBold")
        for tp in db.turning_points:
            y = text(p, f"Turn {tp.turn}: {tp.text}", x + m, y, w - m, lay.small_px + 1)
            if tp.feedback:
                y = text(p, tp.feedback.strip(), x + 2 * m, y, w - 2 * m, lay.small_px + 1, color=t["muted"])
            if tp.better is not None:
                y = text(
                    p,
                    f"Another choice here: {tp.better.text.strip()}",
                    x + 2 * m,
                    y,
                    w - 2 * m,
                    lay.small_px + 1,
                    color=t["accent"],
                )
            y += 4
    if db.misses or db.false_alarms:
        y = text(p, "Cues", x, y + 6, w, lay.body_px, weight="SemiBold")
        for c in db.misses:
            y = text(p, f"Missed: {c.text} {c.note}", x + m, y, w - m, lay.small_px + 1)
        for c in db.false_alarms:
            y = text(p, f"False alarm: {c.text} {c.note}", x + m, y, w - m, lay.small_px + 1)
    if db.reflections:
        y = text(p, "Your reflections", x, y + 6, w, lay.body_px, weight="SemiBold")
        for r in db.reflections:
            y = text(p, f"{r.prompt} {r.text}", x + m, y, w - m, lay.small_px + 1)
        y += _button_in(p, acts, ("share",), pygame.Rect(x + m, y + 4, min(w - m, 640), 0), lay.small_px) + 8
    if db.discussion:
        y = text(p, "To discuss", x, y + 6, w, lay.body_px, weight="SemiBold")
        for q in db.discussion:
            y = text(p, f"• {q}", x + m, y, w - m, lay.small_px + 1)
    if p.previous_run is not None:
        from scoring.compare import compare_logs

        c = compare_logs(p.previous_run.log(), run.log())
        y = text(p, "Compared with the run you rewound", x, y + 6, w, lay.body_px, weight="SemiBold")
        changes = [f"{name.replace('_', ' ')} {r['change']:+d}" for name, r in c.dimensions.items() if r["change"]]
        y = text(
            p,
            f"Ending: {c.endings[0]} -> {c.endings[1]}.  "
            + ("Scores: " + ", ".join(changes) if changes else "Scores unchanged."),
            x + m,
            y,
            w - m,
            lay.small_px + 1,
        )
    y += m
    y = text(
        p,
        "Go back to a decision and try another choice (your run is kept):",
        x,
        y,
        w,
        lay.small_px + 1,
        color=t["muted"],
    )
    bx = x
    for a in buttons(acts, "rewind"):
        button(p, pygame.Rect(bx, y, 150, lay.small_px * 2 + 6), a, lay.small_px)
        bx += 160
        if bx > x + w - 160:
            bx, y = x, y + lay.small_px * 2 + 14
    y += lay.small_px * 2 + 20
    _button_in(p, acts, ("replay",), pygame.Rect(x, y, 260, lay.body_px * 2 + 6), lay.body_px)
    _button_in(p, acts, ("picker",), pygame.Rect(x + 280, y, 300, lay.body_px * 2 + 6), lay.body_px)


def draw_watch_errors(p, lay: Layout) -> None:
    """Live authoring: the file on disk is broken; say where, and keep playing the last good version."""
    m = lay.margin
    lines = [d.render().replace("\n", "  ") for d in p.watch_errors[:4]]
    more = len(p.watch_errors) - 4
    h = (len(lines) + 2) * (lay.small_px + 6) + m
    box = pygame.Rect(m, m, lay.width - 2 * m, h)
    pygame.draw.rect(p.surface, p.t["panel"], box, border_radius=8)
    pygame.draw.rect(p.surface, p.t["poor"], box, width=3, border_radius=8)
    y = text(
        p,
        "The file has errors; still playing the last good version:",
        box.x + m // 2,
        box.y + m // 2,
        box.w - m,
        lay.small_px + 1,
        color=p.t["poor"],
        weight="SemiBold",
    )
    for line in lines + ([f"... and {more} more"] if more > 0 else []):
        y = text(p, line, box.x + m // 2, y, box.w - m, lay.small_px)


def draw_workshop(p, lay: Layout, acts: list[Action]) -> None:
    """Projector layout: the scene, then the room's vote, then the tally as a bar chart."""
    ws = p.workshop
    run = p.run
    view = run.view()
    t = p.t
    m = lay.margin
    w = lay.width - 2 * m
    side = 0
    if p.vote_url:  # the phone address, room code and QR code, on the right
        side = min(300, lay.width // 4)
        _draw_qr(p, f"{p.vote_url}r/{ws.code}", lay.width - m - side, m, side)
        y = m + side + 8
        y = text(p, f"Vote on your phone: {p.vote_url}", lay.width - m - side, y, side, lay.small_px)
        text(
            p,
            f"Room code {ws.code}",
            lay.width - m - side,
            y + 4,
            side,
            lay.body_px,
            weight="SemiBold",
            color=t["accent"],
        )
        w -= side + m
    y = m
    for kind, line in view.lines:
        who = f"{run.scenario.student.name}: " if kind == "student" else ""
        y = text(p, who + line.strip(), m, y, w, lay.body_px, weight="SemiBold" if kind == "student" else "Regular")
        y += 6
    stage = ws.stage
    if stage == "discuss" and view.cues:
        y = text(p, "What do you notice?", m, y + 6, w, lay.small_px + 2, color=t["accent"], weight="SemiBold")
        for cue in view.cues:
            y = text(p, f"• {cue.text}", m + m, y, w - m, lay.small_px + 2)
    heading = {
        "discuss": "Discuss: what would you do? (Enter opens the vote)",
        "vote": "Vote (number keys add a vote, Shift+number removes one; Enter shows the tally)",
        "tally": "The room's vote (Enter takes the majority, or press a choice's number)",
    }[stage]
    y = text(p, heading, m, y + 10, w, lay.small_px + 2, color=t["accent"], weight="SemiBold")
    tally = ws.tally()
    top = max([n for _, n in tally] + [1])
    for c, n in tally:
        a = slot_action(acts, ("ws-choice", c.id))
        if a is None:  # offered since the actions were read: drawn next time
            continue
        r = pygame.Rect(m, y, w, 0)
        if stage == "tally":
            bar = pygame.Rect(m, y, int(w * 0.45 * n / top) + 4, lay.body_px + 10)
            pygame.draw.rect(p.surface, t["accent"], bar, border_radius=6)
            text(p, f"{n}", bar.right + 8, y + 2, 80, lay.body_px, weight="SemiBold")
            r = pygame.Rect(m + int(w * 0.5), y, int(w * 0.5), 0)
            y += max(button(p, r, a, lay.small_px + 2), lay.body_px + 10) + 8
        else:
            y += button(p, r, a, lay.body_px) + 8
    _button_in(p, acts, ("ws-next",), pygame.Rect(m, y + 6, 320, lay.body_px * 2 + 6), lay.body_px)


def _draw_qr(p, url: str, x: int, y: int, size: int) -> None:
    from simulator.shells.qr import qr_matrix

    cache = p.__dict__.setdefault("_qr", {})
    key = (url, size)
    if key not in cache:
        matrix = qr_matrix(url)
        n = len(matrix)
        cell = max(1, size // n)
        surf = pygame.Surface((cell * n, cell * n))
        surf.fill((255, 255, 255))
        for row, line in enumerate(matrix):
            for col, on in enumerate(line):
                if on:
                    surf.fill((0, 0, 0), (col * cell, row * cell, cell, cell))
        cache[key] = surf
    p.surface.blit(cache[key], (x, y))
