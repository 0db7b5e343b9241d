"""rehearse graph: DOT always; SVG/PNG through Graphviz when installed."""

from __future__ import annotations

import shutil

import pytest
from conftest import DATA, SCENARIOS, TINY, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")


def test_dot_has_scenes_choices_routes_and_endings(tmp_path):
    out = tmp_path / "g.dot"
    code, text, _ = run_cli(["graph", PHONE, "-o", str(out)])
    assert code == 0
    dot = out.read_text()
    assert '"quiz" -> "private" [label="crouch: Walk over, crouch beside…\\n+2 de-esc +1 rel"' in dot
    assert '"private" -> "standoff" [label="if stress > 0.6", style="dashed"]' in dot
    assert '"quiz" -> "standoff" [label="(silence, 15s)", style="dotted"]' in dot
    assert "(good)" in dot and "(poor)" in dot


def test_unreachable_scenes_and_dead_ends_are_marked(tmp_path):
    text = TINY.replace(
        "  b:\n    ending: done", "  b:\n    ending: done\n  lost:\n    choices:\n      - {id: x, text: X, goto: lost}"
    )
    f = tmp_path / "tiny.yaml"
    f.write_text(text)
    run_cli(["graph", str(f), "-o", str(tmp_path / "g.dot")])
    dot = (tmp_path / "g.dot").read_text()
    assert "[unreachable]" in dot and "[dead end]" not in dot


def test_a_reachable_trap_is_marked_a_dead_end_and_only_it(tmp_path):
    # 'trap' can be reached from the start but loops on itself: no ending is reachable from it.
    text = TINY.replace(
        "        goto: b\n",
        "        goto: b\n      - id: stray\n        text: Stray.\n        goto: trap\n",
    ).replace(
        "  b:\n    ending: done", "  b:\n    ending: done\n  trap:\n    choices:\n      - {id: x, text: X, goto: trap}"
    )
    f = tmp_path / "tiny.yaml"
    f.write_text(text)
    code, _, err = run_cli(["graph", str(f), "-o", str(tmp_path / "g.dot")])
    assert code == 0, err
    nodes = {
        line.strip().split(" ")[0].strip('"'): line
        for line in (tmp_path / "g.dot").read_text().splitlines()
        if "label=" in line and "->" not in line
    }
    assert "[dead end]" in nodes["trap"]
    assert "[dead end]" not in nodes["a"] and "[unreachable]" not in nodes["trap"]


def test_a_clean_scenario_marks_no_dead_end(tmp_path):
    code, _, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.dot")])
    dot = (tmp_path / "g.dot").read_text()
    assert code == 0 and "[dead end]" not in dot and "[unreachable]" not in dot


def test_a_log_path_is_drawn_bold(tmp_path):
    run_cli(
        [
            "graph",
            PHONE,
            "-o",
            str(tmp_path / "g.dot"),
            "--log",
            str(DATA / "golden" / "phone-standoff-best-7.log.json"),
        ]
    )
    dot = (tmp_path / "g.dot").read_text()
    assert '"quiz" -> "private" [label="crouch' in dot and 'penwidth="3"' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_through_graphviz(tmp_path):
    code, out, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.svg")])
    assert code == 0 and (tmp_path / "g.svg").read_text().lstrip().startswith(("<?xml", "<svg"))


def test_without_graphviz_the_dot_file_is_written_with_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, out, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.svg")])
    assert code == 0 and (tmp_path / "g.dot").exists() and "apt-get install graphviz" in err


def test_bad_output_suffix(tmp_path):
    code, _, err = run_cli(["graph", PHONE, "-o", str(tmp_path / "g.pdf")])
    assert code == 2 and ".svg, .png or .dot" in err
