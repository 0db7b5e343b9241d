"""Authoring warnings: each code on a small file, and silencing one on its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from simulator.core.codes import BASE  # the registry's clean scenario


def codes(tmp_path, text: str, name: str = "tiny.yaml") -> list[str]:
    f = tmp_path / name
    f.write_text(text)
    code, out, _ = run_cli(["check", "--format", "json", str(f)])
    import json

    return [d["code"] for d in json.loads(out)]


def test_the_base_is_clean(tmp_path):
    assert codes(tmp_path, BASE) == []


CASES = [
    ("unreachable-scene", BASE.replace("  b:\n    ending: done", "  b:\n    ending: done\n  lost:\n    ending: done")),
    (
        "dead-end",
        BASE.replace("        goto: b\n", "        goto: c\n").replace(
            "  b:\n    ending: done",
            "  b:\n    ending: done\n  c:\n    choices:\n      - {id: x, text: X, goto: c, "
            "feedback: F., score: {relationship: 1}}",
        ),
    ),
    (
        "choice-never-offered",
        BASE.replace(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: never, text: N, if: asked, goto: b, feedback: F.}\n",
        ),
    ),
    (
        "guard-always-true",
        BASE.replace("        feedback: Talking helps.\n", "        feedback: Talking helps.\n        if: not asked\n"),
    ),
    (
        "flag-never-read",
        BASE.replace(
            "        feedback: Talking helps.\n", "        feedback: Talking helps.\n        set: {asked: true}\n"
        ),
    ),
    ("choice-without-feedback", BASE.replace("        feedback: Talking helps.\n", "")),
    ("dimension-cannot-rise", BASE.replace("score: {relationship: 1}", "score: {relationship: -1}")),
    ("text-too-long", BASE.replace("text: Talk.", "text: " + "word " * 100)),
    (
        "harmful-wording",
        BASE.replace("  b:\n    ending: done", "  b:\n    narration: He is a troublemaker.\n    ending: done"),
    ),
    (
        "endless-loop",
        BASE.replace(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: again, text: Again., goto: a, feedback: F.}\n",
        ),
    ),
]


@pytest.mark.parametrize("code,text", CASES, ids=[c[0] for c in CASES])
def test_each_warning(tmp_path, code, text):
    assert code in codes(tmp_path, text)


def test_harmful_wording_is_allowed_in_a_poor_choice_and_in_quoted_feedback(tmp_path):
    text = (
        BASE.replace("text: Talk.", "text: Call him a troublemaker.")
        .replace("score: {relationship: 1}", "score: {relationship: -2}")
        .replace("feedback: Talking helps.", "feedback: 'Calling him a \"troublemaker\" is a label.'")
    )
    found = codes(tmp_path, text)
    assert "harmful-wording" not in found


def test_a_warning_is_silenced_on_its_line(tmp_path):
    text = BASE.replace(
        "  b:\n    ending: done",
        "  b:\n    ending: done\n  lost:  # rehearse: ignore[unreachable-scene]\n    ending: done",
    )
    assert "unreachable-scene" not in codes(tmp_path, text)
    text2 = text.replace("ignore[unreachable-scene]", "ignore[dead-end]")
    assert "unreachable-scene" in codes(tmp_path, text2)


RURAL = "A rural kid who loves engines."


def identity_library(tmp_path, files: list[tuple[str, str]]) -> list[dict]:
    """One scenario per (topic, student's `about`) pair, checked as a library; the identity warnings."""
    import json

    for i, (topic, about) in enumerate(files, 1):
        text = (
            BASE.replace("id: tiny", f"id: t{i}")
            .replace(
                "topics: [relationship]", f"topics: [{topic}]" + ("\ncontent_note: Distress." * ("distress" in topic))
            )
            .replace("  name: Ana\n", f"  name: Ana\n  about: {about}\n")
        )
        (tmp_path / f"t{i}.yaml").write_text(text)
    code, out, err = run_cli(["check", "--format", "json", str(tmp_path)])
    assert code == 0, err  # warnings only
    return [d for d in json.loads(out) if d["code"] == "identity-only-for-trouble"]


def test_identity_only_for_trouble_across_files(tmp_path):
    found = identity_library(tmp_path, [("de-escalation", RURAL), ("restorative", RURAL), ("relationship", "A kid.")])
    assert sorted(Path(d["file"]).name for d in found) == ["t1.yaml", "t2.yaml"]
    for d in found:
        assert (
            d["message"]
            == "'rural' describes students only in scenarios where they cause trouble (2 across the library)"
        )
        assert d["line"] == 8 and d["col"] == 3  # the student's mapping, where `about` is written


@pytest.mark.parametrize(
    "files",
    [
        [("de-escalation", RURAL), ("relationship", RURAL)],  # also a student who is not in trouble
        [("de-escalation", RURAL), ("restorative", "A kid who loves engines.")],  # one scenario is no pattern
        [("de-escalation", RURAL), ("de-escalation", RURAL.replace("rural", "ruralist"))],  # a word, not a part
        [("de-escalation", RURAL), ("de-escalation, distress", RURAL)],  # in distress, not causing trouble
    ],
    ids=["also-outside-trouble", "one-scenario", "part-of-a-word", "distress"],
)
def test_identity_used_outside_trouble_is_not_flagged(tmp_path, files):
    assert identity_library(tmp_path, files) == []


def test_too_large_to_walk_falls_back_to_the_scene_graph(tmp_path, monkeypatch):
    import simulator.authoring.check

    monkeypatch.setattr(simulator.authoring.check, "MAX_STATES", 1)
    text = BASE.replace("  b:\n    ending: done", "  b:\n    ending: done\n  lost:\n    ending: done")
    found = codes(tmp_path, text)
    assert "search-incomplete" in found and "unreachable-scene" in found


def test_source_lines_split_as_splitlines_does_and_keep_only_windows():
    import random

    from simulator.authoring.check import SourceLines

    rnd = random.Random(5)
    alphabet = "ab #\n\r\x0b\x0c\x1c\x85\u2028\u2029"
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        want = text.splitlines()
        got = SourceLines.of(text, range(1, 50))
        assert len(got) == len(want), repr(text)
        assert [got[i] for i in range(len(want))] == want, repr(text)
    big = "\n".join(f"line {i}" for i in range(5000))
    got = SourceLines.of(big, [10, 3000])
    assert len(got) == 5000
    assert got[9] == "line 9" and got[9 + SourceLines.WINDOW] == f"line {9 + SourceLines.WINDOW}"
    assert len(got._kept) == 2 * (SourceLines.WINDOW + 1)
