"""`rehearse import story.twee`: a Twine 2 story (Twee 3 text) as a scenario skeleton.

Passages become scenes, links become choices, passages without links become endings. What the
format has no place for (macros, variables, HTML, scripts and styles) is left out and listed in
the report, passage by passage. The skeleton loads; `rehearse check` then lists what to write."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# the same modeline as `rehearse new` writes (scaffold.SCHEMA_LINE; this module imports nothing of ours)
SCHEMA_LINE = "# yaml-language-server: $schema=rehearse.schema.json"

# Every pattern here runs in linear time: no nested or overlapping repeats, and each scan for a
# closing mark stops at the first mark that could open another match (a file of 5 MB of `[[`,
# `<<` or `\\` must not take longer than reading it). Headers, links and macros are found by the
# scanners below, not by lazy `.*?` patterns, which rescan the rest of the text from every opening.
HTML_TAG = re.compile(r"<[a-zA-Z/][^<>]*>")
ANY_TAG = re.compile(r"<[^<>]+>")
MACRO_NAME = re.compile(r"[a-z-]++:")
SPECIAL = {
    "StoryTitle",
    "StoryData",
    "StoryInit",
    "StoryMenu",
    "StoryCaption",
    "StoryBanner",
    "StoryAuthor",
    "StorySubtitle",
    "PassageReady",
    "PassageDone",
    "PassageHeader",
    "PassageFooter",
}
MAX_TWEE_BYTES = 5 * 1024 * 1024
MAX_PASSAGES = 5_000  # far above any conversation; a scenario of more scenes is not one to rehearse


@dataclass
class Imported:
    yaml: str
    report: list[str] = field(default_factory=list)


class TweeError(ValueError):
    """A story that cannot be imported, at a line of the Twee file (1-based; 0: the whole file)."""

    def __init__(self, line: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class Slugs:
    """Unique slugs: a name seen again gets -2, -3, ... (a counter per name, so 100,000 passages
    of one name take linear time, not a rescan from -2 each time)."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = s = slug(text)
        n = self.next.get(base, 2)
        while s in self.used:
            s, n = f"{base}-{n}", n + 1
        self.next[base] = n
        self.used.add(s)
        return s


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "passage"
    return "p-" + s if s[0].isdigit() else s


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


class _Finder:
    """Where `needle` next occurs at or after a position. Asked with positions that only grow, it
    scans each character once in all, which keeps the scanners below linear."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle = text, needle
        self.start, self.found = 0, text.find(needle)

    def at(self, pos: int) -> int:
        if pos < self.start:  # not expected; still correct
            return self.text.find(self.needle, pos)
        if self.found != -1 and pos > self.found:
            self.start, self.found = pos, self.text.find(self.needle, pos)
        return self.found


# "unrolled" and possessive: each character fits one branch only, so a match never backtracks
_NAME = re.compile(r"(?P<name>[^\\\[{]*+(?:\\.[^\\\[{]*+)*+)\\?")  # a lone backslash may end the line


def _unescape(name: str) -> str:
    r"""`\x` -> `x`, as Twee 3 escapes `\[`, `\]`, `\{`, `\}` and `\\` (str.replace: C speed)."""
    if "\\" not in name:
        return name
    if "\0" in name:
        return re.sub(r"\\(.)", lambda m: m[1], name)
    return name.replace("\\\\", "\0").replace("\\", "").replace("\0", "\\")


def _header(line: str) -> tuple[str, list[str]] | None:
    """(name, tags) of a passage header `:: Name [tags] {metadata}` (Twee 3), or None if it is not one."""
    m = _NAME.match(line, 2)
    assert m is not None  # the pattern matches the empty string
    rest = line[m.end() :]
    tags: list[str] = []
    if rest.startswith("["):
        close = rest.find("]")
        if close == -1:
            return None
        tags, rest = rest[1:close].split(), rest[close + 1 :].lstrip()
    rest = rest.rstrip()
    if rest and not (rest.startswith("{") and rest.endswith("}")):  # the metadata is not used
        return None
    name = _unescape(m["name"]).strip()
    return (name, tags) if name else None


def _link_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `[[...]]` link, as `\\[\\[(.+?)\\]\\]` finds them (one line each)."""
    opens, closes, newlines = _Finder(text, "[["), _Finder(text, "]]"), _Finder(text, "\n")
    spans, pos = [], 0
    while (i := opens.at(pos)) != -1:
        j = closes.at(i + 3)  # at least one character inside
        if j == -1:
            break  # no later opening can close either
        nl = newlines.at(i + 2)
        if nl != -1 and nl < j:
            pos = nl + 1  # no opening before this line break closes on its line
            continue
        spans.append((i, j + 2))
        pos = j + 2
    return spans


