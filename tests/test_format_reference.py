"""The format reference (docs/format.md), section by section: each case is a scenario with the exact
diagnostics `rehearse check` must give, written inline where they point.

A marker `«code»` stands just before the key or value a diagnostic points at; the harness takes the
markers out, checks the file, and requires exactly those diagnostics at exactly those places (no
more, no fewer). The base is simulator.core.codes.BASE, a scenario that passes every check."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

from simulator.core.codes import BASE

MARK = re.compile(r"«([a-z0-9-]+)»")


def expected(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text without markers, and (line, col, code) of each marker, in order."""
    out, found = [], []
    for n, line in enumerate(marked.split("\n"), 1):
        col_shift = 0
        for m in MARK.finditer(line):
            found.append((n, m.start() - col_shift + 1, m.group(1)))
            col_shift += len(m.group(0))
        out.append(MARK.sub("", line))
    return "\n".join(out), sorted(found)


def edit(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CHOICE = "        goto: b\n"  # the end of the base's one choice, where a case adds keys to it
END = "  b:\n    ending: done"

SECTIONS = {
    "YAML in one minute": [
        ("a colon in unquoted text", edit(("        text: Talk.\n", "        text: Talk«yaml-syntax»: now.\n"))),
        ("a key twice", edit(("title: Tiny\n", "title: Tiny\n«duplicate-key»title: Other\n"))),
        ("a comma splits a flow mapping", edit(("{title: Done, outcome", "{title: Done, «flow-comma»well, outcome"))),
        ("a second document", BASE + "«multiple-documents»---\nid: other\n"),
    ],
    "Top-level keys": [
        ("a misspelt key", edit(("title: Tiny\n", "title: Tiny\n«unknown-key»titel: Other\n"))),
        ("x- keys are the author's", edit(("title: Tiny\n", "title: Tiny\nx-notes: mine\n"))),
        ("a missing title", edit(("title: Tiny\n", "")).replace("format:", "«missing-key»format:", 1)),
        ("an unknown version", edit(("format: rehearse/1", "format: «unknown-format»rehearse/9"))),
        ("the id is not the file name", edit(("id: tiny", "id: «id-not-file-name»other"))),
        ("an unknown topic", edit(("topics: [relationship]", "topics: [«unknown-topic»relationshp]"))),
        ("grades out of order", edit(('grades: "6-8"', 'grades: «bad-grades»"8-6"'))),
        (
            "a sensitive topic needs a content note",
            edit(("topics: [relationship]", "topics: «missing-content-note»[relationship, distress]")),
        ),
    ],
    "The student and their mood": [
        ("a mood out of range", edit(("stress: 0.5", "stress: «out-of-range»1.5"))),
        ("a mood that is text", edit(("stress: 0.5", "stress: «wrong-type»high"))),
        (
            "a portrait value outside the vocabulary",
            edit(("  name: Ana\n", "  name: Ana\n  portrait: {hair: «bad-portrait»purple}\n")),
        ),
    ],
    "Flags": [
        ("a flag name guards cannot read", edit(("  asked: false", "  «bad-name»Asked-Twice: false"))),
        ("setting an undeclared flag", edit((CHOICE, CHOICE + "        set: {«unknown-flag»askd: true}\n"))),
    ],
    "Scenes": [
        ("goto names no scene", edit(("        goto: b\n", "        goto: «unknown-scene»bb\n"))),
        ("a scene no run reaches", edit((END, END + "\n  «unreachable-scene»lost:\n    ending: done"))),
        (
            "an ending scene with next too",
            edit((END, "  b:\n    ending: «scene-kind»done\n    next:\n      - goto: a")).replace(
                "  done: {", "  «unused-ending»done: {"
            ),
        ),
        (
            "a next route that can never be taken",
            edit(
                ("      - id: talk\n", "      - id: talk\n"),
                (END, "  b:\n    next:\n      - «unreachable-route»goto: c\n      - goto: c\n  c:\n    ending: done"),
            ),
        ),
        (  # the loop's consequences are real too: nothing after it is reached
            "routes in a circle",
            edit(
                (
                    END,
                    "  «next-loop»«unreachable-scene»b:\n    next:\n      - goto: c\n  «unreachable-scene»c:\n    next:\n      - goto: b",
                )
            )
            .replace("  a:\n", "  «dead-end»a:\n", 1)
            .replace("  done: {", "  «unused-ending»done: {"),
        ),
    ],
    "Choices": [
        ("an id with a space", edit(("- id: talk", "- id: «bad-id»Talk Now"))),
        (
            "a choice without feedback",
            edit(("        feedback: Talking helps.\n", "")).replace(
                "      - id: talk", "      - «choice-without-feedback»id: talk"
            ),
        ),
        (
            "a guard that hides the only choice",
            edit((CHOICE, CHOICE + "        if: trust > 0.9\n"), (END, "  «unreachable-scene»b:\n    ending: done"))
            .replace("  a:\n", "  «dead-end»«no-choice-offered»a:\n", 1)
            .replace("      - id: talk", "      - «choice-never-offered»id: talk")
            .replace("  done: {", "  «unreachable-ending»done: {"),
        ),
        (
            "a guard that always holds",
            edit((CHOICE, CHOICE + "        if: trust > 0.1\n")).replace(
                "      - id: talk", "      - «guard-always-true»id: talk"
            ),
        ),
    ],
    "Timeouts": [
        (
            "a timeout on an ending",
            edit((END, "  b:\n    ending: done\n    timeout: «timeout-without-choices»{seconds: 5, goto: a}")),
        ),
    ],
    "Cues and noticing": [
        (
            "a cue id twice",
            edit(
                (
                    "    choices:\n",
                    "    cues:\n      - {id: c, text: C., sign: true, note: N.}\n      - {id: «duplicate-cue»c, text: D., sign: true, note: N.}\n"
                    "    choices:\n",
                )
            ),
        ),
        (
            "cues on an ending",
            edit(
                (
                    END,
                    "  b:\n    ending: done\n    cues:\n      - «cue-on-ending»{id: c, text: C., sign: true, note: N.}",
                )
            ),
        ),
    ],
    "Endings": [
        ("an outcome that is not one", edit(("outcome: good", "outcome: «bad-outcome»great"))),
        (
            "a scene ends with no such ending",
            edit(("    ending: done", "    ending: «unknown-ending»gone")).replace(
                "  done: {", "  «unused-ending»done: {"
            ),
        ),
        (
            "an ending no scene names",
            edit(("endings:\n", "endings:\n  «unused-ending»spare: {title: Spare, outcome: poor, debrief: Spare.}\n")),
        ),
        (
            "an ending without a debrief",
            edit(
                (
                    "  done: {title: Done, outcome: good, debrief: Fine.}",
                    "  done: «ending-without-debrief»{title: Done, outcome: good}",
                )
            ),
        ),
    ],
    "Guards": [
        ("= for ==", edit((CHOICE, CHOICE + "        if: trust «bad-guard»= 0.5\n"))),
        ("a misspelt mood", edit((CHOICE, CHOICE + "        if: «unknown-name»trsut > 0.2\n"))),
        (
            "chose() a choice that does not exist",
            edit((CHOICE, CHOICE + '        if: chose(«unknown-choice»"a", "walk")\n')),
        ),
    ],
    "Scoring dimensions": [
        ("a score out of range", edit(("score: {relationship: 1}", "score: {relationship: «out-of-range»5}"))),
        ("a misspelt dimension", edit(("score: {relationship: 1}", "score: {«unknown-dimension»relationshp: 1}"))),
        (
            "a dimension no choice raises",
            # it points at the student's name for now (issue 19 moves it to the dimension's scores)
            edit(("score: {relationship: 1}", "score: {relationship: 1, de_escalation: -1}")).replace(
                "  name: Ana", "  «dimension-cannot-rise»name: Ana"
            ),
        ),
    ],
}

CASES = [(section, name, text) for section, cases in SECTIONS.items() for name, text in cases]


@pytest.mark.parametrize("section, name, marked", CASES, ids=[f"{s}: {n}" for s, n, _ in CASES])
def test_the_format_reference(tmp_path, section, name, marked):
    text, want = expected(marked)
    f = tmp_path / "tiny.yaml"
    f.write_text(text, encoding="utf-8")
    code, out, err = run_cli(["check", "--format", "json", str(f)])
    got = sorted((d["line"], d["col"], d["code"]) for d in json.loads(out))
    assert got == want, f"{section}: {name}"


def test_the_markers_are_read_where_they_stand():
    text, found = expected("a: 1\nb: «x»2 «y»3\n«z»c: 4")
    assert text == "a: 1\nb: 2 3\nc: 4" and found == [(2, 4, "x"), (2, 6, "y"), (3, 1, "z")]
