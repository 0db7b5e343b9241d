"""Read a scenario file (format: rehearse/1) into frozen, typed objects, checking every rule.

Every problem becomes a ScenarioError at the offending key or value; all of them are collected,
so an author sees every error in one pass. `load_scenario` raises when there are errors;
`read_scenario` returns the scenario (or None) with every diagnostic, for `rehearse check`.

Pure: reads no files itself except through `load_file`, which reads only the path it is given."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

from simulator.core import yamlnodes as yn
from simulator.core.errors import ScenarioError, did_you_mean
from simulator.core.faces import EXPRESSIONS, check_portrait
from simulator.core.guards import RESERVED, Guard, GuardSyntaxError, parse_guard
from simulator.core.model import (
    OUTCOMES,
    SENSITIVE_TOPICS,
    STANDARD_DIMENSIONS,
    TOPICS,
    Choice,
    Cue,
    Ending,
    Pos,
    Route,
    Rubric,
    Scenario,
    Scene,
    Student,
    Timeout,
)

FORMATS = ("rehearse/1",)
SCENARIO_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")  # format: Top-level keys, `id`
ID_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")  # scene, choice, cue and ending ids
NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")  # mood and flag names: they are read in guards
GRADE = r"(K|[1-9]|1[0-2])"
GRADES = re.compile(rf"{GRADE}(-{GRADE})?\Z")
MAX_SCORE = 3
MAX_TEXT_CHARS = 20_000
# format: Limits. Flags' starting values and `add` amounts; guards' numbers have the same bound.
MAX_WHOLE = 1_000_000_000

TOP_KEYS = {
    "format": True,
    "id": True,
    "title": True,
    "summary": True,
    "topics": True,
    "grades": True,
    "minutes": False,
    "content_note": False,
    "learning_goals": False,
    "references": False,
    "student": True,
    "flags": False,
    "start": True,
    "scenes": True,
    "endings": True,
    "rubric": False,
    "debrief": False,
}
STUDENT_KEYS = {
    "name": True,
    "pronouns": False,
    "age": False,
    "about": False,
    "portrait": False,
    "mood": False,
    "jitter": False,
    "drift": False,
}
SCENE_KEYS = {"narration", "student", "expression", "cues", "reflect", "choices", "next", "ending", "timeout"}
EFFECT_KEYS = {"goto", "mood", "score", "set", "add", "feedback"}
CHOICE_KEYS = EFFECT_KEYS | {"text", "id", "if", "once", "tags"}
TIMEOUT_KEYS = EFFECT_KEYS | {"seconds"}
CUE_KEYS = {"id": True, "text": True, "sign": True, "note": True}
ENDING_KEYS = {"title": True, "outcome": True, "debrief": False}

_TYPE_NAMES = {yn.Mapping: "a mapping", yn.Sequence: "a list"}


def _describe(node: yn.Node) -> str:
    if isinstance(node, yn.Scalar):
        v = node.value
        if v is None:
            return "nothing (null)"
        if isinstance(v, bool):
            return f"{str(v).lower()}"
        if isinstance(v, (int, float)):
            return f"the number {node.text}"
        return "text"
    return _TYPE_NAMES[type(node)]


def _bound(x: float | None) -> str:
    return f"{int(x):,}" if x is not None and x == int(x) and abs(x) >= 10_000 else f"{x:g}"


def node_text(node: yn.Node) -> str:
    """A scalar's text as written; a collection has none."""
    return node.text if isinstance(node, yn.Scalar) else ""


def _comma_in_flow_text(m: yn.Mapping, prev: yn.Node | None, k: yn.Scalar, v: yn.Node) -> bool:
    return (
        m.flow
        and isinstance(prev, yn.Scalar)
        and isinstance(prev.value, str)
        and prev.style is None
        and isinstance(v, yn.Scalar)
        and v.value is None
        and v.text == ""
        and k.style is None
    )


