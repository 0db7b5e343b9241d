"""What every key and button means on the player's current screen, from the UI state and the run alone (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pygame  # key constants only: nothing here draws or touches the display

from simulator.core.vocab import GRADE_BANDS, TOPICS

# What a chord needs of the modifier keys. Digits and plain keys ignore modifiers (Ctrl+2 still picks
# choice 2), as the player always has; the workshop vote tells Shift+digit (remove a vote) apart.
ANY, CTRL, SHIFT, NO_SHIFT = "any", "ctrl", "shift", "no-shift"
Chord = tuple[int, str]

ENTER: tuple[Chord, ...] = ((pygame.K_RETURN, ANY), (pygame.K_SPACE, ANY), (pygame.K_KP_ENTER, ANY))
NOTICE_DONE: tuple[Chord, ...] = ((pygame.K_RETURN, ANY), (pygame.K_TAB, ANY), (pygame.K_SPACE, ANY))


@dataclass(frozen=True)
class Action:
    """One thing the teacher can do on this screen: the keys that do it and, for a button, its face."""

    action: tuple  # what Player.act performs
    keys: tuple[Chord, ...] = ()
    label: str = ""  # the button's text ("" for a key without a button)
    slot: tuple | None = None  # the button's name on this screen; the drawing decides where it goes
    badge: str | None = None  # the number drawn on the button
    focused: bool = False
    marked: bool = False
    primary: bool = False


@dataclass(frozen=True)
class Context:
    """What the shell knows beyond the UI and the run: the deck, the records and the room."""

    scenarios: Sequence = ()
    unfinished: Sequence = ()  # records rows the picker offers to continue
    best: Mapping = field(default_factory=dict)  # scenario id -> best percent so far
    workshop: Any = None  # simulator.shells.workshop.Workshop in projector mode
    cols: int = 2  # picker columns (a layout fact: 2 in a wide window)
    cards_fit: int | None = None  # picker cards that fit on the page, measured by the drawing; None: all


def actions_for(ui, run, ctx: Context = Context()) -> list[Action]:
    """Every key and button of the current screen, in the order keys are looked up (the first match
    acts) and buttons are drawn. A choice that is no longer offered is not in the list, so no key or
    click can act on it."""
    zoom = [
        Action(("scale", 0.1), keys=_chords(CTRL, pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS)),
        Action(("scale", -0.1), keys=_chords(CTRL, pygame.K_MINUS, pygame.K_KP_MINUS)),
    ]
    if ui.screen == "reflect":  # typing: letters are text, not shortcuts
        return zoom + [
            Action(("reflect_done",), keys=((pygame.K_RETURN, ANY),)),
            Action(("backspace",), keys=((pygame.K_BACKSPACE, ANY),)),
            Action(("reflect_skip",), keys=((pygame.K_ESCAPE, ANY),)),
        ]
    screen = SCREENS.get(ui.screen)
    return zoom + _everywhere(ui, ctx) + (screen(ui, run, ctx) if screen else [])


def key_action(actions: Sequence[Action], key: int, mod: int) -> Action | None:
    """The action a key press performs: the first whose chords match, or None."""
    ctrl = bool(mod & (pygame.KMOD_CTRL | pygame.KMOD_META))
    shift = bool(mod & pygame.KMOD_SHIFT)
    wanted = {ANY: True, CTRL: ctrl, SHIFT: shift, NO_SHIFT: not shift}
    for a in actions:
        if any(code == key and wanted[need] for code, need in a.keys):
            return a
    return None


def slot_action(actions: Sequence[Action], slot) -> Action | None:
    """The button named `slot` on this screen, if it is still there."""
    return next((a for a in actions if a.slot is not None and a.slot == slot), None)


def buttons(actions: Sequence[Action], kind: str) -> list[Action]:
    """The buttons whose slot is of `kind` ("choose", "toggle", "open", ...), in drawing order."""
    return [a for a in actions if a.slot is not None and a.slot[0] == kind]


def shown_cards(ui, scenarios: Sequence) -> list:
    """The scenarios the picker's filters let through."""
    return [
        sc
        for sc in scenarios
        if (ui.topic is None or ui.topic in sc.topics) and (ui.band is None or sc.grades == ui.band)
    ]


