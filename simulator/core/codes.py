"""The diagnostic codes: one registry of what each problem means, why it matters and how to fix it.

Every `ScenarioError` names a code from `RULES`, and takes its severity from there. The reference
table in docs/authoring.md is generated from this registry (`python3 tasks.py docs`), and
tests/test_codes.py makes every rule fire on its failing example and stay quiet on its passing one.

An example is either an edit of `BASE` (a small scenario that passes every check), written
`Edit(old, new)`, or a whole file, written `Whole(text)`. Rules about paths, scripts, test files
and folders have no scenario text to show; their examples are built in the test, named by `kind`."""

from __future__ import annotations

from dataclasses import dataclass

BASE = """\
format: rehearse/1
id: tiny
title: Tiny
summary: A tiny scenario.
topics: [relationship]
grades: "6-8"
student:
  name: Ana
  mood: {stress: 0.5, trust: 0.5}
flags:
  asked: false
start: a
scenes:
  a:
    choices:
      - id: talk
        text: Talk.
        goto: b
        feedback: Talking helps.
        score: {relationship: 1}
  b:
    ending: done
endings:
  done: {title: Done, outcome: good, debrief: Fine.}
"""


@dataclass(frozen=True)
class Edit:
    """`BASE` with its first `old` replaced by `new`."""

    old: str
    new: str

    def apply(self, base: str = BASE) -> str:
        if self.old not in base:
            raise ValueError(f"example edit does not apply: {self.old!r} is not in the base scenario")
        return base.replace(self.old, self.new, 1)


@dataclass(frozen=True)
class Whole:
    """A whole file's text."""

    text: str

    def apply(self, base: str = BASE) -> str:
        return self.text


Example = Edit | Whole

ERROR, WARNING = "error", "warning"

# Where a rule's examples come from when they are not scenario text (see tests/test_codes.py).
SCENARIO, PATH, SCRIPT, TESTS, FOLDER, SIZE, TWEE = "scenario", "path", "script", "tests", "folder", "size", "twee"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    summary: str  # what it means, one line
    why: str  # why it matters to a teacher or an author
    hint: str  # the general fix (a diagnostic's own hint may be more specific)
    fail: Example | None = None  # fires on this
    ok: Example | None = None  # and not on this near miss (None: on BASE)
    kind: str = SCENARIO

    def failing(self) -> str | None:
        return self.fail.apply() if self.fail else None

    def passing(self) -> str:
        return self.ok.apply() if self.ok else BASE


def _rules(*rules: Rule) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for r in rules:
        if r.code in out:
            raise ValueError(f"diagnostic code {r.code!r} registered twice")
        if r.severity not in (ERROR, WARNING):
            raise ValueError(f"diagnostic code {r.code!r} has severity {r.severity!r}")
        out[r.code] = r
    return out


_E, _W = ERROR, WARNING
_DEAD = "  b:\n    ending: done"
_BEHIND = "  b:\n    ending: done\n  c:\n    choices:\n      - {id: x, text: X, goto: c, feedback: F., score: {relationship: 1}}"

