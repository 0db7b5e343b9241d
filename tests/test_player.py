"""The graphical player, headless (SDL_VIDEODRIVER=dummy): what it draws and how it responds."""

from __future__ import annotations

import os

import pytest

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
pygame = pytest.importorskip("pygame")

from conftest import DATA, SCENARIOS, run_cli, texts_drawn  # noqa: E402

from simulator.core.loader import load_file  # noqa: E402

PHONE = SCENARIOS / "phone-standoff.yaml"


@pytest.fixture
def player():
    from simulator.shells.player.app import Player

    p = Player([load_file(PHONE), load_file(SCENARIOS / "the-sketchbook.yaml")], seed=7, size=(1280, 800))
    yield p
    pygame.quit()


def test_picker_lists_the_scenarios(player):
    drawn = texts_drawn(player)
    assert "The Phone" in drawn and "The Sketchbook" in drawn and "[content note]" in drawn


def test_conversation_shows_line_cues_and_choices(player):
    player.act(("open", load_file(PHONE)))
    assert player.ui.screen == "note"  # the introduction comes first
    assert "Begin" in texts_drawn(player)
    player.act(("continue",))
    assert player.ui.screen == "scene" and player.ui.phase == "notice"
    drawn = texts_drawn(player)
    assert "Jaw clenched, eyes fixed on the screen." in drawn
    assert "Walk over, crouch beside the desk" in drawn and "Phone on my desk" in drawn
    player.act(("toggle", "jaw"))
    player.act(("continue",))
    player.act(("choose", "crouch"))
    assert player.ui.screen == "feedback"  # coach mode
    assert "Lowering your voice" in texts_drawn(player)
    player.act(("continue",))
    assert player.ui.screen == "debrief" and player.run.ending.id == "repaired"
    drawn = texts_drawn(player)
    assert "A limit kept, trust intact" in drawn and "My mom" not in drawn
    assert player.run.hits[0].id == "jaw"


