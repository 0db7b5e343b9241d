"""`rehearse explore`: exhaustive analysis, and seeded random runs when asked or when too large."""

from __future__ import annotations

import json

from conftest import SCENARIOS, TINY, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")


def test_exhaustive_report_of_the_example():
    code, out, _ = run_cli(["explore", PHONE, "--format", "json"])
    assert code == 0
    x = json.loads(out)["exhaustive"]
    # quiz: crouch -> plan; public -> standoff -> 1 -> plan; wait -> standoff -> 1 | 2 (referral)
    assert x["endings"]["repaired"]["paths"] == 3 and x["endings"]["escalated"]["paths"] == 1
    assert x["endings"]["repaired"]["shortest"] == [["quiz", "crouch"]]
    assert x["endings"]["escalated"]["shortest"] == [["quiz", None], ["standoff", "2"]]
    assert x["dimensions"]["de_escalation"] == {"min": -1, "max": 2}
    assert x["best"]["path"] == [["quiz", "crouch"]]
    assert x["worst"]["path"] == [["quiz", None], ["standoff", "2"]]
    assert x["scenes_never_reached"] == [] and x["loops"] == [] and x["stuck"] == []
    assert x["cues"] == {"signs": 1, "red_herrings": 1}


def test_text_report_names_unreachable_scenes_and_loops(tmp_path):
    text = TINY.replace(
        "        goto: b\n", "        goto: b\n      - id: again\n        text: Again.\n        goto: a\n"
    )
    text = text.replace("  b:\n    ending: done", "  b:\n    ending: done\n  lost:\n    ending: done")
    f = tmp_path / "tiny.yaml"
    f.write_text(text)
    code, out, _ = run_cli(["explore", str(f)])
    assert code == 0
    assert "Scenes never reached: lost" in out
    assert "Moves that can repeat forever without changing anything: a:again" in out


def test_random_runs_are_seeded_and_reported(tmp_path):
    a = json.loads(run_cli(["explore", PHONE, "--runs", "3000", "--seed", "5", "--format", "json"])[1])["random"]
    b = json.loads(run_cli(["explore", PHONE, "--runs", "3000", "--seed", "5", "--format", "json"])[1])["random"]
    assert a["runs"] == 3000 and a["endings"] == b["endings"] and a["dimensions"] == b["dimensions"]
    assert sum(v["runs"] for v in a["endings"].values()) + a["unfinished"] == 3000
    assert a["dimensions"]["de_escalation"]["min"] >= -1 and a["dimensions"]["de_escalation"]["max"] <= 2


def test_parallel_and_serial_runs_agree():
    from simulator.authoring.explore import explore_random
    from simulator.core.engine import Engine
    from simulator.core.loader import load_file

    eng = Engine(load_file(PHONE))
    one, _ = explore_random(PHONE, eng, 5000, 9, jobs=1, progress=False)
    two, _ = explore_random(PHONE, eng, 5000, 9, jobs=2, progress=False)
    assert one.endings == two.endings and (one.scores == two.scores).all()


def test_too_large_falls_back_to_random_runs_with_progress(monkeypatch):
    import scoring.analysis

    monkeypatch.setattr(scoring.analysis, "DEFAULT_BUDGET", 3)
    code, out, err = run_cli(["explore", str(SCENARIOS / "after-the-fight.yaml"), "--seed", "1"])
    assert code == 0
    assert "Not searched exhaustively" in out and "10,000 seeded random playthroughs" in out
    assert "exploring: 10,000/10,000 (100%)" in err


def test_explore_a_broken_file(tmp_path):
    f = tmp_path / "tiny.yaml"
    f.write_text(TINY.replace("goto: b", "goto: nowhere"))
    code, out, err = run_cli(["explore", str(f)])
    assert code == 1 and "goto names scene 'nowhere'" in err
