"""The window's input, headless: keys and clicks mean what the current state offers, never the last frame."""

from __future__ import annotations

import os
import random
import time

import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
pygame = pytest.importorskip("pygame")

from conftest import SCENARIOS, texts_drawn  # noqa: E402

from simulator.core.loader import load_file  # noqa: E402

PHONE = SCENARIOS / "phone-standoff.yaml"
SKETCHBOOK = SCENARIOS / "the-sketchbook.yaml"
FIRE_DRILL = SCENARIOS / "fire-drill.yaml"


def player(*paths, size=(1280, 800)):
    from simulator.shells.player.app import Player

    return Player([load_file(p) for p in paths], seed=7, size=size)


@pytest.fixture(autouse=True)
def _close_the_window():
    yield
    pygame.quit()


def key(k: int, mod: int = 0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="")


def click(pos):
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos)


def run_batch(p, events) -> bool:
    """Post `events` as one batch and run the window's own loop over them (a QUIT after them ends
    it). Whether the teacher closed the window before the batch was through (Esc on the picker)."""
    pygame.event.clear()
    for e in events:
        pygame.event.post(e)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    p.loop()
    closed = pygame.event.peek(pygame.QUIT)  # our QUIT still unread: the player stopped before it
    pygame.event.clear()
    p.quit = closed
    return closed


# --- the crash this fixes -------------------------------------------------------------------------


def test_a_batch_of_quick_keys_never_acts_on_a_choice_that_is_gone(capsys):
    p = player(PHONE)
    p.act(("continue",))  # past the introduction: the scene, noticing first
    assert (p.ui.screen, p.ui.phase) == ("scene", "notice")
    run_batch(p, [key(pygame.K_RETURN), key(pygame.K_2), key(pygame.K_2), key(pygame.K_RETURN)])
    # Enter: done noticing; 2: "Phone on my desk"; 2: nothing on the coach's feedback; Enter: go on
    assert [t.choice.id for t in p.run.turns] == ["public"]
    assert p.ui.screen == "scene" and p.run.view().scene.id == "standoff"
    out = capsys.readouterr()
    assert "internal error" not in out.out + out.err


def test_a_double_click_on_a_choice_chooses_once():
    p = player(PHONE)
    p.act(("continue",))
    p.act(("continue",))
    p.draw()
    (public,) = [r for r, slot in p.regions if slot == ("choose", "public")]
    run_batch(p, [click(public.center), click(public.center)])
    assert [t.choice.id for t in p.run.turns] == ["public"] and p.ui.screen == "feedback"


# --- actions_for: what each screen offers is what it draws ------------------------------------------


def check_drawn_from_actions(p, numbers_act: bool = True) -> list:
    """The buttons drawn are the actions' buttons, in order, with their labels and number badges; each
    badge's number key does what the button does. Returns the actions (and keeps the text drawn)."""
    from simulator.shells.player.actions import key_action

    acts = p.actions()
    drawn = texts_drawn(p)
    assert [slot for _, slot in p.regions] == [a.slot for a in acts if a.slot is not None]
    for a in acts:
        if a.slot is None:
            continue
        assert " ".join(a.label.split()) in drawn, a.label
        if a.badge is not None and int(a.badge) <= 9:
            assert a.badge in drawn
            assert key_action(acts, pygame.K_0 + int(a.badge), 0) == (a if numbers_act else None)
    p.drawn_for_test = drawn
    return acts


def slots(acts, kind):
    return [a.slot[1:] for a in acts if a.slot is not None and a.slot[0] == kind]