def test_keys_mark_cues_and_choose(player):
    player.act(("open", load_file(PHONE)))
    player.act(("continue",))
    player.draw()

    def key(k):
        player.handle(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        player.draw()

    key(pygame.K_2)  # mark the second cue
    assert player.ui.marked == {"hoodie"}
    key(pygame.K_RETURN)  # done noticing
    key(pygame.K_DOWN)
    key(pygame.K_RETURN)  # the focused choice: 2
    assert player.run.turns[0].choice.id == "public" and player.run.turns[0].noticed == ("hoodie",)


def test_portrait_changes_with_stress(player):
    from simulator.core.faces import face_for

    look = {"skin": 4, "hair": "short-curly", "top": "hoodie"}
    calm = face_for(look, {"stress": 0.1, "trust": 0.8, "openness": 0.8})
    tense = face_for(look, {"stress": 0.9, "trust": 0.2, "openness": 0.1})
    assert calm != tense
    player.act(("open", load_file(PHONE)))
    player.act(("continue",))
    a = pygame.image.tobytes(player.face(200), "RGBA")
    player.run.choose("public")  # stress up, trust down
    b = pygame.image.tobytes(player.face(200), "RGBA")
    assert a != b


def test_rewind_keeps_the_original_and_compares(player):
    player.act(("open", load_file(PHONE)))
    player.act(("continue",))
    player.act(("continue",))
    player.act(("choose", "public"))
    player.act(("continue",))
    player.act(("choose", "1"))
    player.ui.reflection = ""
    player.act(("reflect_done",))
    player.act(("continue",)) if player.ui.screen == "feedback" else None
    first = player.run
    player.act(("rewind", 0))
    assert player.previous_run is first and len(first.turns) == 2 and player.run.turns == []
    player.act(("continue",))
    player.act(("choose", "crouch"))
    player.act(("continue",))
    assert "Compared with the run you rewound" in texts_drawn(player)


def test_text_scale_and_contrast_change_the_layout(player):
    from simulator.shells.player.layout import layout

    assert layout(1280, 800, 1.3).body_px > layout(1280, 800, 1.0).body_px
    assert layout(800, 600).portrait[2] < layout(1600, 1000).portrait[2]
    player.act(("contrast",))
    player.draw()
    assert player.surface.get_at((5, 5))[:3] == (0, 0, 0)


def test_screenshots_of_every_screen(tmp_path):
    code, out, err = run_cli(
        [
            "play",
            str(SCENARIOS / "the-sketchbook.yaml"),
            "--seed",
            "7",
            "--script",
            str(DATA / "golden" / "the-sketchbook-best-7.script.yaml"),
            "--screenshots",
            str(tmp_path),
        ]
    )
    assert code == 0, err
    shots = sorted(p.name for p in tmp_path.glob("*.png"))
    assert shots[0] == "01-intro.png" and any("coach" in s for s in shots) and any("debrief" in s for s in shots)
    img = pygame.image.load(str(tmp_path / shots[1]))
    assert img.get_size() == (1280, 800)
    colors = {img.get_at((x, y))[:3] for x in range(0, 1280, 40) for y in range(0, 800, 40)}
    assert len(colors) > 5  # not blank


def test_no_display_falls_back_to_text(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, _ = run_cli([], stdin="q\n")
    assert code == 0 and "(No display found: starting the text player.)" in out


def test_watch_reloads_keeps_the_run_and_shows_errors(tmp_path):
    import time as _time

    from simulator.shells.player.app import Player

    f = tmp_path / "phone-standoff.yaml"
    f.write_text(PHONE.read_text())
    p = Player([load_file(f)], seed=7, watch=str(f))
    p.act(("continue",))
    p.act(("choose", "public"))
    p.act(("continue",))
    assert p.run.view().scene.id == "standoff"
    _time.sleep(0.01)
    f.write_text(PHONE.read_text().replace("Why are you always on me?", "Why is it always me?"))
    os.utime(f, ns=(_time.time_ns(), _time.time_ns() + 10**9))
    assert p.check_watched()
    assert p.run.view().scene.id == "standoff" and len(p.run.turns) == 1
    assert p.run.view().scene.student == "Why is it always me?"
    f.write_text(PHONE.read_text().replace("goto: plan", "goto: plann"))
    os.utime(f, ns=(_time.time_ns(), _time.time_ns() + 2 * 10**9))
    assert p.check_watched()
    assert p.watch_errors and "plann" in p.watch_errors[0].message
    assert p.run.view().scene.student == "Why is it always me?"  # the last good version plays on
    assert "still playing the last good version" in texts_drawn(p)
    pygame.quit()


def test_sharing_reflections_is_the_teachers_choice(player):
    player.act(("open", load_file(PHONE)))
    player.act(("continue",))
    player.act(("continue",))
    player.act(("choose", "public"))
    player.act(("continue",))
    player.act(("choose", "1"))
    player.ui.reflection = "A thought."
    player.act(("reflect_done",))
    while player.ui.screen == "feedback":
        player.act(("continue",))
    assert player.ui.screen == "debrief" and player.run.share_reflections is False
    assert "Share my reflections in group reports" in texts_drawn(player)
    player.act(("share",))
    assert player.run.share_reflections is True and player.run.log()["share_reflections"] is True


def test_the_picker_scrolls_to_every_scenario(tmp_path):
    from pathlib import Path

    from simulator.records.cards import load_cards
    from simulator.shells.player.app import Player

    deck = load_cards(Path(SCENARIOS))
    p = Player(deck, seed=1, size=(1280, 800))
    seen = set()
    for _ in range(12):
        p.draw()
        seen |= {h.action[1].id for h in p.hits if h.action[0] == "open"}
        p.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_PAGEDOWN, mod=0, unicode=""))
    assert seen == {c.id for c in deck}
    pygame.quit()