def first_card(ui, n_shown: int, cols: int) -> int:
    """The first card on the page: within the list, at the start of a row."""
    return min(ui.first, max(0, n_shown - 1)) // cols * cols


def card_label(sc, best: float | None) -> str:
    return (
        f"{sc.title}  (grades {sc.grades}"
        + (f", {sc.minutes:g} min" if sc.minutes else "")
        + ")\n"
        + f"{sc.summary.strip()}\nTopics: {', '.join(sc.topics)}"
        + ("   [content note]" if sc.content_note else "")
        + (f"   Your best so far: {best:.0f}%" if best is not None else "")
    )


# --- keys that mean the same on every screen but the reflection ---------------------------------


def _everywhere(ui, ctx: Context) -> list[Action]:
    many = len(ctx.scenarios) > 1
    resources_keys = _chords(ANY, pygame.K_F1, pygame.K_F3) + (() if ui.screen == "debrief" else ((pygame.K_r, ANY),))
    if ui.screen == "resources":
        leave: tuple = ("resources",)
    else:
        leave = ("picker",) if ui.screen != "picker" and many else ("quit",)
    return [
        Action(("contrast",), keys=((pygame.K_h, CTRL), (pygame.K_F2, ANY))),
        Action(("resources",), keys=resources_keys),
        Action(leave, keys=((pygame.K_ESCAPE, ANY),)),
    ]


# --- one function a screen ------------------------------------------------------------------------


def _picker(ui, run, ctx: Context) -> list[Action]:
    chips = [
        Action(
            ("filter", f, v),
            label=f"grades {v}" if f == "band" else v,
            slot=("filter", f, v),
            marked=getattr(ui, f) == v,
        )
        for f, values in (("band", GRADE_BANDS), ("topic", TOPICS))
        for v in values
    ]
    rows = [
        Action(
            ("resume", row),
            label=f"Continue where you left off: {row.title or row.scenario_id} "
            f"({row.turns} turn{'s' if row.turns != 1 else ''})",
            slot=("resume", row.id),
            primary=True,
        )
        for row in ctx.unfinished
    ]
    shown = shown_cards(ui, ctx.scenarios)
    page = shown[first_card(ui, len(shown), ctx.cols) :]
    if ctx.cards_fit is not None:
        page = page[: ctx.cards_fit]
    cards = [
        Action(
            ("open", sc),
            keys=_digit(i + 1),
            label=card_label(sc, ctx.best.get(sc.id)),
            slot=("open", sc.id),
            badge=str(i + 1) if i < 9 else None,
            focused=ui.focus == i,
        )
        for i, sc in enumerate(page)
    ]
    paging = [
        Action(("page", 4), keys=((pygame.K_PAGEDOWN, ANY),)),
        Action(("page", -4), keys=((pygame.K_PAGEUP, ANY),)),
    ]
    return chips + rows + cards + _focusing(ui, cards) + paging


def _note(ui, run, ctx: Context) -> list[Action]:
    leave = ("picker",) if len(ctx.scenarios) > 1 else ("quit",)
    return [
        Action(("continue",), keys=ENTER, label="Begin  (Enter)", slot=("continue",), primary=True),
        Action(leave, label="Leave  (Esc)", slot=("leave",)),
    ]


def _resources(ui, run, ctx: Context) -> list[Action]:
    return [Action(("continue",), keys=ENTER, label="Back  (Enter)", slot=("continue",), primary=True)]


def _feedback(ui, run, ctx: Context) -> list[Action]:
    return [Action(("continue",), keys=ENTER, label="Continue  (Enter)", slot=("continue",), primary=True)]


def _scene(ui, run, ctx: Context) -> list[Action]:
    if run is None or run.ended:
        return []
    view = run.view()
    noticing = ui.phase == "notice"
    cues = [
        Action(
            ("toggle", cue.id),
            keys=_digit(i + 1) if noticing else (),
            label=("[x] " if cue.id in ui.marked else "[  ] ") + cue.text,
            slot=("toggle", cue.id),
            badge=str(i + 1) if noticing else None,
            marked=cue.id in ui.marked,
        )
        for i, cue in enumerate(view.cues)
    ]
    choices = [
        Action(
            ("choose", c.id),
            keys=() if noticing else _digit(i + 1),
            label=c.text,
            slot=("choose", c.id),
            badge=None if noticing else str(i + 1),
            focused=not noticing and ui.focus == i,
        )
        for i, c in enumerate(view.choices)
    ]
    if noticing:  # first notice, then choose: Enter moves on, and the choices wait for a click
        return cues + choices + [Action(("continue",), keys=NOTICE_DONE)]
    return cues + choices + _focusing(ui, choices) + [Action(("back",), keys=((pygame.K_b, ANY),))]


