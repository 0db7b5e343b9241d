"""Players show choices in a per-run order, so the strongest move is not always in one place."""

from __future__ import annotations

from conftest import SCENARIOS, run_cli

from simulator.core.loader import load_file
from simulator.session.run import Run

SKETCH = SCENARIOS / "the-sketchbook.yaml"


def test_shuffled_order_is_fixed_per_run_and_varies_between_runs():
    sc = load_file(SKETCH)
    orders = {tuple(c.id for c in Run(sc, seed=s, shuffle=True).view().choices) for s in range(12)}
    assert len(orders) > 1  # different runs, different orders
    a = Run(sc, seed=3, shuffle=True)
    assert a.view().choices == Run(sc, seed=3, shuffle=True).view().choices  # the same seed, the same order
    assert sorted(c.id for c in a.view().choices) == sorted(c.id for c in a.offered_choices())
    assert [c.id for c in Run(sc, seed=3).view().choices] == [c.id for c in sc.scenes["profile"].choices]


def test_the_log_does_not_depend_on_the_order():
    sc = load_file(SKETCH)
    a, b = Run(sc, seed=5, shuffle=True), Run(sc, seed=5)
    a.choose("note-baseline")
    b.choose("note-baseline")
    assert a.log() == b.log()


def test_the_text_player_numbers_the_shuffled_order(monkeypatch):
    monkeypatch.delenv("REHEARSE_CHOICE_ORDER")
    sc = load_file(SCENARIOS / "phone-standoff.yaml")
    first = Run(sc, seed=11, shuffle=True).view().choices[0]
    code, out, _ = run_cli(
        ["play", str(SCENARIOS / "phone-standoff.yaml"), "--text", "--seed", "11"], stdin="\n1\nquit\n"
    )
    assert code == 0 and f"  1. {first.text[:40]}" in out


def test_scripts_keep_the_files_order(monkeypatch):
    monkeypatch.delenv("REHEARSE_CHOICE_ORDER")
    code, out, _ = run_cli(
        [
            "play",
            str(SCENARIOS / "phone-standoff.yaml"),
            "--script",
            str(SCENARIOS.parent / "tests/data/golden/phone-standoff-best-7.script.yaml"),
        ]
    )
    assert code == 0 and "  1. Walk over, crouch" in out