def test_each_screen_draws_what_its_actions_offer():
    from simulator.shells.player.actions import key_action

    p = player(PHONE, SKETCHBOOK, FIRE_DRILL)
    acts = check_drawn_from_actions(p)  # the picker
    assert slots(acts, "open") == [("phone-standoff",), ("the-sketchbook",), ("fire-drill",)]
    assert key_action(acts, pygame.K_4, 0) is None  # no fourth card
    p.act(("filter", "topic", "safety"))
    acts = check_drawn_from_actions(p)
    assert all("safety" in sc.topics for sc in p.scenarios if (sc.id,) in slots(acts, "open"))
    assert [a.marked for a in acts if a.slot == ("filter", "topic", "safety")] == [True]
    p.act(("filter", "topic", "safety"))

    p.act(("open", p.scenarios[0]))
    acts = check_drawn_from_actions(p)  # the introduction
    assert [a.action for a in acts if a.slot == ("leave",)] == [("picker",)]
    p.act(("continue",))
    acts = check_drawn_from_actions(p)  # noticing: numbers mark cues, choices only by click
    assert slots(acts, "toggle") == [("jaw",), ("hoodie",)]
    assert key_action(acts, pygame.K_1, 0).action == ("toggle", "jaw")
    assert all(a.badge is None for a in acts if a.slot and a.slot[0] == "choose")
    p.act(("toggle", "jaw"))
    acts = check_drawn_from_actions(p)
    assert [a.label for a in acts if a.slot == ("toggle", "jaw")] == ["[x] Jaw clenched, eyes fixed on the screen."]
    p.act(("continue",))
    acts = check_drawn_from_actions(p)  # choosing: numbers and arrows pick a choice
    assert slots(acts, "choose") == [("crouch",), ("public",)]
    assert key_action(acts, pygame.K_DOWN, 0).action == ("focus", 1)
    assert key_action(acts, pygame.K_RETURN, 0).action == ("choose", "crouch")
    p.act(("choose", "public"))
    acts = check_drawn_from_actions(p)  # the coach
    assert [a.slot for a in acts if a.slot] == [("continue",)] and key_action(acts, pygame.K_2, 0) is None
    p.act(("continue",))
    p.act(("continue",))
    p.act(("choose", "1"))
    acts = check_drawn_from_actions(p)  # the reflection: letters are text, Esc skips
    assert p.ui.screen == "reflect" and not [a for a in acts if a.slot]
    assert key_action(acts, pygame.K_r, 0) is None and key_action(acts, pygame.K_ESCAPE, 0).action == ("reflect_skip",)
    p.ui.reflection = "A thought."
    p.act(("reflect_done",))
    while p.ui.screen == "feedback":
        p.act(("continue",))
    acts = check_drawn_from_actions(p)  # the debrief: share, a button per decision, play again
    assert p.ui.screen == "debrief"
    assert [a.slot for a in acts if a.slot] == [("share",), ("rewind", 0), ("rewind", 1), ("replay",), ("picker",)]
    assert key_action(acts, pygame.K_2, 0).action == ("rewind", 1) and key_action(acts, pygame.K_r, 0) is None
    p.act(("rewind", 0))
    p.act(("continue",))
    p.act(("choose", "crouch"))
    p.act(("continue",))
    acts = check_drawn_from_actions(p)  # the debrief, compared with the run rewound
    assert "Compared with the run you rewound" in p.drawn_for_test and slots(acts, "rewind") == [(0,)]
    p.act(("resources",))
    acts = check_drawn_from_actions(p)
    assert key_action(acts, pygame.K_ESCAPE, 0).action == ("resources",)


def test_the_picker_numbers_only_the_cards_that_fit():
    from simulator.records.cards import load_cards
    from simulator.shells.player.actions import key_action
    from simulator.shells.player.app import Player

    deck = load_cards(SCENARIOS)
    for size in ((1280, 800), (800, 600)):
        p = Player(deck, seed=1, size=size)
        acts = check_drawn_from_actions(p)
        cards = [a for a in acts if a.slot and a.slot[0] == "open"]
        assert 0 < len(cards) < len(deck)  # a page, not the deck
        assert key_action(acts, pygame.K_0 + len(cards) + 1, 0) is None
        assert key_action(acts, pygame.K_UP, 0).action == ("focus", len(cards) - 1)  # wraps within the page
        p.handle(key(pygame.K_PAGEDOWN))
        check_drawn_from_actions(p)
        pygame.quit()