RULES = _rules(
    # --- reading the file ----------------------------------------------------------------------
    Rule("not-found", _E, "the path does not exist", "nothing can be checked", "check the path", kind=PATH),
    Rule(
        "unreadable",
        _E,
        "the file cannot be read (permissions, a device)",
        "nothing can be checked",
        "check the file's permissions",
        kind=PATH,
    ),
    Rule(
        "not-a-file",
        _E,
        "the path is a folder, a FIFO or a device where a scenario file was expected",
        "reading it could block or mean nothing",
        "give a scenario file (.yaml) or a folder",
        kind=PATH,
    ),
    Rule(
        "skipped-entry",
        _W,
        "an entry of a folder that is not a regular file was skipped",
        "a FIFO or device in the library would block reading",
        "remove it from the folder",
        kind=FOLDER,
    ),
    Rule(
        "file-too-large",
        _E,
        "over 24 MiB, or more than 2,000,000 values ([limits](format.md#limits))",
        "a scenario never needs this; reading it would exhaust memory",
        "split the scenario",
        kind=SIZE,
    ),
    Rule(
        "empty",
        _E,
        "the file has nothing in it",
        "there is no scenario to play",
        "start from `rehearse new`",
        Whole(""),
        Whole(BASE),
    ),
    Rule(
        "not-utf8",
        _E,
        "a byte that is not UTF-8 text",
        "the text would be garbled on screen",
        "save the file as UTF-8",
        kind=SIZE,
    ),
    Rule(
        "yaml-syntax",
        _E,
        "the text is not valid YAML at that line",
        "the file cannot be read at all",
        "often a `: ` inside unquoted text: quote the text; indent with spaces",
        Edit("        text: Talk.\n", "        text: Talk: now.\n"),
        Edit("        text: Talk.\n", '        text: "Talk: now."\n'),
    ),
    Rule(
        "too-deep",
        _E,
        "nesting over 64 levels",
        "a scenario never needs this; it would exhaust the stack",
        "write the parts out flat",
        Edit("flags:\n", "x-deep: " + "[" * 70 + "]" * 70 + "\nflags:\n"),
        Edit("flags:\n", "x-deep: " + "[" * 10 + "]" * 10 + "\nflags:\n"),
    ),
    Rule(
        "alias",
        _E,
        "aliases that add more than 100,000 values in all, an alias to the part that holds it, "
        "or an alias with no anchor before it",
        "an alias bomb exhausts memory",
        "write the parts out",
        Edit(
            "flags:\n",
            "x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(f"x-{i}: &a{i} [{', '.join(['*a' if i == 0 else f'*a{i - 1}'] * 10)}]\n" for i in range(6))
            + "flags:\n",
        ),
        Edit("flags:\n", "x-a: &a [1, 1]\nx-b: *a\nflags:\n"),
    ),
    Rule(
        "yaml-tag",
        _E,
        "a `!!tag` other than YAML's core ones",
        "tags can build objects; the reader refuses them",
        "remove it",
        Edit("title: Tiny", "title: !!python/name:os.system Tiny"),
        Edit("title: Tiny", "title: !!str Tiny"),
    ),
    Rule(
        "bad-number",
        _E,
        'a number that cannot be read (`!!int ""`), or longer than 100 characters',
        "the value would be guessed",
        "write a plain number, or quote it if it is text",
        Edit("stress: 0.5", "stress: !!float x"),
        Edit("stress: 0.5", "stress: 0.50"),
    ),
    Rule(
        "multiple-documents",
        _E,
        "a second `---` document",
        "only the first would be read",
        "one scenario per file",
        Whole(BASE + "---\nid: other\n"),
        Whole("---\n" + BASE),
    ),
    Rule(
        "bad-key",
        _E,
        "a list or mapping used as a key",
        "keys are names",
        "keys are words",
        Edit("flags:\n", "? [a, b]\n: 1\nflags:\n"),
    ),
    Rule(
        "not-a-mapping",
        _E,
        "the file is not `key: value` lines",
        "there is no scenario to read",
        "start with `format: rehearse/1`",
        Whole("- a\n- b\n"),
    ),
    # --- the format's rules --------------------------------------------------------------------
    Rule(
        "duplicate-key",
        _E,
        "a key written twice",
        "YAML would keep the last one silently",
        "rename or remove one",
        Edit("title: Tiny\n", "title: Tiny\ntitle: Other\n"),
    ),
    Rule(
        "unknown-key",
        _E,
        "a key the format does not have",
        "a misspelt key is silently ignored elsewhere",
        "the hint names the closest",
        Edit("title: Tiny\n", "title: Tiny\ntitel: Other\n"),
        Edit("title: Tiny\n", "title: Tiny\nx-notes: mine\n"),
    ),
    Rule(
        "missing-key", _E, "a required key is absent", "the scenario is incomplete", "add it", Edit("title: Tiny\n", "")
    ),
    Rule(
        "wrong-type",
        _E,
        "text where a number was expected, and so on",
        "the value cannot mean what it says",
        "the message says what was found and expected",
        Edit("stress: 0.5", "stress: high"),
    ),
    Rule(
        "missing-value",
        _E,
        "an empty value or list where one is needed",
        "the scenario is incomplete",
        "fill it in",
        Edit("title: Tiny", "title:"),
    ),
    Rule(
        "out-of-range",
        _E,
        "a number outside its range (scores -3..+3, mood 0..1, ...)",
        "scores and moods are read on fixed scales",
        "the message gives the range",
        Edit("score: {relationship: 1}", "score: {relationship: 5}"),
        Edit("score: {relationship: 1}", "score: {relationship: 3}"),
    ),
    Rule(
        "text-over-limit",
        _E,
        "one text field over 20,000 characters",
        "no panel can show it",
        "shorten it",
        Edit("summary: A tiny scenario.", "summary: " + "a" * 20_001),
        Edit("summary: A tiny scenario.", "summary: " + "a" * 300),
    ),
    Rule(
        "bad-id",
        _E,
        "an id with capitals, spaces or other characters",
        "ids are used in guards, logs and paths",
        "lowercase letters, digits, `-`, `_`",
        Edit("- id: talk", "- id: Talk Now"),
        Edit("- id: talk", "- id: talk-now"),
    ),
    Rule(
        "bad-name",
        _E,
        "a mood or flag name that guards cannot read, or a guard word",
        "a guard could never name it",
        "lowercase letters, digits, `_`",
        Edit("  asked: false", "  Asked-Twice: false"),
        Edit("  asked: false", "  asked_twice: false"),
    ),
    Rule(
        "unknown-format",
        _E,
        "a `format:` this build does not read",
        "the file may mean something else",
        "`rehearse/1`",
        Edit("format: rehearse/1", "format: rehearse/9"),
    ),
    Rule(
        "unknown-scene",
        _E,
        "a reference to a scene that does not exist",
        "the run would stop there",
        "the hint names the closest",
        Edit("        goto: b\n", "        goto: bb\n"),
    ),
    Rule(
        "unknown-ending",
        _E,
        "a scene ends with an ending that does not exist",
        "the run would end unnamed",
        "the hint names the closest",
        Edit("    ending: done", "    ending: gone"),
    ),
    Rule(
        "unknown-choice",
        _E,
        "a reference to a choice that does not exist",
        "the guard could never be true",
        "the hint names the closest",
        Edit("        goto: b\n", '        goto: b\n        if: chose("a", "walk")\n'),
        Edit("        goto: b\n", '        goto: b\n        if: not chose("a", "talk")\n'),
    ),
    Rule(
        "unknown-mood",
        _E,
        "a mood that is not declared",
        "it would read as 0",
        "declare it, or fix the spelling",
        Edit("        goto: b\n", "        goto: b\n        mood: {stres: -0.1}\n"),
        Edit("        goto: b\n", "        goto: b\n        mood: {stress: -0.1}\n"),
    ),
    Rule(
        "unknown-flag",
        _E,
        "a flag that is not declared",
        "it would never be read",
        "declare it, or fix the spelling",
        Edit("        goto: b\n", "        goto: b\n        set: {askd: true}\n"),
        Edit("        goto: b\n", "        goto: b\n        set: {asked: true}\n"),
    ),
    Rule(
        "unknown-name",
        _E,
        "a guard names something that is not a mood, a flag or `turns`",
        "the guard could never be evaluated",
        "declare it, or fix the spelling",
        Edit("        goto: b\n", "        goto: b\n        if: trsut > 0.2\n"),
        Edit("        goto: b\n", "        goto: b\n        if: trust > 0.2\n"),
    ),
    Rule(
        "unknown-dimension",
        _E,
        "a score on a dimension that is not declared",
        "it would count for nothing",
        "declare it under `rubric: dimensions:`, or fix the spelling",
        Edit("score: {relationship: 1}", "score: {relationshp: 1}"),
    ),
    Rule(
        "unknown-topic",
        _E,
        "a topic that is not in the list",
        "the picker and the content note read topics",
        "the hint names the closest",
        Edit("topics: [relationship]", "topics: [relationshp]"),
    ),
    Rule(
        "bad-grades",
        _E,
        "not a grade band",
        "the picker filters on grades",
        'a band such as "K-2" or "9-12"',
        Edit('grades: "6-8"', 'grades: "8-6"'),
        Edit('grades: "6-8"', 'grades: "K-2"'),
    ),
    Rule(
        "bad-outcome",
        _E,
        "an ending's outcome is not good, mixed or poor",
        "the debrief and records read it",
        "good, mixed or poor",
        Edit("outcome: good", "outcome: great"),
        Edit("outcome: good", "outcome: mixed"),
    ),
    Rule(
        "bad-guard",
        _E,
        "a guard that is not allowed (`=` for `==`, a call, `&&`, ...)",
        "guards are a small safe language; anything else would be guessed",
        "see [Guards](#guards)",
        Edit("        goto: b\n", "        goto: b\n        if: trust = 0.5\n"),
        Edit("        goto: b\n", "        goto: b\n        if: trust == 0.5\n"),
    ),
    Rule(
        "scene-kind",
        _E,
        "a scene with two of choices/next/ending, or none",
        "the engine could not tell what it does",
        "exactly one",
        Edit("    ending: done", "    ending: done\n    next:\n      - goto: a"),
    ),
    Rule(
        "next-without-default",
        _E,
        "the last `next` entry has an `if`",
        "a run could find no way on",
        "end with an entry that has only `goto`",
        Edit(
            "    choices:\n      - id: talk\n        text: Talk.\n        goto: b\n        feedback: Talking helps.\n"
            "        score: {relationship: 1}\n",
            "    next:\n      - {if: trust > 0.9, goto: b}\n",
        ),
        Edit(
            "    choices:\n      - id: talk\n        text: Talk.\n        goto: b\n        feedback: Talking helps.\n"
            "        score: {relationship: 1}\n",
            "    next:\n      - {if: trust > 0.9, goto: b}\n      - goto: b\n",
        ),
    ),
    Rule(
        "unreachable-route",
        _W,
        "a `next` entry after one with no `if`",
        "it can never be taken",
        "reorder",
        Edit(
            "    choices:\n      - id: talk\n        text: Talk.\n        goto: b\n        feedback: Talking helps.\n"
            "        score: {relationship: 1}\n",
            "    next:\n      - goto: b\n      - goto: b\n",
        ),
    ),
    Rule(
        "timeout-without-choices",
        _E,
        "a timeout on a scene without choices",
        "nothing could time out",
        "move it to a scene with choices",
        Edit("    ending: done", "    ending: done\n    timeout: {seconds: 5, goto: a}"),
    ),
    Rule(
        "duplicate-cue",
        _E,
        "a cue id used twice in a scene",
        "the run could not tell which was marked",
        "rename one",
        Edit(
            "    choices:\n",
            "    cues:\n      - {id: c, text: C., sign: true, note: N.}\n      - {id: c, text: D., sign: true, note: N.}\n    choices:\n",
        ),
        Edit(
            "    choices:\n",
            "    cues:\n      - {id: c, text: C., sign: true, note: N.}\n      - {id: d, text: D., sign: true, note: N.}\n    choices:\n",
        ),
    ),
    Rule(
        "duplicate-choice",
        _E,
        "a choice id used twice in a scene",
        "logs and guards name choices by id",
        "rename one",
        Edit(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: talk, text: Wait., goto: b, feedback: F., score: {relationship: 1}}\n",
        ),
        Edit(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: wait, text: Wait., goto: b, feedback: F., score: {relationship: 1}}\n",
        ),
    ),
    Rule(
        "missing-content-note",
        _E,
        "a sensitive topic without a content note",
        "teachers choose whether to start a scenario that touches on harm",
        "add one ([content notes](content-rules.md#content-notes-and-crisis-resources))",
        Edit("topics: [relationship]", "topics: [relationship, distress]"),
        Edit(
            "topics: [relationship]",
            "topics: [relationship, distress]\ncontent_note: This scenario includes a student in distress.",
        ),
    ),
    Rule(
        "bad-portrait",
        _E,
        "a portrait key or value outside the portrait vocabulary",
        "the face could not be drawn",
        "see [portraits.md](portraits.md)",
        Edit("  name: Ana\n", "  name: Ana\n  portrait: {hair: purple-spikes}\n"),
        Edit("  name: Ana\n", "  name: Ana\n  portrait: {hair: short-curly}\n"),
    ),
    Rule(
        "bad-expression",
        _E,
        "an expression outside the portrait vocabulary",
        "the face could not be drawn",
        "see [portraits.md](portraits.md)",
        Edit("  a:\n    choices:\n", "  a:\n    expression: smug\n    choices:\n"),
    ),
    Rule(
        "id-not-file-name",
        _W,
        "the `id` differs from the file name",
        "tools find scenarios by file name",
        "rename one",
        Edit("id: tiny", "id: other"),
    ),
    Rule(
        "flow-comma",
        _W,
        "an unquoted comma inside `{...}` split a text in two",
        "YAML reads `{title: A, b}` as two keys",
        "quote the text",
        Edit("{title: Done, outcome", "{title: Done, well, outcome"),
        Edit("{title: Done, outcome", '{title: "Done, well", outcome'),
    ),
    Rule(
        "redundant",
        _W,
        "a standard dimension declared under `rubric.dimensions`",
        "it is already known",
        "remove it",
        Edit("start: a\n", "rubric:\n  dimensions: {relationship: Trust.}\nstart: a\n"),
        Edit("start: a\n", "rubric:\n  dimensions: {humour: Laughing with, never at.}\nstart: a\n"),
    ),
    Rule(
        "ending-without-debrief",
        _W,
        "an ending with no debrief text",
        "the debrief is where teachers learn",
        "one sentence on what it means",
        Edit(", debrief: Fine.}", "}"),
    ),
    Rule(
        "unused-ending",
        _W,
        "an ending no scene names",
        "dead text",
        "use it or remove it",
        Edit("endings:\n", "endings:\n  spare: {title: Spare, outcome: poor, debrief: Spare.}\n"),
    ),
    Rule(
        "cue-on-ending",
        _W,
        "cues on an ending scene",
        "they can never be marked",
        "move them to the scene before",
        Edit("    ending: done", "    ending: done\n    cues:\n      - {id: c, text: C., sign: true, note: N.}"),
    ),
    # --- every path: `rehearse check` walks the reachable states -------------------------------
    Rule(
        "no-choice-offered",
        _E,
        "a reachable state where every choice is hidden by guards or `once`",
        "the run would stop with nothing to pick",
        "leave one choice unguarded",
        Edit("        goto: b\n", "        goto: b\n        if: trust > 0.9\n"),
        Edit("        goto: b\n", "        goto: b\n        if: trust > 0.1\n"),
    ),
    Rule(
        "next-loop",
        _E,
        "`next` routes that go round in a circle",
        "the run would never stop",
        "give one a way out",
        Edit(_DEAD, "  b:\n    next:\n      - goto: c\n  c:\n    next:\n      - goto: b"),
    ),
    Rule(
        "endless-loop",
        _W,
        "a move that leads back to exactly the same moment",
        "the conversation could repeat forever",
        "`once: true`, a flag, or a mood change",
        Edit(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: wait, text: Wait., goto: a, feedback: F., score: {relationship: 1}}\n",
        ),
        Edit(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: wait, text: Wait., goto: a, once: true, feedback: F., score: {relationship: 1}}\n",
        ),
    ),
    Rule(
        "search-incomplete",
        _W,
        "too many states to check every path",
        "some checks were not complete",
        "reduce loops that count without limit",
        kind=SIZE,
    ),
    Rule(
        "unreachable-scene",
        _W,
        "no run reaches the scene",
        "wasted writing, or a broken route",
        "add a way in",
        Edit(_DEAD, _DEAD + "\n  lost:\n    ending: done"),
    ),
    Rule(
        "unreachable-ending",
        _W,
        "no run reaches the ending",
        "the ending is never taught",
        "check guards on the way",
        Whole(
            BASE.replace(_DEAD, _DEAD + "\n  lost:\n    ending: spare").replace(
                "endings:\n", "endings:\n  spare: {title: Spare, outcome: poor, debrief: Spare.}\n"
            )
        ),
    ),
    Rule(
        "dead-end",
        _W,
        "from this scene no ending can be reached",
        "the run gets stuck",
        "add a way on",
        Whole(BASE.replace("        goto: b\n", "        goto: c\n").replace(_DEAD, _BEHIND)),
        Whole(
            BASE.replace(_DEAD, _BEHIND).replace(
                "relationship: 1}}",
                "relationship: 1}}\n      - {id: y, text: Y, goto: b, feedback: F., score: {relationship: 1}}",
            )
        ),
    ),
    Rule(
        "choice-never-offered",
        _W,
        "a choice hidden in every reachable state",
        "its guard is never true",
        "loosen the guard",
        Edit(
            "        score: {relationship: 1}\n",
            "        score: {relationship: 1}\n      - {id: wait, text: Wait., goto: b, if: trust > 0.9, "
            "feedback: F., score: {relationship: 1}}\n",
        ),
    ),
    Rule(
        "guard-always-true",
        _W,
        "a guard that holds in every reachable state",
        "it tests nothing",
        "remove the `if`, or fix it",
        Edit("        goto: b\n", "        goto: b\n        if: trust > 0.1\n"),
    ),
    Rule(
        "flag-never-read",
        _W,
        "a flag set but never read",
        "it changes nothing",
        "read it in a guard",
        Edit("        goto: b\n", "        goto: b\n        set: {asked: true}\n"),
    ),
    Rule(
        "flag-never-set",
        _W,
        "a flag read but never set",
        "it never changes",
        "set it",
        Edit("        goto: b\n", "        goto: b\n        if: not asked\n"),
    ),
    Rule(
        "choice-without-feedback",
        _W,
        "a choice with no feedback",
        "teachers learn from feedback",
        "1-3 sentences: the move, why, the better move",
        Edit("        feedback: Talking helps.\n", ""),
    ),
    Rule(
        "dimension-cannot-rise",
        _W,
        "no choice scores above 0 on a dimension",
        "every run reads as failing it",
        "give the strong move a positive score",
        Edit("score: {relationship: 1}", "score: {relationship: 1, de_escalation: -1}"),
    ),
    Rule(
        "text-too-long",
        _W,
        "text longer than the player's panel shows comfortably",
        "teachers read on a projector",
        "split or shorten",
        Edit("        text: Talk.\n", "        text: " + "Talk with her. " * 40 + "\n"),
    ),
    Rule(
        "harmful-wording",
        _W,
        "a phrase from the [wording table](content-rules.md#wording-table)",
        "stigma and bias in the wording",
        "the hint gives the preferred wording; quoted phrases in feedback, and a poor choice's own text, are allowed",
        Edit("Talking helps.", "Talking helps; she is just attention-seeking."),
        Edit("Talking helps.", 'Talking helps; calling her "attention-seeking" would not.'),
    ),
    Rule(
        "identity-only-for-trouble",
        _W,
        "across a folder: an identity word used only for students who cause trouble",
        "encodes bias ([writing students without stereotypes](content-rules.md#writing-students-without-stereotypes))",
        "vary who is in which role",
        kind=FOLDER,
    ),
    # --- other inputs --------------------------------------------------------------------------
    Rule(
        "bad-script",
        _E,
        "a malformed `--script` file, or a turn it names that is not offered",
        "the run cannot be driven",
        "the message says where",
        kind=SCRIPT,
    ),
    Rule(
        "unplayed-turns",
        _W,
        "a `--script` goes on after the run has ended",
        "its last turns test nothing",
        "remove them, or check the path the script takes",
        kind=SCRIPT,
    ),
    Rule(
        "bad-twee",
        _E,
        "a Twee story that `rehearse import` cannot read (its StoryData is not a JSON object, ...)",
        "nothing is imported",
        "the message says where; fix the story in Twine and export it again",
        kind=TWEE,
    ),
    Rule(
        "bad-tests",
        _E,
        "a malformed `.tests.yaml` file",
        "its cases cannot be run",
        "the message says where",
        kind=TESTS,
    ),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_table() -> str:
    """The Markdown table of every code, as docs/authoring.md shows it (tests keep the two equal)."""
    rows = ["| code | severity | what it means | why it matters | what to do |", "|---|---|---|---|---|"]
    for r in RULES.values():
        rows.append(f"| `{r.code}` | {r.severity} | {_cell(r.summary)} | {_cell(r.why)} | {_cell(r.hint)} |")
    return "\n".join(rows) + "\n"


def severity_of(code: str) -> str:
    """The severity of a registered code; an unregistered one is a programming error."""
    try:
        return RULES[code].severity
    except KeyError:
        raise ValueError(f"unregistered diagnostic code {code!r}: add it to simulator/core/codes.py") from None
