"""The diagnostic registry (simulator/core/codes.py): every rule fires on its failing example and
stays quiet on its passing one, through `rehearse check`; the docs table is the registry's; every
code the source names is registered; and the text, JSON and GitHub outputs carry the code."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from simulator.core import codes
from simulator.core.codes import BASE, RULES, SCENARIO
from simulator.core.errors import ScenarioError


def check_codes(tmp_path: Path, text: str | bytes, name: str = "tiny.yaml") -> list[str]:
    f = tmp_path / name
    f.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, out, err = run_cli(["check", "--format", "json", str(f)])
    assert "Traceback" not in err and "internal error" not in err, err
    return [d["code"] for d in json.loads(out)]


def test_the_base_passes_every_check(tmp_path):
    assert check_codes(tmp_path, BASE) == []


SCENARIO_RULES = [r for r in RULES.values() if r.kind == SCENARIO]


@pytest.mark.parametrize("rule", SCENARIO_RULES, ids=[r.code for r in SCENARIO_RULES])
def test_each_rule_fires_on_its_failing_example_only(tmp_path, rule):
    failing = rule.failing()
    assert failing is not None, f"{rule.code}: a scenario rule needs a failing example in codes.py"
    fired = check_codes(tmp_path, failing)
    assert rule.code in fired, f"{rule.code} did not fire on its failing example; found {fired}"
    quiet = check_codes(tmp_path, rule.passing())
    assert rule.code not in quiet, f"{rule.code} fired on its passing example"


# --- rules about paths, sizes, folders, scripts and test files: their examples are built here ----------


def _path_rules(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
    locked = tmp_path / "locked.yaml"
    locked.write_text(BASE)
    locked.chmod(0)
    return {
        "not-found": ["check", str(tmp_path / "nope.yaml")],
        "not-a-file": ["check", str(fifo)] if hasattr(os, "mkfifo") else None,
        "unreadable": ["check", str(locked)] if os.geteuid() != 0 and not os.access(locked, os.R_OK) else None,
    }


def _fired(argv) -> list[str]:
    code, out, err = run_cli([*argv[:1], "--format", "json", *argv[1:]])
    assert "Traceback" not in err
    return [d["code"] for d in json.loads(out)]


def built_examples(tmp_path) -> dict[str, tuple]:
    """code -> (how to see it fire, how to see it stay quiet): each a function returning the codes
    `rehearse` reports."""
    tmp_path.mkdir(exist_ok=True)
    paths = _path_rules(tmp_path)
    ok_file = tmp_path / "tiny.yaml"
    ok_file.write_text(BASE)
    quiet_check = lambda: _fired(["check", str(ok_file)])  # noqa: E731

    def folder_with_fifo():
        d = tmp_path / "lib"
        d.mkdir(exist_ok=True)
        (d / "tiny.yaml").write_text(BASE)
        if hasattr(os, "mkfifo") and not (d / "pipe.yaml").exists():
            os.mkfifo(d / "pipe.yaml")
        return _fired(["check", str(d)])

    def identity(mixed: bool):
        d = tmp_path / ("id-ok" if mixed else "id-bad")
        d.mkdir(exist_ok=True)
        for i, topic in enumerate(["de-escalation", "restorative"] if not mixed else ["de-escalation", "relationship"]):
            text = (
                BASE.replace("id: tiny", f"id: t{i}")
                .replace("topics: [relationship]", f"topics: [{topic}]")
                .replace("  name: Ana\n", "  name: Ana\n  about: A rural kid who loves engines.\n")
            )
            (d / f"t{i}.yaml").write_text(text)
        return _fired(["check", str(d)])

    def too_large():
        f = tmp_path / "big.yaml"
        f.write_text(BASE + "x-pad: '" + "a" * (25 * 1024 * 1024) + "'\n")
        return _fired(["check", str(f)])

    def not_utf8():
        f = tmp_path / "latin.yaml"
        f.write_bytes(BASE.replace("Fine.", "Fin\xe9.").encode("latin-1"))
        return _fired(["check", str(f)])

    def too_many_states():
        import simulator.authoring.check as check

        old, check.MAX_STATES = check.MAX_STATES, 1
        try:
            return _fired(["check", str(ok_file)])
        finally:
            check.MAX_STATES = old

    def script(text: str):
        s = tmp_path / "turns.yaml"
        s.write_text(text)
        code, out, err = run_cli(["play", str(ok_file), "--script", str(s)])
        return [line.rsplit("[", 1)[1].rstrip("]") for line in err.splitlines() if line.endswith("]")]

    def tests_file(text: str):
        d = tmp_path / "tested"
        d.mkdir(exist_ok=True)
        (d / "tiny.yaml").write_text(BASE)
        (d / "tiny.tests.yaml").write_text(text)
        code, out, err = run_cli(["test", str(d / "tiny.yaml")])
        return [c for c in RULES if f"[{c}]" in out + err]

    def twee(text: str):
        src = tmp_path / "story.twee"
        src.write_text(text)
        code, out, err = run_cli(["import", str(src), "-o", str(tmp_path / "story.yaml"), "--force"])
        return [c for c in RULES if f"[{c}]" in out + err]

    good_tests = "scenario: tiny\ntests:\n  - name: talks\n    turns: [{choose: talk}]\n    expect: {ending: done}\n"
    return {
        "not-found": (lambda: _fired(paths["not-found"]), quiet_check),
        "not-a-file": (lambda: _fired(paths["not-a-file"]), quiet_check) if paths["not-a-file"] else None,
        "unreadable": (lambda: _fired(paths["unreadable"]), quiet_check) if paths["unreadable"] else None,
        "skipped-entry": (folder_with_fifo, quiet_check) if hasattr(os, "mkfifo") else None,
        "file-too-large": (too_large, quiet_check),
        "not-utf8": (not_utf8, quiet_check),
        "search-incomplete": (too_many_states, quiet_check),
        "identity-only-for-trouble": (lambda: identity(False), lambda: identity(True)),
        "bad-script": (lambda: script("- choose: nope\n"), lambda: script("- choose: talk\n")),
        "unplayed-turns": (lambda: script("- choose: talk\n- choose: talk\n"), lambda: script("- choose: talk\n")),
        "bad-twee": (lambda: twee(":: StoryData\n[1, 2]\n\n:: Start\nHi.\n"), lambda: twee(":: Start\nHi.\n")),
        "bad-tests": (lambda: tests_file("scenario: tiny\ntests: 5\n"), lambda: tests_file(good_tests)),
    }


BUILT = [r.code for r in RULES.values() if r.kind != SCENARIO]


@pytest.mark.parametrize("code", BUILT)
def test_each_rule_without_scenario_text_fires_on_its_built_example(tmp_path, code):
    built = built_examples(tmp_path)
    assert code in built, f"{code}: add an example to built_examples"
    if built[code] is None:
        pytest.skip(f"{code} cannot be produced on this system (no FIFOs, or running as root)")
    fire, quiet = built[code]
    assert code in fire(), f"{code} did not fire on its example"
    assert code not in quiet(), f"{code} fired on its passing example"


# --- the registry and the source agree ----------------------------------------------------------------


def _codes_in_source() -> dict[str, str]:
    """Every code literal the source passes to a diagnostic: code -> first place."""
    found: dict[str, str] = {}
    positions = {"ScenarioError": 5, "_warn": 2}
    for path in sorted((ROOT / "simulator").rglob("*.py")) + sorted((ROOT / "scoring").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name not in ("ScenarioError", "_warn", "error", "warn"):
                continue
            args = [k.value for k in node.keywords if k.arg == "code"]
            if not args and name in positions and len(node.args) > positions[name]:
                args = [node.args[positions[name]]]
            for a in args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str):
                    found.setdefault(a.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_code_in_the_source_is_registered():
    used = _codes_in_source()
    assert len(used) > 50  # the scan sees the diagnostics (a scan that finds nothing would pass)
    unknown = {c: where for c, where in used.items() if c not in RULES}
    assert not unknown, f"register these codes in simulator/core/codes.py: {unknown}"


def test_an_unregistered_code_is_refused():
    with pytest.raises(ValueError, match="unregistered diagnostic code 'no-such-code'"):
        ScenarioError("f.yaml", 1, 1, "m", code="no-such-code")
    with pytest.raises(ValueError, match="registered as error"):
        ScenarioError("f.yaml", 1, 1, "m", code="unknown-scene", severity="warning")


def test_the_docs_table_is_the_registry():
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    begin = doc.index("\n", doc.index("<!-- codes:begin")) + 1
    assert doc[begin : doc.index("<!-- codes:end -->")] == codes.reference_table(), (
        "docs/authoring.md's codes table is stale: run python3 tasks.py docs"
    )
    assert all(f"| `{c}` |" in doc for c in RULES)


# --- output formats ------------------------------------------------------------------------------------


def _bad(tmp_path) -> str:
    f = tmp_path / "tiny.yaml"
    f.write_text(BASE.replace("  b:\n    ending: done", "  b:\n    ending: done\n  lost:\n    ending: done"))
    return str(f)


def test_text_output_ends_each_diagnostic_with_its_code(tmp_path):
    f = _bad(tmp_path)
    code, out, _ = run_cli(["check", f])
    assert out.splitlines() == [
        f"{f}:23:3: warning: no run can reach scene 'lost' [unreachable-scene]",
        "  hint: add a choice or route that goes to it, or remove it",
    ]


def test_json_output_has_range_and_subjects(tmp_path):
    f = _bad(tmp_path)
    code, out, _ = run_cli(["check", "--format", "json", f])
    (d,) = json.loads(out)
    assert (d["line"], d["col"], d["code"], d["subjects"]) == (23, 3, "unreachable-scene", {"scene": "lost"})
    assert (d["end_line"], d["end_col"]) >= (d["line"], d["col"])


def test_github_output_is_one_annotation_per_diagnostic(tmp_path):
    f = _bad(tmp_path)
    code, out, _ = run_cli(["check", "--format", "github", f])
    assert code == 0
    name = f.replace(":", "%3A").replace(",", "%2C")
    assert out.splitlines() == [
        f"::warning file={name},line=23,col=3,endLine=23,endColumn=7,title=unreachable-scene::"
        "no run can reach scene 'lost'%0A  hint: add a choice or route that goes to it, or remove it"
    ]


@pytest.mark.parametrize(
    "line, col, end",
    [
        ("  lost:", 3, 7),  # a key ends before its colon
        ("    goto: bb  # a comment", 11, 13),  # a plain value ends before a comment
        ('    text: "Talk: \\"now\\"." ', 11, 27),  # a quoted value runs to its closing quote
        ("    text: 'it''s'", 11, 18),  # '' inside single quotes is a quote, not the end
        ("  done: {title: Done, outcome: good}", 9, 37),  # a flow mapping to its bracket
        ("  done: {title: Done, outcome: good}", 17, 21),  # a value inside it, to its comma
        ("  x: [a, b]", 10, 11),
        ("", 1, 1),  # past the text: the start
    ],
)
def test_a_range_ends_where_its_token_ends(line, col, end):
    from simulator.core.yamlnodes import token_end

    assert token_end([line], 1, col) == (1, end if line else 1)


def test_a_quoted_value_over_lines_ends_on_its_last_line():
    from simulator.core.yamlnodes import token_end

    assert token_end(['  text: "one', '    two"', "next: 1"], 1, 9) == (2, 9)


@pytest.mark.parametrize(
    "code, subjects",
    [
        ("unknown-scene", {"scene": "a", "choice": "talk"}),
        ("unknown-name", {"scene": "a", "choice": "talk"}),
        ("duplicate-cue", {"scene": "a", "cue": "c"}),
        ("unknown-ending", {"scene": "b"}),
        ("bad-outcome", {"ending": "done"}),
        ("unused-ending", {"ending": "spare"}),
        ("dead-end", {"scene": "a"}),  # a leads only to c, which goes round for ever
        ("choice-never-offered", {"scene": "a", "choice": "wait"}),
        ("flag-never-read", {"flag": "asked"}),
    ],
)
def test_diagnostics_name_their_subjects(tmp_path, code, subjects):
    f = tmp_path / "tiny.yaml"
    f.write_text(RULES[code].failing() or "")
    _, out, _ = run_cli(["check", "--format", "json", str(f)])
    found = [d["subjects"] for d in json.loads(out) if d["code"] == code]
    assert found and found[0] == subjects, found
