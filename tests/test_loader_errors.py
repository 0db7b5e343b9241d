"""One case per class of problem: the diagnostic's line, column, code and message."""

from __future__ import annotations

import pytest
from conftest import TINY, deadline

from simulator.core.errors import ScenarioError
from simulator.core.loader import load_scenario, read_scenario


def diags(text: str | bytes, stem: str | None = None):
    sc, ds = read_scenario(text, "t.yaml", stem=stem)
    return sc, ds


def sub(old: str, new: str, base: str = TINY) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


# (name, text, line, col, code, words in the message)
CASES = [
    ("yaml syntax", sub("title: Tiny", "title: Tiny: bad"), 3, 12, "yaml-syntax", "mapping values"),
    ("tab indent", sub("  name: Ana", "\tname: Ana"), 8, 1, "yaml-syntax", "YAML syntax"),
    ("top level a list", "- just\n- a list\n", 1, 1, "not-a-mapping", "should be a mapping"),
    ("top level text", "hello there\n", 1, 1, "not-a-mapping", "found text"),
    ("duplicate key", sub("title: Tiny", "title: Tiny\ntitle: Again"), 4, 1, "duplicate-key", "duplicate key 'title'"),
    (
        "duplicate scene",
        sub("  b:\n    ending: done", "  b:\n    ending: done\n  b:\n    ending: done"),
        21,
        3,
        "duplicate-key",
        "duplicate key 'b'",
    ),
    ("unknown format", sub("format: rehearse/1", "format: rehearse/9"), 1, 9, "unknown-format", "rehearse/1"),
    ("missing required key", sub("title: Tiny\n", ""), 1, 1, "missing-key", "'title'"),
    ("unknown key", sub("summary: A tiny scenario.", "sumary: A tiny scenario."), 4, 1, "unknown-key", "'sumary'"),
    ("unknown goto", sub("goto: b", "goto: bb"), 18, 15, "unknown-scene", "'bb'"),
    ("unknown start", sub("start: a", "start: aa"), 12, 8, "unknown-scene", "'aa'"),
    ("unknown ending", sub("ending: done", "ending: dnoe"), 20, 13, "unknown-ending", "'dnoe'"),
    (
        "choices and ending",
        sub("        goto: b\n", "        goto: b\n    ending: done\n"),
        19,
        13,
        "scene-kind",
        "both 'choices' and 'ending'",
    ),
    (
        "none of the three",
        sub("  b:\n    ending: done", "  b:\n    narration: Nothing here."),
        19,
        3,
        "scene-kind",
        "no choices, next or ending",
    ),
    (
        "next last guarded",
        sub(
            "  b:\n    ending: done",
            "  b:\n    next:\n      - if: stress > 0.5\n        goto: c\n  c:\n    ending: done",
        ),
        21,
        13,
        "next-without-default",
        "last entry",
    ),
    (
        "score out of range",
        sub("        goto: b\n", "        goto: b\n        score: {relationship: 4}\n"),
        19,
        31,
        "out-of-range",
        "-3 to 3",
    ),
    (
        "score not whole",
        sub("        goto: b\n", "        goto: b\n        score: {relationship: 1.5}\n"),
        19,
        31,
        "wrong-type",
        "whole number",
    ),
    ("mood start out of range", sub("stress: 0.5,", "stress: 1.5,"), 9, 18, "out-of-range", "0 to 1"),
    (
        "unknown mood in delta",
        sub("        goto: b\n", "        goto: b\n        mood: {stres: -0.1}\n"),
        19,
        16,
        "unknown-mood",
        "'stres'",
    ),
    (
        "undefined flag in set",
        sub("        goto: b\n", "        goto: b\n        set: {askd: true}\n"),
        19,
        15,
        "unknown-flag",
        "'askd'",
    ),
    (
        "undefined flag in guard",
        sub("        goto: b\n", "        goto: b\n        if: not askd\n"),
        19,
        17,
        "unknown-name",
        "'askd'",
    ),
    (
        "guard unknown name",
        sub("        goto: b\n", "        goto: b\n        if: anger > 0.5\n"),
        19,
        13,
        "unknown-name",
        "'anger'",
    ),
    (
        "guard calls other function",
        sub("        goto: b\n", '        goto: b\n        if: len("a") > 0\n'),
        19,
        13,
        "bad-guard",
        "only visited() and chose()",
    ),
    (
        "guard attribute",
        sub("        goto: b\n", "        goto: b\n        if: stress.real > 0\n"),
        19,
        13,
        "bad-guard",
        "attribute",
    ),
    (
        "guard single equals",
        sub("        goto: b\n", "        goto: b\n        if: asked = true\n"),
        19,
        19,
        "bad-guard",
        "==",
    ),
    (
        "guard visited unknown",
        sub("        goto: b\n", '        goto: b\n        if: visited("c")\n'),
        19,
        21,
        "unknown-scene",
        "'c'",
    ),
    (
        "guard chose unknown choice",
        sub("        goto: b\n", '        goto: b\n        if: chose("a", "tlak")\n'),
        19,
        19,
        "unknown-choice",
        "'tlak'",
    ),
    (
        "duplicate cue",
        sub(
            "    choices:\n",
            "    cues:\n      - {id: x, text: T, sign: true, note: N}\n"
            "      - {id: x, text: U, sign: false, note: M}\n    choices:\n",
        ),
        17,
        14,
        "duplicate-cue",
        "'x'",
    ),
    (
        "missing content note",
        sub("topics: [relationship]", "topics: [distress]"),
        5,
        9,
        "missing-content-note",
        "content_note",
    ),
    (
        "unknown dimension",
        sub("        goto: b\n", "        goto: b\n        score: {courage: 1}\n"),
        19,
        17,
        "unknown-dimension",
        "'courage'",
    ),
    (
        "unknown topic",
        sub("topics: [relationship]", "topics: [relationships]"),
        5,
        10,
        "unknown-topic",
        "'relationships'",
    ),
    ("bad grades", sub('grades: "6-8"', 'grades: "middle"'), 6, 9, "bad-grades", "grade band"),
    ("python tag", sub("title: Tiny", "title: !!python/object:os.system ls"), 3, 8, "yaml-tag", "not allowed"),
    ("alias to itself", sub("flags:\n  asked: false", "flags: &f\n  asked: *f"), 11, 10, "alias", "contains it"),
    (
        "choice id twice",
        sub("        goto: b\n", "        goto: b\n      - id: talk\n        text: Again.\n        goto: b\n"),
        19,
        13,
        "duplicate-choice",
        "'talk'",
    ),
    (
        "set type mismatch",
        sub("        goto: b\n", "        goto: b\n        set: {asked: 3}\n"),
        19,
        22,
        "wrong-type",
        "true or false",
    ),
    (
        "add to a boolean",
        sub("        goto: b\n", "        goto: b\n        add: {asked: 1}\n"),
        19,
        15,
        "wrong-type",
        "whole-number flags",
    ),
    (
        "timeout without choices",
        sub("  b:\n    ending: done", "  b:\n    ending: done\n    timeout: {seconds: 5, goto: a}"),
        21,
        14,
        "timeout-without-choices",
        "timeout",
    ),
]


