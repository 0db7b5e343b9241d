"""The window's input, headless: keys and clicks mean what the current state offers, never the last frame."""

from __future__ import annotations

import os

import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
pygame = pytest.importorskip("pygame")

from conftest import SCENARIOS  # noqa: E402

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
