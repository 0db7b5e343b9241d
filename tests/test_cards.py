"""Picker cards: read from a cache keyed by path, size and modification time."""

from __future__ import annotations

import json
import os

from conftest import SCENARIOS, TINY


def test_cards_are_cached_and_refreshed_when_a_file_changes(tmp_path, monkeypatch):
    from simulator.records import cards

    monkeypatch.setenv("REHEARSE_DATA", str(tmp_path / "data"))
    folder = tmp_path / "sc"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(TINY)
    (folder / "broken.yaml").write_text("format: rehearse/1\n")
    (folder / "tiny.tests.yaml").write_text("tests: []\n")
    first = cards.load_cards(folder)
    assert [c.id for c in first] == ["tiny"] and first[0].title == "Tiny" and not first[0].sensitive
    cache = json.loads((tmp_path / "data" / "cache" / "cards.json").read_text())
    assert len(cache["files"]) == 2  # the broken file is remembered as having no card

    calls = []
    import simulator.core.loader

    real = simulator.core.loader.read_file
    monkeypatch.setattr(simulator.core.loader, "read_file", lambda p: calls.append(p) or real(p))
    assert [c.id for c in cards.load_cards(folder)] == ["tiny"] and calls == []  # all from the cache
    (folder / "tiny.yaml").write_text(TINY.replace("title: Tiny", "title: Tiny again"))
    os.utime(folder / "tiny.yaml", ns=(1, 10**18))
    assert cards.load_cards(folder)[0].title == "Tiny again" and len(calls) == 1


def test_a_corrupt_cache_is_ignored(tmp_path, monkeypatch):
    from simulator.records import cards

    monkeypatch.setenv("REHEARSE_DATA", str(tmp_path))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "cards.json").write_text("{not json")
    assert len(cards.load_cards(SCENARIOS)) >= 3


def test_the_player_opens_a_card(tmp_path, monkeypatch):
    import pytest

    pygame = pytest.importorskip("pygame")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("REHEARSE_DATA", str(tmp_path))
    from simulator.records import cards
    from simulator.shells.player.app import Player

    deck = cards.load_cards(SCENARIOS)
    p = Player(deck, seed=3)
    phone = next(c for c in deck if c.id == "phone-standoff")
    p.act(("open", phone))
    assert p.ui.screen == "note" and p.run is None  # the introduction needs only the card
    p.act(("continue",))
    assert p.run is not None and p.run.scenario.id == "phone-standoff"
    pygame.quit()
