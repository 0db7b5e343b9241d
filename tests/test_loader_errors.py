"""One case per class of problem: the diagnostic's line, column, code and message."""

from __future__ import annotations

import pytest
from conftest import TINY

from simulator.errors import ScenarioError
from simulator.loader import load_scenario, read_scenario


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
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    t = time.perf_counter()
    sc, ds = diags("\n".join(lines) + "\n")
    assert time.perf_counter() - t < 2
    assert sc is None and ds[0].code == "alias" and "alias bomb" in ds[0].message


def test_deep_nesting_is_refused():
    sc, ds = diags("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert sc is None and ds[0].code == "too-deep"


def test_oversized_text_is_refused_before_parsing(monkeypatch):
    from simulator import yamlnodes

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