@pytest.mark.parametrize("name,text,line,col,code,words", CASES, ids=[c[0] for c in CASES])
def test_error_is_reported_at_the_offending_place(name, text, line, col, code, words):
    sc, ds = diags(text)
    assert sc is None, f"{name}: expected an error, the file loaded"
    errors = [d for d in ds if d.severity == "error"]
    found = [d for d in errors if d.code == code]
    assert found, f"{name}: no {code} among {[d.render() for d in errors]}"
    d = found[0]
    assert (d.line, d.col) == (line, col), d.render()
    assert words in d.message, d.render()
    assert d.render().startswith(f"t.yaml:{line}:{col}: error: ")


def test_several_errors_are_all_reported():
    text = sub("goto: b", "goto: bb", sub("start: a", "start: zz", sub("title: Tiny", "titel: Tiny")))
    _, ds = diags(text)
    codes = {d.code for d in ds if d.severity == "error"}
    assert {"unknown-scene", "unknown-key", "missing-key"} <= codes
    assert len([d for d in ds if d.code == "unknown-scene"]) == 2


def test_hints_suggest_the_closest_name_or_nothing():
    _, ds = diags(sub("goto: b", "goto: bb", sub("  b:", "  bench:").replace("ending: done", "ending: done")))
    d = next(d for d in ds if d.code == "unknown-scene")
    assert d.hint is None or "bench" not in d.hint or "did you mean" not in d.hint
    _, ds = diags(sub("ending: done", "ending: dnoe"))
    assert next(d for d in ds if d.code == "unknown-ending").hint == "did you mean 'done'?"


