"""Workshop mode: the room's vote at each decision, typed or from phones on the local network."""

from __future__ import annotations

import os
import urllib.parse
import urllib.request

import pytest
from conftest import SCENARIOS

PHONE = SCENARIOS / "phone-standoff.yaml"


@pytest.fixture
def workshop():
    from simulator.core.loader import load_file
    from simulator.session.run import Run
    from simulator.shells.workshop import Workshop

    return Workshop(Run(load_file(PHONE), seed=7))


def test_one_vote_per_device_per_decision_and_votes_in_the_log(workshop):
    assert not workshop.cast("phone-a", "crouch")  # voting not open yet
    workshop.open_vote()
    assert workshop.cast("phone-a", "crouch") and not workshop.cast("phone-a", "public")
    assert workshop.cast("phone-b", "public") and workshop.cast("phone-c", "crouch")
    assert not workshop.cast("phone-d", "nope")
    workshop.adjust("public", 2)  # a show of hands, typed by the facilitator
    assert [(c.id, n) for c, n in workshop.tally()] == [("crouch", 2), ("public", 3)]
    workshop.show_tally()
    turn = workshop.decide("crouch")  # the facilitator may overrule the majority
    assert turn.choice.id == "crouch" and workshop.decision == 1 and workshop.stage == "discuss"
    t = workshop.run.log()["turns"][0]
    assert t["votes"] == {"crouch": 2, "public": 3} and t["voters"] == 3


def test_the_voting_page(workshop):
    from simulator.shells.workshop_web import create_app

    client = create_app(workshop).test_client()
    assert client.get("/r/ZZZZ").status_code == 404
    page = client.get(f"/r/{workshop.code}").get_data(as_text=True)
    assert "Voting opens when the facilitator asks" in page and 'http-equiv="refresh"' in page
    workshop.open_vote()
    page = client.get(f"/r/{workshop.code}").get_data(as_text=True)
    assert "Walk over, crouch beside the desk" in page and "&quot;Everything okay?&quot;" in page
    r = client.post(f"/r/{workshop.code}/vote", data={"choice": "crouch", "decision": "0"})
    assert "Your vote is in" in r.get_data(as_text=True)
    r = client.post(f"/r/{workshop.code}/vote", data={"choice": "public", "decision": "0"})
    assert "not counted" in r.get_data(as_text=True)  # same phone (cookie), same decision
    assert dict((c.id, n) for c, n in workshop.tally()) == {"crouch": 1, "public": 0}
    assert client.get(f"/?code={workshop.code.lower()}").status_code == 302


def test_phones_vote_over_real_http(workshop):
    from simulator.shells.workshop_web import VoteServer

    server = VoteServer(workshop, host="127.0.0.1", port=0).start()
    try:
        workshop.open_vote()
        for _ in range(3):  # three phones: no cookie jar, so three devices
            data = urllib.parse.urlencode({"choice": "public", "decision": "0"}).encode()
            with urllib.request.urlopen(f"{server.url()}r/{workshop.code}/vote", data=data, timeout=10) as resp:
                assert b"Your vote is in" in resp.read()
    finally:
        server.stop()
    assert dict((c.id, n) for c, n in workshop.tally())["public"] == 3


def test_projector_screens(tmp_path):
    pygame = pytest.importorskip("pygame")
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    from simulator.core.loader import load_file
    from simulator.shells.player.app import Player

    p = Player([], seed=7)
    p.start_workshop(load_file(PHONE), vote_url="http://127.0.0.1:8123/")
    assert p.ui.screen == "note" and p.theme_name == "contrast"  # the introduction, then Begin
    p.act(("continue",))
    assert p.ui.screen == "workshop"
    p.draw()
    for key in (pygame.K_RETURN, pygame.K_2, pygame.K_2, pygame.K_1, pygame.K_RETURN):
        p.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=""))
        p.draw()
    assert p.workshop.stage == "tally" and dict((c.id, n) for c, n in p.workshop.tally()) == {"crouch": 1, "public": 2}
    p.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode=""))
    assert p.run.turns[0].choice.id == "public"  # the majority
    assert p.run.turns[0].elapsed_ms >= 0 and p.run.log()["turns"][0]["votes"] == {"crouch": 1, "public": 2}
    p.save(str(tmp_path / "w.png"))
    pygame.quit()