def test_the_workshop_screens_draw_what_their_actions_offer():
    from simulator.shells.player.actions import key_action
    from simulator.shells.player.app import Player

    p = Player([], seed=7)
    p.start_workshop(load_file(PHONE))
    p.act(("continue",))
    for stage in ("discuss", "vote", "tally"):
        assert p.workshop.stage == stage
        acts = check_drawn_from_actions(p, numbers_act=stage != "discuss")  # numbers to talk about, first
        assert key_action(acts, pygame.K_RETURN, 0).action == ("ws", "next")
        if stage == "vote":
            assert key_action(acts, pygame.K_2, pygame.KMOD_LSHIFT).action == ("ws", "count", "public", -1)
        p.act(("ws", "next"))


# --- the property: any keys and clicks, in any batches, on every screen ------------------------------

KEYS = (
    [pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_KP1, pygame.K_KP2] * 3
    + [pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE] * 3
    + [pygame.K_ESCAPE, pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_TAB, pygame.K_BACKSPACE]
    + [pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_F1, pygame.K_F2, pygame.K_F3, pygame.K_9]
    + [pygame.K_a, pygame.K_b, pygame.K_h, pygame.K_j, pygame.K_k, pygame.K_p, pygame.K_r, pygame.K_z]
)
MODS = [0] * 6 + [pygame.KMOD_LSHIFT, pygame.KMOD_LCTRL]


def random_event(rng: random.Random, p):
    roll = rng.random()
    if roll < 0.15:  # anywhere in the window
        return click((rng.randrange(1280), rng.randrange(800)))
    if roll < 0.3 and p.regions:  # on a button of the last frame, which may be gone by now
        r, _ = rng.choice(p.regions)
        return click(r.center)
    if roll < 0.38:
        return pygame.event.Event(pygame.TEXTINPUT, text=rng.choice(["a", "é", " ", "?"]))
    return key(rng.choice(KEYS), rng.choice(MODS))


def screen_name(p) -> str:
    ui = p.ui
    if ui.screen == "scene":
        return f"scene/{ui.phase}"
    if ui.screen == "debrief" and p.previous_run is not None:
        return "debrief/compare"
    return ui.screen


def test_ten_thousand_random_keys_and_clicks_never_break_the_window(capsys):
    from simulator.shells.player.app import Player

    rng = random.Random(12)
    decks = [[load_file(PHONE), load_file(SKETCHBOOK), load_file(FIRE_DRILL)]]
    events = batches = 0
    screens: set[str] = set()
    played: set[str] = set()
    started = time.perf_counter()
    p = Player(decks[0], seed=7, size=(1280, 800))
    while events < 10_000:
        if p.quit:  # Esc on the picker closed the window: open it again
            pygame.quit()
            p = Player(decks[0], seed=7, size=(1280, 800))
        batch = [random_event(rng, p) for _ in range(rng.choice([1, 1, 2, 3, 5, 8]))]
        run_batch(p, batch)
        events += len(batch)
        batches += 1
        screens.add(screen_name(p))
        if p.run is not None:
            played.add(p.run.scenario.id)
    seconds = time.perf_counter() - started
    out = capsys.readouterr()
    assert "internal error" not in out.out + out.err and "Traceback" not in out.out + out.err
    with capsys.disabled():
        print(
            f"\n{events} events in {batches} batches, {seconds:.1f} s; screens: {', '.join(sorted(screens))}; "
            f"scenarios played: {', '.join(sorted(played))}"
        )
    expected = {"picker", "note", "scene/notice", "scene/choose", "feedback", "reflect", "debrief", "resources"}
    assert expected <= screens and "debrief/compare" in screens
    assert played == {"phone-standoff", "the-sketchbook", "fire-drill"}


def test_word_widths_are_never_read_for_another_font():
    """Zooming frees fonts; a new font may get a freed one's id. Wrapping must measure with the font
    it is given (the cache once handed a new font the old one's widths)."""
    import pygame

    from simulator.shells.player import screens

    pygame.font.init()
    small = pygame.font.Font(None, 12)
    text = "word " * 40
    screens.wrap(text, small, 300)
    big = pygame.font.Font(None, 48)
    screens._word_widths[id(big)] = screens._word_widths.pop(id(small))  # as if big reused small's id
    lines = screens.wrap(text, big, 300)
    assert all(big.size(line)[0] <= 300 for line in lines), lines