def test_empty_file():
    for text in ("", "\n\n", "# only a comment\n", "---\n"):
        sc, ds = diags(text)
        assert sc is None and ds[0].code == "empty" and (ds[0].line, ds[0].col) == (1, 1)


def test_not_utf8_points_at_the_byte():
    data = TINY.encode().replace(b"Ana", b"An\xe9")
    sc, ds = diags(data)
    assert sc is None
    assert ds[0].code == "not-utf8" and (ds[0].line, ds[0].col) == (8, 11)


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    with deadline(60, "an alias bomb"):
        sc, ds = diags("\n".join(lines) + "\n")
    assert sc is None and ds[0].code == "alias" and "alias bomb" in ds[0].message


# The top mapping is level 1, so the 64th "[" opens level 65: the first past MAX_DEPTH (64).
# 5,000 levels is past libyaml's own limit too (1,000 in PyYAML 6.0.4's wheels), which fires
# first there; the user sees the same error either way.
DEEP = [
    ("flow, one line", "a: " + "[" * 5000 + "]" * 5000 + "\n", 1, 3 + 64),
    ("flow, one per line", "a: [\n" + "[\n" * 5000 + "]" * 5001 + "\n", 64, 1),
    ("flow mappings", "a: " + "{b: " * 5000 + "}" * 5000 + "\n", 1, 3 + 63 * 4 + 1),
    ("block lists", "a:\n" + "".join(" " * (2 * i) + "-\n" for i in range(2000)), 65, 2 * 63 + 1),
    ("under libyaml's limit", "a: " + "[" * 500 + "]" * 500 + "\n", 1, 3 + 64),
]


@pytest.mark.parametrize("name,text,line,col", DEEP, ids=[c[0] for c in DEEP])
@pytest.mark.parametrize("parser", ["default", "pure-python"])
def test_deep_nesting_is_refused(monkeypatch, name, text, line, col, parser):
    import yaml

    from simulator.core import yamlnodes

    if parser == "pure-python":  # PyYAML built without libyaml
        monkeypatch.setattr(yamlnodes, "_Loader", yaml.SafeLoader)
    sc, ds = diags(text)
    assert sc is None
    assert [(d.code, d.line, d.col, d.message) for d in ds] == [
        ("too-deep", line, col, "nested more than 64 levels deep")
    ]


def _bad(text: str):
    sc, ds = diags(text)
    assert sc is None, "expected an error, the file loaded"
    return [d for d in ds if d.severity == "error"]


# format: Limits. Each of these was an internal error (a traceback) before.
BAD_NUMBERS = [
    ("!!int empty", 'stress: !!int "",', 9, 18, "bad-number", "'' cannot be read as a whole number", "!!int tag"),
    ("!!float x", "stress: !!float x,", 9, 18, "bad-number", "'x' cannot be read as a number", "!!float tag"),
    ("!!int 0x", "stress: !!int 0x,", 9, 18, "bad-number", "'0x' cannot be read as a whole number", "!!int tag"),
    ("plain 0x_", "stress: 0x_,", 9, 18, "bad-number", "'0x_' cannot be read as a whole number", "quotes"),
    ("4,301 digits", "stress: " + "9" * 4301 + ",", 9, 18, "bad-number", "has 4,301 characters; at most 100", "quotes"),
    ("infinite", "stress: 1.0e+999,", 9, 18, "out-of-range", "1.0e+999, which is not a finite number", "between"),
    ("!!float 1e999", "stress: !!float 1e999,", 9, 18, "out-of-range", "not a finite number", "between"),
]


@pytest.mark.parametrize("name,value,line,col,code,words,hint", BAD_NUMBERS, ids=[c[0] for c in BAD_NUMBERS])
def test_numbers_that_cannot_be_read_are_errors_at_their_place(name, value, line, col, code, words, hint):
    errors = _bad(sub("stress: 0.5,", value))
    assert [(d.code, d.line, d.col) for d in errors] == [(code, line, col)], [d.render() for d in errors]
    assert words in errors[0].message and hint in (errors[0].hint or "")