def _is_extension(key: str) -> bool:
    """Keys starting `x-` are free for authors and tools; the loader keeps quiet about them."""
    return key.startswith("x-")


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diags: list[ScenarioError] = []
        # What is being read (scene, choice, cue, ending ids): the subjects of any diagnostic now.
        self.about: dict[str, str] = {}
        # With no anchor in the file no node is shared, so each scene's nodes can be taken out of
        # the tree once read: a large file's tree is freed while its model grows.
        self.consume = False

    # --- reporting ---------------------------------------------------------------------------

    def pos(self, node: yn.Node) -> Pos:
        return Pos(self.file, node.line, node.col)

    def error(
        self,
        node: yn.Node | Pos,
        message: str,
        hint: str | None = None,
        *,
        code: str,
        offset: int = 0,
        subjects: dict[str, str] | None = None,
    ) -> None:
        about = {**self.about, **subjects} if subjects else self.about
        self.diags.append(ScenarioError(self.file, node.line, node.col + offset, message, hint, code, subjects=about))

    def warn(
        self,
        node: yn.Node | Pos,
        message: str,
        hint: str | None = None,
        *,
        code: str,
        subjects: dict[str, str] | None = None,
    ) -> None:
        about = {**self.about, **subjects} if subjects else self.about
        self.diags.append(ScenarioError(self.file, node.line, node.col, message, hint, code, subjects=about))

    # --- shapes ------------------------------------------------------------------------------

    def mapping(self, node: yn.Node | None, what: str) -> yn.Mapping | None:
        if node is None:
            return None
        if isinstance(node, yn.Mapping):
            for dup in yn.duplicate_keys(node):
                first = next(k for k, _ in node.pairs if k.text == dup.text)
                self.error(
                    dup,
                    f"duplicate key '{dup.text}' in {what} (first at line {first.line})",
                    hint="YAML would silently keep only the last one; remove or rename one of them",
                    code="duplicate-key",
                )
            return node
        self.error(
            node, f"{what} should be a mapping of 'key: value' lines, found {_describe(node)}", code="wrong-type"
        )
        return None

    def fields(
        self, node: yn.Mapping, allowed: dict[str, bool] | set[str], what: str, required: Iterable[str] = ()
    ) -> dict[str, yn.Node]:
        """The node's keys as a dict (first of any duplicate), reporting unknown and missing keys."""
        out: dict[str, yn.Node] = {}
        names = list(allowed)
        prev: yn.Node | None = None
        prev_key = ""
        for k, v in node.pairs:
            if k.text in out:
                continue
            if k.text not in allowed and _comma_in_flow_text(node, prev, k, v):
                # `{title: A limit kept, trust intact}`: YAML reads "trust intact" as a key with no
                # value. The author meant one title; read it so, and say how to write it. The
                # joined text is a new node: `prev` may be shared through an alias, and read again.
                assert isinstance(prev, yn.Scalar)
                prev = yn.Scalar(prev.line, prev.col, f"{prev.text}, {k.text}", yn.STR)
                if prev_key in out:
                    out[prev_key] = prev
                self.warn(
                    k,
                    f"unquoted comma inside {{...}}: read as '{prev.text}'",
                    hint=f'quote the text: "{prev.text}"',
                    code="flow-comma",
                )
                continue
            prev, prev_key = v, k.text
            if k.text not in allowed and not _is_extension(k.text):
                hint = did_you_mean(k.text, names) or f"allowed here: {', '.join(sorted(names))}"
                self.error(k, f"unknown key '{k.text}' in {what}", hint=hint, code="unknown-key")
                continue
            out[k.text] = v
        req = list(required) or ([k for k, need in allowed.items() if need] if isinstance(allowed, dict) else [])
        for key in req:
            if key not in out:
                self.error(node, f"{what} is missing the required key '{key}'", code="missing-key")
        return out

    def text(self, node: yn.Node | None, what: str, *, optional: bool = True) -> str | None:
        if node is None:
            return None
        if isinstance(node, yn.Scalar):
            if node.value is None:
                if not optional:
                    self.error(node, f"{what} must not be empty", code="missing-value")
                return None
            if isinstance(node.value, str):
                if len(node.value) > MAX_TEXT_CHARS:
                    self.error(
                        node,
                        f"{what} is {len(node.value):,} characters; at most {MAX_TEXT_CHARS:,}",
                        code="text-over-limit",
                    )
                if not node.value.strip() and not optional:
                    self.error(node, f"{what} must not be empty", code="missing-value")
                return node.value
            # a number or true/false where text was meant: keep it as written
            return node.text
        self.error(node, f"{what} should be text, found {_describe(node)}", code="wrong-type")
        return None

    def number(
        self,
        node: yn.Node | None,
        what: str,
        lo: float | None = None,
        hi: float | None = None,
        *,
        integer: bool = False,
        hint: str | None = None,
    ) -> float | int | None:
        if node is None:
            return None
        v = node.value if isinstance(node, yn.Scalar) else None
        kind = "a whole number" if integer else "a number"
        if not isinstance(v, (int, float)) or isinstance(v, bool) or (integer and not isinstance(v, int)):
            self.error(node, f"{what} should be {kind}, found {_describe(node)}", hint=hint, code="wrong-type")
            return None
        if isinstance(v, float) and not math.isfinite(v):
            self.error(
                node,
                f"{what} is {yn.shorten(node_text(node))}, which is not a finite number",
                hint=hint,
                code="out-of-range",
            )
            return None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = (
                f"from {_bound(lo)} to {_bound(hi)}"
                if lo is not None and hi is not None
                else (f"at least {_bound(lo)}" if lo is not None else f"at most {_bound(hi)}")
            )
            self.error(
                node,
                f"{what} is {yn.shorten(node_text(node))}, outside the allowed range ({rng})",
                hint=hint,
                code="out-of-range",
            )
            return None
        return v

    def boolean(self, node: yn.Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, yn.Scalar) and isinstance(node.value, bool):
            return node.value
        self.error(node, f"{what} should be true or false, found {_describe(node)}", code="wrong-type")
        return None

    def slug(self, node: yn.Node | None, what: str, pattern: re.Pattern = ID_SLUG) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yn.Scalar) or node.value is None or isinstance(node.value, (list, dict)):
            self.error(
                node, f"{what} should be an id such as 'talk-privately', found {_describe(node)}", code="wrong-type"
            )
            return None
        return self.check_slug(node, node.text, what, pattern)

    def check_slug(self, node: yn.Node, value: str, what: str, pattern: re.Pattern = ID_SLUG) -> str:
        if not pattern.match(value):
            fixed = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
            if pattern is SCENARIO_SLUG:
                fixed = re.sub(r"[-_]+", "-", fixed)
            self.error(
                node,
                f"{what} '{value}' is not a valid id",
                hint=(
                    f"use lowercase letters, digits and hyphens, e.g. '{fixed}'"
                    if fixed
                    else "use lowercase letters, digits and hyphens"
                ),
                code="bad-id",
            )
        return value

    def text_list(self, node: yn.Node | None, what: str) -> tuple[str, ...]:
        if node is None or (isinstance(node, yn.Scalar) and node.value is None):
            return ()
        if not isinstance(node, yn.Sequence):
            self.error(node, f"{what} should be a list ('- item' lines), found {_describe(node)}", code="wrong-type")
            return ()
        out = []
        for item in node.items:
            t = self.text(item, f"an item of {what}")
            if t is not None:
                out.append(t)
        return tuple(out)

    def guard(self, node: yn.Node | None, what: str) -> tuple[Guard, yn.Scalar] | None:
        if node is None:
            return None
        if not isinstance(node, yn.Scalar) or node.value is None:
            self.error(
                node, f"{what} should be a condition such as 'stress > 0.6', found {_describe(node)}", code="wrong-type"
            )
            return None
        src = node.text if isinstance(node.value, str) else node.text
        try:
            return parse_guard(src), node
        except GuardSyntaxError as e:
            self.error(
                node, f"{what}: {e.message}", hint=e.hint, code="bad-guard", offset=_guard_offset(node, e.offset)
            )
            return None


