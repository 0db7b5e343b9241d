"""The format's own example (docs/format.md, A complete example), copied verbatim into
tests/data/format-example.yaml, plays as the page says."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, ROOT, run_cli

from simulator.core.loader import load_file, read_file
from simulator.session.run import Run

EXAMPLE = DATA / "format-example.yaml"
FORMAT_DOC = ROOT / "docs" / "format.md"


def example_block(page: str) -> str:
    """The first ```yaml block under the page's `## A complete example` heading."""
    section = re.search(r"^## A complete example\n(.*?)(?=^## )", page, re.S | re.M)
    assert section, "no '## A complete example' section"
    block = re.search(r"^```yaml\n(.*?)^```$", section.group(1), re.S | re.M)
    assert block, "no ```yaml block in '## A complete example'"
    return block.group(1)


def test_the_copy_is_the_example_in_docs_format():
    assert example_block(FORMAT_DOC.read_text(encoding="utf-8")) == EXAMPLE.read_text(encoding="utf-8")


def test_the_docs_example_passes_rehearse_check(tmp_path):
    # Checked as the page shows it, under the file name its id asks for, so that only the
    # example's own warnings remain; none of them is an error.
    f = tmp_path / "phone-standoff.yaml"
    f.write_text(example_block(FORMAT_DOC.read_text(encoding="utf-8")), encoding="utf-8")
    code, out, err = run_cli(["check", "--format", "json", str(f)])
    assert code == 0, out + err
    found = json.loads(out)
    assert [d["severity"] for d in found] == ["warning"] * len(found)
    # The flow comma in the first ending's title (format.md, Readings) is read and warned about.
    assert "flow-comma" in [d["code"] for d in found]


def test_it_loads_with_one_warning_about_the_title_comma():
    sc, ds = read_file(EXAMPLE)
    assert sc is not None
    # `{title: A limit kept, trust intact, ...}`: YAML splits the title at the comma.
    assert [d.code for d in ds] == ["id-not-file-name", "flow-comma"]
    assert sc.endings["repaired"].title == "A limit kept, trust intact"


@pytest.fixture(scope="module")
def sc():
    return load_file(EXAMPLE)


def test_crouch_routes_through_private_to_the_repaired_ending(sc):
    run = Run(sc, seed=7, mode="assess")
    view = run.view()
    assert view.scene.id == "quiz" and [c.id for c in view.choices] == ["crouch", "public"]
    assert [c.id for c in view.cues] == ["jaw", "hoodie"]
    turn = run.choose("crouch", noticed=["jaw"])
    # stress starts near 0.55, -0.2, then 10% back toward the start: well under 0.6, so `plan`.
    assert turn.passed == ("private",) and turn.to == "plan"
    assert run.ended and run.ending.id == "repaired" and run.ending.outcome == "good"
    assert run.view().lines[0] == ("student", "My mom's in the hospital. They said they'd text.")


def test_mood_follows_the_turn_order(sc):
    run = Run(sc, seed=7)
    base = dict(run.mood)
    assert abs(base["stress"] - 0.55) <= 0.05
    run.choose("public")
    # +0.3 stress then drift 10% of the way back: s + 0.3 - 0.1 * 0.3
    assert run.mood["stress"] == pytest.approx(min(1.0, base["stress"] + 0.3) * 0.9 + 0.1 * base["stress"])
    assert run.flags["took_phone"] is True


def test_a_public_demand_rules_out_the_referral(sc):
    run = Run(sc, seed=1)
    run.choose("public")
    assert run.view().scene.id == "standoff"
    assert [c.id for c in run.offered_choices()] == ["1"]  # `if: not took_phone` hides the referral


def test_silence_leads_to_the_standoff_with_both_choices(sc):
    run = Run(sc, seed=1)
    turn = run.wait()
    assert turn.choice is None and turn.feedback.startswith("Waiting")
    assert [c.id for c in run.offered_choices()] == ["1", "2"]
    run.choose(2)
    assert run.ending.id == "escalated"


def test_the_log_has_the_page_shape_and_bounds(sc):
    run = Run(sc, seed=7, mode="assess")
    run.choose("crouch", noticed=["jaw"])
    log = run.log()
    assert log["format"] == "rehearse-log/1" and log["seed"] == 7 and log["mode"] == "assess"
    assert log["scenario"]["id"] == "phone-standoff" and len(log["scenario"]["sha256"]) == 64
    t = log["turns"][0]
    assert {k: t[k] for k in ("scene", "choice", "noticed", "reflection", "elapsed_ms")} == {
        "scene": "quiz",
        "choice": "crouch",
        "noticed": ["jaw"],
        "reflection": None,
        "elapsed_ms": 0,
    }
    assert set(t["mood_before"]) == {"stress", "trust", "openness"}
    assert log["ending"] == "repaired" and log["critical"] is False
    # The page's example log: de_escalation raw 2, min -1, max 2, percent 100.
    assert log["score"]["dimensions"]["de_escalation"] == {"raw": 2, "min": -1, "max": 2, "percent": 100.0}
    assert log["score"]["noticing"] == {"hits": 1, "misses": 0, "false_alarms": 0}
    json.dumps(log)


def test_a_timed_out_turn_logs_choice_null(sc, tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text("- wait\n- choose: 1\n")
    code, out, err = run_cli(
        ["play", str(EXAMPLE), "--text", "--script", str(script), "--seed", "3", "--log", str(tmp_path / "l.json")]
    )
    assert code == 0, err
    log = json.loads((tmp_path / "l.json").read_text())
    assert [t["choice"] for t in log["turns"]] == [None, "1"] and log["ending"] == "repaired"