def _guarded(expr: str) -> str:
    return sub("        goto: b\n", f"        goto: b\n        if: {expr}\n")


@pytest.mark.parametrize(
    "expr,col",
    [
        ("stress > " + "9" * 400, 13 + 9),
        ("-" + "9" * 400 + " < stress", 13 + 1),
        ("turns > 1e999", 13 + 8),
        ("1000000001 > turns", 13),
    ],
)
def test_guard_numbers_out_of_range_are_errors_at_the_number(expr, col):
    errors = _bad(_guarded(expr))
    assert [(d.code, d.line, d.col) for d in errors] == [("bad-guard", 19, col)], [d.render() for d in errors]
    assert "too large for a guard" in errors[0].message
    assert "1,000,000,000" in (errors[0].hint or "")


def test_guard_arithmetic_past_float_range_does_not_crash():
    # Each number is allowed; their product is past any float. The guard is false, not a crash.
    from simulator.session.run import Run

    sc = load_scenario(_guarded("1000000000*" * 35 + "stress > 2 or true"), "t.yaml")
    run = Run(sc, seed=1)
    assert [c.id for c in run.offered_choices()] == ["talk"]


def test_flag_values_and_amounts_are_bounded():
    errors = _bad(sub("asked: false", "asked: false\n  count: 10000000000"))
    assert [(d.code, d.line, d.col) for d in errors] == [("out-of-range", 12, 10)]
    assert "from -1,000,000,000 to 1,000,000,000" in errors[0].message
    text = sub("asked: false", "asked: false\n  count: 0")
    errors = _bad(sub("        goto: b\n", "        goto: b\n        add: {count: -" + "9" * 20 + "}\n", text))
    assert [(d.code, d.line, d.col) for d in errors] == [("out-of-range", 20, 22)]


def test_oversized_text_is_refused_before_parsing(monkeypatch):
    from simulator.core import yamlnodes

    monkeypatch.setattr(yamlnodes, "MAX_FILE_BYTES", 100)
    sc, ds = diags(TINY.encode())
    assert sc is None and ds[0].code == "file-too-large" and "limit" in ds[0].message


def test_load_scenario_raises_with_every_diagnostic():
    with pytest.raises(ScenarioError) as ei:
        load_scenario(sub("goto: b", "goto: bb", sub("start: a", "start: zz")), "t.yaml")
    assert len([d for d in ei.value.diagnostics if d.severity == "error"]) == 2


def test_id_different_from_file_name_is_a_warning():
    sc, ds = diags(TINY, stem="other")
    assert sc is not None
    assert [d.code for d in ds] == ["id-not-file-name"] and ds[0].severity == "warning"


def test_unquoted_comma_in_flow_text_is_read_as_meant_with_a_warning():
    text = sub("{title: Done, outcome", "{title: Done, and dusted, outcome")
    sc, ds = diags(text)
    assert sc is not None and sc.endings["done"].title == "Done, and dusted"
    assert [d.code for d in ds] == ["flow-comma"]


def test_extension_keys_are_allowed():
    sc, ds = diags(sub("title: Tiny", "title: Tiny\nx-reviewed-by: a counselor"))
    assert sc is not None and not ds


# --- cost limits: the whole document counts (format: Limits) ---------------------------------


def _alias_scenes(scenes: int, per_list: int) -> str:
    """A valid-looking file whose scenes all reuse one list of `per_list` choices through aliases."""
    head = sub(
        "scenes:\n", "x-choice: &c {text: Go., goto: b}\nx-list: &l [" + ", ".join(["*c"] * per_list) + "]\nscenes:\n"
    )
    return sub("  b:\n", "".join(f"  s{i}: {{choices: *l}}\n" for i in range(scenes)) + "  b:\n", head)