def _guard_offset(node: yn.Scalar, offset: int) -> int:
    """Column shift of a position inside a guard's text, where the text sits on one line."""
    if node.style in ("|", ">") or "\n" in node.text:
        return 0
    return offset + (1 if node.style in ("'", '"') else 0)


def _ro(d: dict) -> MappingProxyType:
    return MappingProxyType(d)


def read_scenario(
    data: str | bytes, file: str = "<string>", *, stem: str | None = None
) -> tuple[Scenario | None, list[ScenarioError]]:
    """Load scenario text and return it (None if it has errors) with every diagnostic, sorted."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    try:
        root, anchored = yn.read(yn.utf8(raw, file) if isinstance(data, bytes) else data, file)
    except ScenarioError as e:
        return None, [e]
    r = _Reader(file)
    r.consume = not anchored
    scenario = _build(r, root, hashlib.sha256(raw).hexdigest(), stem)
    # A node reused through an alias is read once per use: say each of its problems once.
    unique = {(d.sort_key(), d.hint): d for d in r.diags}
    diags = sorted(unique.values(), key=ScenarioError.sort_key)
    if any(d.severity == "error" for d in diags):
        return None, diags
    return scenario, diags


def load_scenario(data: str | bytes, file: str = "<string>", *, stem: str | None = None) -> Scenario:
    """Load scenario text; raise ScenarioError (the first error, all in `.diagnostics`) if invalid."""
    scenario, diags = read_scenario(data, file, stem=stem)
    if scenario is None:
        errors = [d for d in diags if d.severity == "error"]
        first = errors[0]
        first.diagnostics = tuple(diags)
        raise first
    return scenario


def load_file(path: str | Path) -> Scenario:
    """Load one scenario file (UTF-8 YAML); raise ScenarioError if it cannot be read or is invalid."""
    scenario, diags = read_file(path)
    if scenario is None:
        errors = [d for d in diags if d.severity == "error"]
        errors[0].diagnostics = tuple(diags)
        raise errors[0]
    return scenario


def read_file(path: str | Path) -> tuple[Scenario | None, list[ScenarioError]]:
    """Like read_scenario, for a file on disk; size is checked before anything is read."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
        if size > yn.MAX_FILE_BYTES:
            return None, [
                ScenarioError(
                    name,
                    1,
                    1,
                    f"file is {size:,} bytes, over the limit of {yn.MAX_FILE_BYTES:,}",
                    hint="split the scenario into smaller files",
                    code="file-too-large",
                )
            ]
        with p.open("rb") as f:
            data = f.read(yn.MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, [ScenarioError(name, 1, 1, "this is a folder, not a scenario file", code="not-a-file")]
    except FileNotFoundError:
        return None, [ScenarioError(name, 1, 1, "no such file", code="not-found")]
    except OSError as e:
        return None, [ScenarioError(name, 1, 1, f"cannot read the file: {e.strerror or e}", code="unreadable")]
    return read_scenario(data, name, stem=p.stem)


# --- the scenario ------------------------------------------------------------------------------


def _build(r: _Reader, root: yn.Node, sha: str, stem: str | None) -> Scenario | None:
    top = r.mapping(root, "the scenario file")
    if top is None:
        r.diags[-1].hint = "a scenario starts with 'format: rehearse/1' followed by 'key: value' lines"
        r.diags[-1].code = "not-a-mapping"
        return None
    f = r.fields(top, TOP_KEYS, "the scenario")
    fmt_node = f.get("format")
    fmt = r.text(fmt_node, "format") if fmt_node is not None else None
    if fmt_node is not None and fmt not in FORMATS:
        r.error(
            fmt_node,
            f"unknown format version '{fmt}'; this build reads {', '.join(FORMATS)}",
            hint="write 'format: rehearse/1', or update Rehearse to read newer files",
            code="unknown-format",
        )
        return None

    sid = r.slug(f.get("id"), "the scenario id", SCENARIO_SLUG)
    if sid and stem is not None and sid != stem:
        r.warn(
            f["id"],
            f"the scenario id '{sid}' differs from the file name '{stem}'",
            hint=f"rename the file to {sid}.yaml, or set id: {stem}",
            code="id-not-file-name",
        )
    title = r.text(f.get("title"), "title", optional=False)
    summary = r.text(f.get("summary"), "summary", optional=False)
    topics = _topics(r, f.get("topics"))
    grades = _grades(r, f.get("grades"))
    minutes = (
        r.number(f.get("minutes"), "minutes", 0, 600)
        if f.get("minutes") is not None and not (isinstance(f["minutes"], yn.Scalar) and f["minutes"].value is None)
        else None
    )
    note_node = f.get("content_note")
    content_note = r.text(note_node, "content_note")
    if any(t in SENSITIVE_TOPICS for t in topics) and not (content_note and content_note.strip()):
        where = note_node if note_node is not None else (f.get("topics") or top)
        sens = ", ".join(t for t in topics if t in SENSITIVE_TOPICS)
        r.error(
            where,
            f"a scenario with topic {sens} needs a content_note, shown before the run",
            hint="e.g. content_note: This scenario includes a student talking about thoughts of suicide.",
            code="missing-content-note",
        )
    goals = r.text_list(f.get("learning_goals"), "learning_goals")
    refs = r.text_list(f.get("references"), "references")
    student = _student(r, f.get("student"))
    moods = tuple(student.mood) if student else ()
    flags = _flags(r, f.get("flags"), moods)
    rubric = _rubric(r, f.get("rubric"))
    discussion = _debrief(r, f.get("debrief"))
    endings = _endings(r, f.get("endings"))
    scenes = _scenes(r, f.get("scenes"), moods, flags, rubric, endings)
    start = f.get("start")
    start_id = r.slug(start, "start") if start is not None else None
    if start is not None and start_id and scenes is not None and start_id not in scenes:
        r.error(
            start,
            f"start names scene '{start_id}', which does not exist",
            hint=did_you_mean(start_id, scenes) or _first(scenes),
            code="unknown-scene",
        )
    if scenes is not None:
        _cross_check(r, scenes, endings or {})
    if any(d.severity == "error" for d in r.diags) or student is None or scenes is None or endings is None:
        return None
    return Scenario(
        format=fmt or "",
        id=sid or "",
        title=title or "",
        summary=summary or "",
        topics=topics,
        grades=grades or "",
        student=student,
        start=start_id or "",
        scenes=_ro(scenes),
        endings=_ro(endings),
        minutes=minutes,
        content_note=content_note,
        learning_goals=goals,
        references=refs,
        flags=_ro(flags),
        rubric=rubric,
        discussion=discussion,
        path=r.file,
        sha256=sha,
    )


def _first(scenes: dict) -> str | None:
    return f"scenes here: {', '.join(list(scenes)[:6])}{', ...' if len(scenes) > 6 else ''}" if scenes else None


def _topics(r: _Reader, node: yn.Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if isinstance(node, yn.Scalar) and isinstance(node.value, str):
        r.error(node, "topics should be a list", hint=f"write topics: [{node.text}]", code="wrong-type")
        return ()
    items = r.text_list(node, "topics")
    if isinstance(node, yn.Sequence) and not node.items:
        r.error(node, "topics needs at least one topic", hint=f"choose from {', '.join(TOPICS)}", code="missing-value")
    for item, t in zip(node.items if isinstance(node, yn.Sequence) else (), items):
        if t not in TOPICS:
            r.error(
                item,
                f"unknown topic '{t}'",
                hint=did_you_mean(t, TOPICS) or f"choose from {', '.join(TOPICS)}",
                code="unknown-topic",
            )
    return items


def _grades(r: _Reader, node: yn.Node | None) -> str | None:
    if node is None:
        return None
    g = r.text(node, "grades", optional=False)
    if g is not None and not GRADES.match(g.strip()):
        r.error(
            node,
            f"grades '{g}' is not a grade band",
            hint='write a band such as "K-2", "3-5", "6-8" or "9-12"',
            code="bad-grades",
        )
    elif g is not None:
        a, _, b = g.strip().partition("-")
        if b and (0 if a == "K" else int(a)) > (0 if b == "K" else int(b)):
            r.error(node, f"grades '{g}' runs backwards", hint=f'write "{b}-{a}"', code="bad-grades")
    return g.strip() if g else g


def _student(r: _Reader, node: yn.Node | None) -> Student | None:
    m = r.mapping(node, "student")
    if m is None:
        return None
    f = r.fields(m, STUDENT_KEYS, "student")
    name = r.text(f.get("name"), "the student's name", optional=False)
    age = r.number(f.get("age"), "age", 3, 25, integer=True) if f.get("age") is not None else None
    portrait: dict[str, object] = {}
    pm = r.mapping(f.get("portrait"), "portrait")
    if pm is not None:
        where = {}
        for k, v in pm.pairs:
            if isinstance(v, yn.Scalar):
                portrait[k.text] = v.value
                where[k.text] = (k, v)
            else:
                r.error(v, f"portrait '{k.text}' should be a single value", code="wrong-type")
        for key, message, hint in check_portrait(portrait):
            k, v = where[key]
            r.error(k if message.startswith("unknown") else v, message, hint=hint, code="bad-portrait")
    mood: dict[str, float] = {}
    mm = r.mapping(f.get("mood"), "mood")
    if mm is not None:
        for k, v in mm.pairs:
            if k.text in mood:
                continue
            _check_name(r, k, "mood")
            val = r.number(v, f"mood '{k.text}'", 0, 1, hint="each mood value is between 0 and 1")
            mood[k.text] = float(val) if val is not None else 0.5
    jitter = r.number(f.get("jitter"), "jitter", 0, 0.5) if f.get("jitter") is not None else 0.0
    drift = r.number(f.get("drift"), "drift", 0, 1) if f.get("drift") is not None else 0.0
    return Student(
        name=name or "",
        pronouns=r.text(f.get("pronouns"), "pronouns"),
        age=int(age) if age is not None else None,
        about=r.text(f.get("about"), "about"),
        portrait=_ro(portrait),
        mood=_ro(mood),
        jitter=float(jitter or 0.0),
        drift=float(drift or 0.0),
        at=r.pos(m),
    )


def _check_name(r: _Reader, key: yn.Scalar, what: str) -> None:
    if not NAME.match(key.text):
        fixed = re.sub(r"[^a-z0-9_]+", "_", key.text.lower()).strip("_")
        r.error(
            key,
            f"{what} name '{key.text}' cannot be used in guards",
            hint=f"use lowercase letters, digits and underscores, e.g. '{fixed}'" if fixed else None,
            code="bad-name",
        )
    elif key.text in RESERVED:
        r.error(
            key, f"'{key.text}' is a guard word and cannot name a {what}", hint="choose another name", code="bad-name"
        )


def _flags(r: _Reader, node: yn.Node | None, moods: tuple[str, ...]) -> dict[str, bool | int]:
    flags: dict[str, bool | int] = {}
    m = r.mapping(node, "flags")
    if m is None:
        return flags
    for k, v in m.pairs:
        if k.text in flags:
            continue
        _check_name(r, k, "flag")
        if k.text in moods:
            r.error(k, f"flag '{k.text}' has the same name as a mood", hint="rename the flag", code="bad-name")
        val = v.value if isinstance(v, yn.Scalar) else None
        if isinstance(val, bool):
            flags[k.text] = val
        elif isinstance(val, int):
            n = r.number(v, f"flag '{k.text}'", -MAX_WHOLE, MAX_WHOLE, integer=True)
            flags[k.text] = int(n) if n is not None else 0
        else:
            r.error(
                v,
                f"flag '{k.text}' should start as true, false or a whole number, found {_describe(v)}",
                code="wrong-type",
            )
            flags[k.text] = False
    return flags


def _rubric(r: _Reader, node: yn.Node | None) -> Rubric:
    m = r.mapping(node, "rubric")
    if m is None:
        return Rubric()
    f = r.fields(m, {"weights": False, "dimensions": False}, "rubric")
    dims: dict[str, str] = {}
    dm = r.mapping(f.get("dimensions"), "rubric dimensions")
    if dm is not None:
        for k, v in dm.pairs:
            if k.text in STANDARD_DIMENSIONS:
                r.warn(k, f"'{k.text}' is a standard dimension and needs no declaration", code="redundant")
            _check_name(r, k, "dimension")
            dims[k.text] = r.text(v, f"the description of '{k.text}'", optional=False) or ""
    weights: dict[str, float] = {}
    wm = r.mapping(f.get("weights"), "rubric weights")
    known = STANDARD_DIMENSIONS + tuple(dims)
    if wm is not None:
        for k, v in wm.pairs:
            if k.text not in known:
                r.error(
                    k,
                    f"weight for unknown dimension '{k.text}'",
                    hint=did_you_mean(k.text, known) or "declare it under rubric: dimensions:",
                    code="unknown-dimension",
                )
            w = r.number(v, f"the weight of '{k.text}'", 0, 100)
            if w is not None:
                weights[k.text] = float(w)
    return Rubric(dimensions=_ro(dims), weights=_ro(weights))


def _debrief(r: _Reader, node: yn.Node | None) -> tuple[str, ...]:
    m = r.mapping(node, "debrief")
    if m is None:
        return ()
    f = r.fields(m, {"discussion": False}, "debrief")
    return r.text_list(f.get("discussion"), "discussion")


def _endings(r: _Reader, node: yn.Node | None) -> dict[str, Ending] | None:
    m = r.mapping(node, "endings")
    if m is None:
        return None
    out: dict[str, Ending] = {}
    if not m.pairs:
        r.error(m, "endings needs at least one ending", code="missing-value")
    for k, v in m.pairs:
        if k.text in out:
            continue
        eid = r.check_slug(k, k.text, "ending id")
        r.about = {"ending": eid} if eid else {}
        em = r.mapping(v, f"ending '{eid}'")
        if em is None:
            continue
        f = r.fields(em, ENDING_KEYS, f"ending '{eid}'")
        outcome = r.text(f.get("outcome"), "outcome")
        if outcome is not None and outcome not in OUTCOMES:
            r.error(
                f["outcome"],
                f"outcome '{outcome}' is not one of {', '.join(OUTCOMES)}",
                hint=did_you_mean(outcome, OUTCOMES),
                code="bad-outcome",
            )
        debrief = r.text(f.get("debrief"), "debrief")
        if "debrief" not in f:
            r.warn(
                em,
                f"ending '{eid}' has no debrief text",
                hint="say in a sentence what this ending means",
                code="ending-without-debrief",
            )
        out[eid] = Ending(
            eid, r.text(f.get("title"), "title", optional=False) or "", outcome or "", debrief, at=r.pos(k)
        )
    r.about = {}
    return out


class _Ctx:
    """What scene parsing needs to know about the rest of the file."""

    def __init__(self, moods, flags, rubric, endings) -> None:
        self.moods = moods
        self.flags = flags
        self.dims = rubric.known()
        self.endings = endings
        self.cue_ids: dict[str, yn.Scalar] = {}
        self.guards: list[tuple[Guard, yn.Scalar, dict[str, str]]] = []  # with where it was read
        self.gotos: list[tuple[str, yn.Node, dict[str, str]]] = []


def _scenes(r: _Reader, node: yn.Node | None, moods, flags, rubric, endings) -> dict[str, Scene] | None:
    m = r.mapping(node, "scenes")
    if m is None:
        return None
    ctx = _Ctx(moods, flags, rubric, endings)
    r._ctx = ctx  # type: ignore[attr-defined]
    scenes: dict[str, Scene] = {}
    if not m.pairs:
        r.error(m, "scenes needs at least one scene", code="missing-value")
    for k, v in m.take() if r.consume else m.pairs:
        if k.text in scenes:
            continue
        sid = r.check_slug(k, k.text, "scene id")
        r.about = {"scene": sid} if sid else {}
        s = _scene(r, ctx, sid, k, v)
        if s is not None:
            scenes[sid] = s
    r.about = {}
    return scenes


def _scene(r: _Reader, ctx: _Ctx, sid: str, key: yn.Scalar, node: yn.Node) -> Scene | None:
    m = r.mapping(node, f"scene '{sid}'")
    if m is None:
        return None
    f = r.fields(m, SCENE_KEYS, f"scene '{sid}'")
    kinds = [k for k in ("choices", "next", "ending") if k in f]
    if len(kinds) > 1:
        r.error(
            f[kinds[1]],
            f"scene '{sid}' has both '{kinds[0]}' and '{kinds[1]}'; a scene has exactly one of choices, next or ending",
            hint="move one of them to a scene of its own",
            code="scene-kind",
        )
    elif not kinds:
        r.error(
            key,
            f"scene '{sid}' has no choices, next or ending, so the run would stop here",
            hint="add 'choices:' (the teacher decides), 'next:' (automatic routing) or 'ending:'",
            code="scene-kind",
        )
    cues = _cues(r, ctx, f.get("cues"))
    expression = r.text(f.get("expression"), "expression")
    if expression is not None and expression not in EXPRESSIONS:
        r.error(
            f["expression"],
            f"unknown expression '{expression}'",
            hint=did_you_mean(expression, EXPRESSIONS) or f"expressions: {', '.join(EXPRESSIONS)}",
            code="bad-expression",
        )
    choices = _choices(r, ctx, sid, f["choices"]) if "choices" in f else None
    routes = _routes(r, ctx, sid, f["next"]) if "next" in f else None
    ending = ending_at = None
    if "ending" in f and not choices and routes is None:
        ending = r.slug(f["ending"], "ending")
        if ending is not None:
            ending_at = r.pos(f["ending"])
            if ctx.endings is not None and ending not in ctx.endings:
                r.error(
                    f["ending"],
                    f"ending '{ending}' is not defined under endings",
                    hint=did_you_mean(ending, ctx.endings or ())
                    or (f"endings defined: {', '.join(ctx.endings)}" if ctx.endings else None),
                    code="unknown-ending",
                )
    timeout = None
    if "timeout" in f:
        if "choices" not in f:
            r.error(
                f["timeout"],
                "a timeout needs choices: silence only means something where the teacher decides",
                hint="remove the timeout, or give the scene choices",
                code="timeout-without-choices",
            )
        else:
            timeout = _timeout(r, ctx, sid, f["timeout"])
    if choices is not None and not choices and "choices" in f:
        r.error(f["choices"], f"scene '{sid}' has an empty list of choices", code="missing-value")
    return Scene(
        id=sid,
        narration=r.text(f.get("narration"), "narration"),
        student=r.text(f.get("student"), "student"),
        expression=expression,
        cues=cues,
        reflect=r.text(f.get("reflect"), "reflect"),
        choices=choices if "choices" in f else None,
        next=routes,
        ending=ending if not kinds[1:] else None,
        timeout=timeout,
        at=r.pos(key),
        ending_at=ending_at or r.pos(key),
    )


def _cues(r: _Reader, ctx: _Ctx, node: yn.Node | None) -> tuple[Cue, ...]:
    if node is None or (isinstance(node, yn.Scalar) and node.value is None):
        return ()
    if not isinstance(node, yn.Sequence):
        r.error(node, f"cues should be a list of cues, found {_describe(node)}", code="wrong-type")
        return ()
    out = []
    base = dict(r.about)
    for item in node.items:
        r.about = base
        m = r.mapping(item, "a cue")
        if m is None:
            continue
        f = r.fields(m, CUE_KEYS, "a cue")
        cid = r.slug(f.get("id"), "cue id")
        r.about = {**base, "cue": cid} if cid else base
        if cid is not None:
            if cid in ctx.cue_ids:
                r.error(
                    f["id"],
                    f"cue id '{cid}' is used twice (first at line {ctx.cue_ids[cid].line}); "
                    "cue ids are unique in the file",
                    hint="give this cue another id",
                    code="duplicate-cue",
                )
            else:
                ctx.cue_ids[cid] = f["id"]  # type: ignore[assignment]
        sign = r.boolean(f.get("sign"), "sign")
        out.append(
            Cue(
                cid or "",
                r.text(f.get("text"), "cue text", optional=False) or "",
                bool(sign),
                r.text(f.get("note"), "cue note", optional=False) or "",
                at=r.pos(m),
            )
        )
    r.about = base
    return tuple(out)


def _effect(r: _Reader, ctx: _Ctx, f: dict[str, yn.Node], what: str) -> dict:
    goto = r.slug(f.get("goto"), "goto")
    if goto is not None:
        ctx.gotos.append((goto, f["goto"], dict(r.about)))
    mood: dict[str, float] = {}
    mm = r.mapping(f.get("mood"), f"the mood change of {what}")
    if mm is not None:
        for k, v in mm.pairs:
            if k.text not in ctx.moods:
                r.error(
                    k,
                    f"unknown mood '{k.text}'",
                    hint=did_you_mean(k.text, ctx.moods)
                    or (
                        f"the student's moods are {', '.join(ctx.moods)}"
                        if ctx.moods
                        else "declare it under student: mood:"
                    ),
                    code="unknown-mood",
                )
                continue
            d = r.number(v, f"the change of '{k.text}'", -1, 1, hint="mood changes are between -1 and +1")
            if d is not None:
                mood[k.text] = float(d)
    score: dict[str, int] = {}
    sm = r.mapping(f.get("score"), f"the score of {what}")
    if sm is not None:
        for k, v in sm.pairs:
            if k.text not in ctx.dims:
                r.error(
                    k,
                    f"unknown scoring dimension '{k.text}'",
                    hint=did_you_mean(k.text, ctx.dims)
                    or f"standard dimensions: {', '.join(STANDARD_DIMENSIONS)}; declare others under rubric: dimensions:",
                    code="unknown-dimension",
                )
                continue
            s = r.number(
                v,
                f"the score for '{k.text}'",
                -MAX_SCORE,
                MAX_SCORE,
                integer=True,
                hint="scores are whole numbers from -3 to +3",
            )
            if s is not None:
                score[k.text] = int(s)
    sets: dict[str, bool | int] = {}
    setm = r.mapping(f.get("set"), f"'set' of {what}")
    if setm is not None:
        for k, v in setm.pairs:
            if not _known_flag(r, ctx, k):
                continue
            default = ctx.flags[k.text]
            val = v.value if isinstance(v, yn.Scalar) else None
            if isinstance(default, bool) != isinstance(val, bool) or not isinstance(val, int):
                want = "true or false" if isinstance(default, bool) else "a whole number"
                r.error(v, f"flag '{k.text}' holds {want}, found {_describe(v)}", code="wrong-type")
                continue
            if not isinstance(val, bool) and r.number(v, f"flag '{k.text}'", -MAX_WHOLE, MAX_WHOLE) is None:
                continue
            sets[k.text] = val
    adds: dict[str, int] = {}
    addm = r.mapping(f.get("add"), f"'add' of {what}")
    if addm is not None:
        for k, v in addm.pairs:
            if not _known_flag(r, ctx, k):
                continue
            if isinstance(ctx.flags[k.text], bool):
                r.error(
                    k,
                    f"flag '{k.text}' is true/false; 'add' counts with whole-number flags",
                    hint=f"declare it as a number (flags: {{{k.text}: 0}}) or use 'set'",
                    code="wrong-type",
                )
                continue
            n = r.number(v, f"the amount added to '{k.text}'", -MAX_WHOLE, MAX_WHOLE, integer=True)
            if n is not None:
                adds[k.text] = int(n)
    return dict(
        goto=goto or "",
        mood=_ro(mood),
        score=_ro(score),
        set=_ro(sets),
        add=_ro(adds),
        feedback=r.text(f.get("feedback"), "feedback"),
        goto_at=r.pos(f["goto"]) if "goto" in f else Pos(r.file, 1, 1),
    )


def _known_flag(r: _Reader, ctx: _Ctx, k: yn.Scalar) -> bool:
    if k.text in ctx.flags:
        return True
    r.error(
        k,
        f"undefined flag '{k.text}'",
        hint=did_you_mean(k.text, ctx.flags) or f"declare it under flags: with a default, e.g. {k.text}: false",
        code="unknown-flag",
    )
    return False


def _choices(r: _Reader, ctx: _Ctx, sid: str, node: yn.Node) -> tuple[Choice, ...]:
    if not isinstance(node, yn.Sequence):
        r.error(node, f"choices should be a list ('- text: ...' items), found {_describe(node)}", code="wrong-type")
        return ()
    out: list[Choice] = []
    seen: dict[str, yn.Node] = {}
    base = dict(r.about)
    for i, item in enumerate(node.items, 1):
        r.about = {**base, "choice": str(i)}
        m = r.mapping(item, f"choice {i} of scene '{sid}'")
        if m is None:
            continue
        f = r.fields(m, CHOICE_KEYS, f"choice {i} of scene '{sid}'", required=("text", "goto"))
        cid = r.slug(f["id"], "choice id") if "id" in f else str(i)
        r.about = {**base, "choice": cid or str(i)}
        where = f.get("id", m)
        if cid in seen:
            r.error(
                where,
                f"choice id '{cid}' is used twice in scene '{sid}' (first at line {seen[cid].line})",
                hint="choice ids are unique in a scene; without an id a choice is known by its position",
                code="duplicate-choice",
            )
        seen[cid or str(i)] = where
        g = r.guard(f.get("if"), "if")
        if g:
            ctx.guards.append((*g, dict(r.about)))
        once = r.boolean(f.get("once"), "once") if "once" in f else False
        tags = r.text_list(f.get("tags"), "tags")
        eff = _effect(r, ctx, f, f"choice '{cid}'")
        out.append(
            Choice(
                id=cid or str(i),
                text=r.text(f.get("text"), "choice text", optional=False) or "",
                position=i,
                guard=g[0] if g else None,
                once=bool(once),
                tags=tags,
                at=r.pos(m),
                **eff,
            )
        )
    r.about = base
    return tuple(out)


def _timeout(r: _Reader, ctx: _Ctx, sid: str, node: yn.Node) -> Timeout | None:
    m = r.mapping(node, f"the timeout of scene '{sid}'")
    if m is None:
        return None
    f = r.fields(m, TIMEOUT_KEYS, f"the timeout of scene '{sid}'", required=("seconds", "goto"))
    secs = r.number(f.get("seconds"), "seconds", 1, 3600)
    eff = _effect(r, ctx, f, f"the timeout of scene '{sid}'")
    return Timeout(seconds=float(secs or 0), at=r.pos(m), **eff)


def _routes(r: _Reader, ctx: _Ctx, sid: str, node: yn.Node) -> tuple[Route, ...]:
    if not isinstance(node, yn.Sequence) or not node.items:
        r.error(node, "next should be a list of {if, goto} entries ending with one that has no 'if'", code="wrong-type")
        return ()
    out: list[Route] = []
    for i, item in enumerate(node.items):
        m = r.mapping(item, f"entry {i + 1} of next in scene '{sid}'")
        if m is None:
            continue
        f = r.fields(m, {"if": False, "goto": True}, f"entry {i + 1} of next in scene '{sid}'")
        g = r.guard(f.get("if"), "if")
        if g:
            ctx.guards.append((*g, dict(r.about)))
        last = i == len(node.items) - 1
        if last and "if" in f:
            r.error(
                f["if"],
                f"the last entry of next in scene '{sid}' has a guard, so the run could get stuck",
                hint="add a final entry with only 'goto:' (the default route)",
                code="next-without-default",
            )
        elif not last and "if" not in f:
            r.warn(
                m,
                "this entry of next has no 'if', so the entries after it are never taken",
                hint="move it to the end, or give it a guard",
                code="unreachable-route",
            )
        goto = r.slug(f.get("goto"), "goto")
        if goto is not None:
            ctx.gotos.append((goto, f["goto"], dict(r.about)))
        out.append(
            Route(goto or "", g[0] if g else None, at=r.pos(m), goto_at=r.pos(f["goto"]) if "goto" in f else r.pos(m))
        )
    return tuple(out)


def _cross_check(r: _Reader, scenes: dict[str, Scene], endings: dict[str, Ending]) -> None:
    ctx: _Ctx = r._ctx  # type: ignore[attr-defined]
    for goto, node, about in ctx.gotos:
        r.about = about
        if goto and goto not in scenes:
            hint = did_you_mean(goto, scenes)
            if not hint and goto in endings:
                hint = f"'{goto}' is an ending; goto a scene that has 'ending: {goto}'"
            r.error(
                node,
                f"goto names scene '{goto}', which does not exist",
                hint=hint or _first(scenes),
                code="unknown-scene",
            )
    names = set(ctx.moods) | set(ctx.flags) | {"turns"}
    for guard, node, about in ctx.guards:
        r.about = about
        for name, off in guard.names:
            if name not in names:
                r.error(
                    node,
                    f"unknown name '{name}' in guard",
                    hint=did_you_mean(name, names)
                    or f"guards can read moods ({', '.join(ctx.moods) or 'none'}), flags "
                    f"({', '.join(ctx.flags) or 'none'}) and turns",
                    code="unknown-name",
                    offset=_guard_offset(node, off),
                )
        for scene, off in guard.visits:
            if scene not in scenes:
                r.error(
                    node,
                    f"visited() names scene '{scene}', which does not exist",
                    hint=did_you_mean(scene, scenes),
                    code="unknown-scene",
                    offset=_guard_offset(node, off),
                )
        for scene, choice, off in guard.choices:
            if scene not in scenes:
                r.error(
                    node,
                    f"chose() names scene '{scene}', which does not exist",
                    hint=did_you_mean(scene, scenes),
                    code="unknown-scene",
                    offset=_guard_offset(node, off),
                )
            elif scenes[scene].choice(choice) is None:
                ids = [c.id for c in scenes[scene].choices or ()]
                r.error(
                    node,
                    f"chose() names choice '{choice}', which scene '{scene}' does not have",
                    hint=did_you_mean(choice, ids)
                    or (f"its choices: {', '.join(ids)}" if ids else f"scene '{scene}' has no choices"),
                    code="unknown-choice",
                    offset=_guard_offset(node, off),
                )
    r.about = {}
    used_endings = {s.ending for s in scenes.values() if s.ending}
    for eid, e in endings.items():
        if eid not in used_endings:
            r.warn(
                e.at,
                f"ending '{eid}' is never used by a scene",
                subjects={"ending": eid},
                hint="add a scene with 'ending: " + eid + "', or remove it",
                code="unused-ending",
            )
    for s in scenes.values():
        if s.ending and s.cues:
            r.warn(
                s.cues[0].at,
                f"scene '{s.id}' ends the run, so its cues can never be marked",
                hint="move the cues to the scene before",
                code="cue-on-ending",
                subjects={"scene": s.id},
            )
