"""The text player, driven through the command line with typed input."""

from __future__ import annotations

import json

from conftest import SCENARIOS, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")
SKETCH = SCENARIOS / "the-sketchbook.yaml"


def test_a_whole_session_at_the_keyboard(tmp_path):
    log = tmp_path / "l.json"
    # mark cue 1, choose 2 (public), then at the standoff choose 1, reflect
    code, out, err = run_cli(
        ["play", PHONE, "--text", "--seed", "5", "--log", str(log)], stdin="1\n2\n\n1\nThey feel singled out.\n"
    )
    assert code == 0, err
    assert "What you can see:\n  [1] Jaw clenched" in out
    assert "  1. Walk over, crouch beside the desk" in out
    assert "Coach: A public demand turns a limit into a contest of face." in out
    assert "Reflect: What might be underneath" in out
    assert "== Debrief ==" in out and "Ending: A limit kept, trust intact (good)" in out
    assert "Your reflections:" in out and "They feel singled out." in out
    assert "988" in out  # the resources footer on every debrief
    data = json.loads(log.read_text())
    assert data["turns"][0]["noticed"] == ["jaw"] and data["turns"][1]["reflection"] == "They feel singled out."


def test_assess_mode_holds_feedback_for_the_debrief():
    code, out, _ = run_cli(["play", PHONE, "--text", "--mode", "assess", "--seed", "5"], stdin="\n1\n")
    assert code == 0 and "Coach:" not in out
    assert "Lowering your voice and your body removes the audience." in out.split("== Debrief ==")[1]


def test_bad_keys_are_explained_and_asked_again():
    code, out, _ = run_cli(["play", PHONE, "--text", "--seed", "5"], stdin="z\n4\n\n7\nhelp\n1\n")
    assert code == 0
    assert "Please type cue numbers from 1 to 2" in out and "Please type a number from 1 to 2" in out
    assert "'resources' shows crisis resources" in out


def test_quitting_or_closed_input_leaves_without_penalty():
    code, out, _ = run_cli(["play", PHONE, "--text"], stdin="\nquit\n")
    assert code == 0 and "You left the run" in out and "nothing counts against you" in out.lower()
    code, out, _ = run_cli(["play", PHONE, "--text"], stdin="")
    assert code == 0 and "You left the run" in out


def test_sensitive_scenario_shows_the_note_and_resources_and_needs_a_confirm():
    code, out, _ = run_cli(["play", str(SKETCH), "--text"], stdin="q\n")
    assert code == 0
    assert "== Content note ==" in out and "988 Suicide & Crisis Lifeline" in out
    assert "You left before starting" in out
    assert "What do you do?" not in out


def test_resources_are_one_word_away_during_the_run():
    code, out, _ = run_cli(["play", str(SKETCH), "--text"], stdin="y\nresources\nquit\n")
    assert code == 0 and out.count("Crisis Text Line") == 2


def test_timed_run_lets_silence_answer(monkeypatch):
    import simulator.shells.textplayer as tp

    ticks = iter([0.0, 100.0] * 10)
    monkeypatch.setattr(tp.time, "monotonic", lambda: next(ticks))
    code, out, _ = run_cli(["play", PHONE, "--text", "--timed", "--seed", "1"], stdin="\n1\n1\nok\n")
    flat = " ".join(out.split())  # lines are wrapped to the terminal
    assert code == 0 and "This moment lasts about 15 seconds" in flat
    assert "silence answered first" in flat and "Waiting let the texting grow" in flat