def _macro_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each macro: `<<...>>` (SugarCube), `(name: ...)` (Harlowe), `{{...}}`."""
    pairs = [(_Finder(text, a), _Finder(text, b)) for a, b in (("<<", ">>"), ("{{", "}}"))]
    paren_open, paren_close = _Finder(text, "("), _Finder(text, ")")
    paren: tuple[int, int] | None = None  # the next Harlowe macro found: (start, end); end -1: none closes
    spans, pos = [], 0
    while True:
        found = []
        for opens, closes in pairs:
            i = opens.at(pos)
            j = closes.at(i + 2) if i != -1 else -1
            if j != -1:
                found.append((i, j + 2))
        if paren is None or paren[0] < pos:
            paren = None
            p = pos
            while (i := paren_open.at(p)) != -1:
                m = MACRO_NAME.match(text, i + 1)
                if m:
                    j = paren_close.at(m.end())
                    paren = (i, j + 1 if j != -1 else -1)
                    break
                p = i + 1
        if paren is not None and paren[1] != -1:
            found.append(paren)
        if not found:
            return spans
        span = min(found)
        spans.append(span)
        pos = span[1]


def _cut(text: str, spans: list[tuple[int, int]], keep=lambda s: "") -> str:
    """`text` with each span replaced by keep(span text)."""
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], keep(text[a:b])]
        pos = b
    out.append(text[pos:])
    return "".join(out)


_KIND = {list: "a list", dict: "an object", str: "text", bool: "true or false", int: "a number", float: "a number"}


def _kind(value) -> str:
    return "null" if value is None else _KIND.get(type(value), type(value).__name__)


def _story_data(body: str, line: int) -> dict:
    """The StoryData passage's JSON object; TweeError when it is not one."""
    hint = 'StoryData holds one JSON object, such as {"ifid": "...", "start": "Start"}'
    try:
        meta = json.loads(body)
    except json.JSONDecodeError as e:
        raise TweeError(line, f"StoryData is not valid JSON: {e.msg} (line {e.lineno} of the passage)", hint) from None
    except (ValueError, RecursionError):  # a number of 4,301+ digits; nesting deeper than Python's stack
        raise TweeError(
            line, "StoryData is not JSON that can be read (a huge number, or nested too deep)", hint
        ) from None
    if not isinstance(meta, dict):
        raise TweeError(line, f"StoryData should be a JSON object ({{...}}), found {_kind(meta)}", hint)
    if "start" in meta and not isinstance(meta["start"], str):
        raise TweeError(
            line,
            f"StoryData's 'start' should be the name of a passage (text), found {_kind(meta['start'])}",
            'for example "start": "Start"',
        )
    return meta


def parse_twee(text: str) -> tuple[dict, list[tuple[str, list[str], str]]]:
    """(story data, passages as (name, tags, body)); TweeError when StoryData is not usable."""
    passages: list[tuple[str, list[str], str]] = []
    data: dict = {}
    name: str | None = None
    tags: list[str] = []
    body: list[str] = []
    title = None
    data_lines: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        h = _header(line) if line.startswith("::") else None
        if h:
            if name is not None:
                passages.append((name, tags, "\n".join(body).strip()))
                if len(passages) >= MAX_PASSAGES:
                    raise TweeError(
                        number,
                        f"the story has more than {MAX_PASSAGES:,} passages, the most one import takes",
                        "split the story into smaller ones",
                    )
            (name, tags), body = h, []
            if name == "StoryData":
                data_lines.append(number)
        elif name is not None:
            body.append(line)
    if name is not None:
        passages.append((name, tags, "\n".join(body).strip()))
    lines = iter(data_lines)
    for n, _, b in passages:
        if n == "StoryData":
            data.update(_story_data(b, next(lines)))
        elif n == "StoryTitle":
            title = b.strip()
    data.pop("title", None)  # the title comes from StoryTitle (Twee 3), never from StoryData
    if title:
        data["title"] = title
    return data, passages