def _debrief(ui, run, ctx: Context) -> list[Action]:
    if run is None:
        return []
    scenes = run.scenario.scenes
    share = []
    if any(t.reflection and scenes[t.scene].reflect for t in run.turns):  # the debrief lists reflections
        share = [
            Action(
                ("share",),
                label=("[x] " if run.share_reflections else "[  ] ")
                + "Share my reflections in group reports, without my name",
                slot=("share",),
                marked=run.share_reflections,
            )
        ]
    rewinds = [
        Action(("rewind", i), keys=_digit(i + 1), label=f"Decision {i + 1}", slot=("rewind", i))
        for i in range(len(run.turns))
    ]
    after = [Action(("replay",), keys=((pygame.K_p, ANY),), label="Play again  (P)", slot=("replay",), primary=True)]
    if len(ctx.scenarios) > 1:
        after.append(Action(("picker",), label="Back to scenarios  (Esc)", slot=("picker",)))
    scrolling = [
        Action(("scroll", 200), keys=_chords(ANY, pygame.K_PAGEDOWN, pygame.K_j)),
        Action(("scroll", -200), keys=_chords(ANY, pygame.K_PAGEUP, pygame.K_k)),
    ]
    return share + rewinds + after + _focusing(ui, rewinds) + scrolling


def _workshop(ui, run, ctx: Context) -> list[Action]:
    ws = ctx.workshop
    if ws is None or run is None:
        return []
    stage = ws.stage
    out = []
    for i, (c, n) in enumerate(ws.tally(), 1):
        slot = ("ws-choice", c.id)
        if stage == "tally":
            out.append(Action(("ws", "pick", c.id), keys=_digit(i), label=c.text, slot=slot, badge=str(i)))
        elif stage == "vote":
            label = f"{c.text}    [{n} vote{'s' if n != 1 else ''}]"
            out.append(Action(("ws", "count", c.id, 1), keys=_digit(i, NO_SHIFT), label=label, slot=slot, badge=str(i)))
            out.append(Action(("ws", "count", c.id, -1), keys=_digit(i, SHIFT)))
        else:  # discussing: a click on a choice opens the vote; its number does nothing yet
            out.append(Action(("ws", "next"), label=c.text, slot=slot, badge=str(i)))
    nxt = {"discuss": "Open the vote", "vote": "Show the tally", "tally": "Take the majority"}[stage]
    return out + [Action(("ws", "next"), keys=ENTER, label=f"{nxt}  (Enter)", slot=("ws-next",), primary=True)]


SCREENS: dict[str, Callable[..., list[Action]]] = {
    "picker": _picker,
    "note": _note,
    "resources": _resources,
    "feedback": _feedback,
    "scene": _scene,
    "debrief": _debrief,
    "workshop": _workshop,
}


def _focusing(ui, group: list[Action]) -> list[Action]:
    """Arrows move the focus through `group`; Enter does the focused one."""
    if not group:
        return []
    n = len(group)
    return [
        Action(("focus", (ui.focus + 1) % n), keys=((pygame.K_DOWN, ANY),)),
        Action(("focus", (ui.focus - 1) % n), keys=((pygame.K_UP, ANY),)),
        Action(group[min(ui.focus, n - 1)].action, keys=ENTER),
    ]


def _digit(n: int, need: str = ANY) -> tuple[Chord, ...]:
    """The number keys (top row and keypad) for 1..9; none beyond."""
    if not 1 <= n <= 9:
        return ()
    return ((pygame.K_0 + n, need), (pygame.K_KP1 + n - 1, need))


def _chords(need: str, *keys: int) -> tuple[Chord, ...]:
    return tuple((k, need) for k in keys)