def test_aliases_spread_over_many_scenes_are_refused_quickly():
    text = _alias_scenes(900, 200)  # 180,000 choices when expanded
    assert len(text) < 22_000
    with deadline(60, "aliases over many scenes"):
        sc, ds = diags(text)
    assert sc is None and [d.code for d in ds] == ["alias"] and "alias bomb" in ds[0].message
    # x-list's 200 *c add 1,000 values (choices of 5); each *l adds 1,001 more (the list and its
    # choices). 1,000 + 99 x 1,001 is the first total past the 100,000 allowed: the 99th scene, s98.
    # No one node is over the allowance; the document is.
    scene_line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("  s98:"))
    assert (ds[0].line, ds[0].col) == (scene_line, 18)


def test_a_few_reused_lists_are_fine():
    sc, ds = diags(_alias_scenes(20, 10))
    assert not [d.render() for d in ds if d.severity == "error"]


def test_a_file_with_too_many_values_is_too_large_not_an_alias_bomb(monkeypatch):
    from simulator.core import yamlnodes

    monkeypatch.setattr(yamlnodes, "MAX_NODES", 1000)  # 2,000,000 in earnest: a 24 MB list
    text = sub("topics: [relationship]", "topics: [relationship]\nx-list:\n" + "  - x\n" * 2000)
    sc, ds = diags(text)
    assert sc is None and [d.code for d in ds] == ["file-too-large"]
    assert "more than 1,000 values" in ds[0].message and "alias" not in ds[0].message
    assert ds[0].hint == "split the scenario into smaller files"


def test_flow_comma_repair_leaves_a_shared_node_alone():
    text = sub(
        "  done: {title: Done, outcome: good, debrief: Fine.}",
        "  done: &e {title: Done, and dusted, outcome: good, debrief: Fine.}\n  again: *e",
    )
    text = sub("  b:\n    ending: done", "  b:\n    ending: done\n  c:\n    ending: again", text)
    sc, ds = diags(text)
    assert sc is not None, [d.render() for d in ds]
    assert sc.endings["done"].title == "Done, and dusted"
    assert sc.endings["again"].title == "Done, and dusted"
    # one warning at the one place it is written, however often the node is read
    assert [(d.code, d.line, d.col) for d in ds if d.code == "flow-comma"] == [("flow-comma", 24, 26)]


# --- typed input: what the user sees --------------------------------------------------------


@pytest.mark.parametrize("as_bytes", [False, True])
@pytest.mark.parametrize(
    "title,col,shown",
    [("Ti\x01ny", 10, "U+0001"), ("T\u00ef\u00f1y \u65e5\x1b", 14, "U+001B"), ("Tiny\x7f", 12, "U+007F")],
)
def test_control_characters_are_reported_at_their_place(title, col, shown, as_bytes):
    text = sub("title: Tiny", f"title: {title}")
    sc, ds = diags(text.encode() if as_bytes else text)
    assert sc is None
    assert [(d.code, d.line, d.col) for d in ds] == [("yaml-syntax", 3, col)]
    assert f"a control character ({shown}) is not allowed" in ds[0].message


def test_guard_columns_count_characters_not_bytes():
    errors = _bad(_guarded('visited("\u00e9t\u00e9") and anger > 1'))
    found = {d.code: d.col for d in errors}
    assert found == {"unknown-scene": 13 + 8, "unknown-name": 13 + 19}, [d.render() for d in errors]


@pytest.mark.parametrize(
    "expr,words", [('visited("\\d")', "invalid escape sequence"), ("1if stress else 0", "invalid decimal literal")]
)
def test_guard_text_python_warns_about_is_an_error_and_no_warning_escapes(expr, words):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        errors = _bad(_guarded(expr))
    assert not caught, [str(w.message) for w in caught]
    assert [(d.code, d.line) for d in errors] == [("bad-guard", 19)] and words in errors[0].message


def test_a_key_with_a_line_break_cannot_forge_a_diagnostic(tmp_path):
    from conftest import run_cli

    path = tmp_path / "tiny.yaml"
    path.write_text(sub("title: Tiny", '"ti\\nt.yaml:1:1: error: forged\\rx": 1\ntitle: Tiny'), encoding="utf-8")
    code, out, err = run_cli(["check", str(path)])
    assert code == 1
    lines = out.splitlines()
    assert lines and all(ln.startswith(f"{path}:") or ln.startswith("  hint: ") for ln in lines), lines
    assert f"{path}:3:1: error: unknown key 'ti\\nt.yaml:1:1: error: forged\\rx' in the scenario [unknown-key]" in lines