def _link(raw: str) -> tuple[str, str]:
    """(label, target) of a Twine link: [[T]], [[L->T]], [[T<-L]], [[L|T]]."""
    if "->" in raw:
        label, target = raw.rsplit("->", 1)
    elif "<-" in raw:
        target, label = raw.split("<-", 1)
    elif "|" in raw:
        label, target = raw.split("|", 1)
    else:
        label = target = raw
    return label.strip(), target.strip()


def import_twee(text: str, sid: str, topics=("relationship",), grades: str = "9-12") -> Imported:
    data, passages = parse_twee(text)
    report: list[str] = []
    story = [(n, t, b) for n, t, b in passages if n not in SPECIAL and not {"script", "stylesheet"} & set(t)]
    skipped = [
        n
        for n, t, _ in passages
        if n not in ("StoryTitle", "StoryData") and (n in SPECIAL or {"script", "stylesheet"} & set(t))
    ]
    for n in skipped:
        report.append(f"passage '{n}': a special, script or stylesheet passage; not carried over")
    seen: dict[str, int] = {}
    kept = []
    for passage in story:
        seen[passage[0]] = seen.get(passage[0], 0) + 1
        if seen[passage[0]] == 1:
            kept.append(passage)
    story = kept
    for n, count in seen.items():
        if count > 1:
            report.append(f"passage '{n}' appears {count} times: only the first is carried over")
    if not story:
        raise ValueError("no story passages found: is this a Twee 3 file (passages start with '::')?")
    slugs = Slugs()
    ids = {n: slugs(n) for n, _, _ in story}
    start_name = data.get("start")
    if start_name not in ids:
        if start_name is not None:
            report.append(f"StoryData's start '{start_name}' is not a story passage: the first passage starts")
        start_name = story[0][0]
    scenes, endings = [], []
    for n, _, body in story:
        sid_ = ids[n]
        spans = _link_spans(body)
        links = [_link(body[a + 2 : b - 2]) for a, b in spans]
        prose = _cut(body, spans, lambda raw: _link(raw[2:-2])[0])
        macros = _macro_spans(prose)
        if macros:
            report.append(
                f"passage '{n}': macros or variables left out ({len(macros)}); use choices' set/add and guards instead"
            )
            prose = _cut(prose, macros)
        if HTML_TAG.search(prose):
            report.append(f"passage '{n}': HTML tags removed")
            prose = ANY_TAG.sub("", prose)
        prose = " ".join(prose.split()) or f"TODO narration for {n}"
        lines = [f"  {sid_}:", f"    narration: {_q(prose)}"]
        good_links = []
        for label, target in links:
            if target not in ids:
                report.append(f"passage '{n}': link to missing passage '{target}' dropped")
                continue
            good_links.append((label, target))
        if good_links:
            lines.append("    choices:")
            cids = Slugs()
            for label, target in good_links:
                lines += [
                    f"      - id: {cids(label)}",
                    f"        text: {_q(label)}",
                    f"        goto: {ids[target]}",
                    "        feedback: TODO why this helps or hurts, and what to try instead.",
                ]
        else:
            eid = f"end-{sid_}"
            lines.append(f"    ending: {eid}")
            endings.append(
                f'  {eid}: {{title: {_q(n)}, outcome: mixed, debrief: "TODO what this ending means '
                '(set outcome to good, mixed or poor)."}'
            )
        scenes.append("\n".join(lines))
    if not endings:
        report.append("no passage without links: added an ending scene 'the-end' that nothing reaches yet")
        scenes.append("  the-end:\n    narration: TODO\n    ending: end")
        endings.append('  end: {title: The end, outcome: mixed, debrief: "TODO"}')
    title = data.get("title") or sid
    head = [
        SCHEMA_LINE,
        f"# Imported from a Twine story by `rehearse import`. {len(report)} note(s) in the report.",
        "format: rehearse/1",
        f"id: {sid}",
        f"title: {_q(title)}",
        "summary: TODO one or two sentences for the scenario card.",
        f"topics: [{', '.join(topics)}]",
        f'grades: "{grades}"',
        (
            "content_note: TODO say plainly what the scenario includes.\n"
            if {"distress", "safety"} & set(topics)
            else "content_note: null\n"
        )
        + "student:",
        "  name: TODO",
        "  mood: {stress: 0.5, trust: 0.4, openness: 0.3}",
        "  jitter: 0.03",
        "  drift: 0.1",
        f"start: {ids[start_name]}",
        "scenes:",
    ]
    yaml_text = "\n".join(head) + "\n" + "\n".join(scenes) + "\nendings:\n" + "\n".join(endings) + "\n"
    return Imported(yaml_text, report)
