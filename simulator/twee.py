"""`rehearse import story.twee`: a Twine 2 story (Twee 3 text) as a scenario skeleton.

Passages become scenes, links become choices, passages without links become endings. What the
format has no place for (macros, variables, HTML, scripts and styles) is left out and listed in
the report, passage by passage. The skeleton loads; `rehearse check` then lists what to write.

May import: the standard library."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

HEADER = re.compile(r"^::\s*(?P<name>(?:\\.|[^\[{])+?)\s*(?:\[(?P<tags>[^\]]*)\])?\s*(?:\{(?P<meta>.*)\})?\s*$")
LINK = re.compile(r"\[\[(.+?)\]\]")
MACRO = re.compile(r"<<.*?>>|\([a-z-]+:.*?\)|\{\{.*?\}\}", re.S)
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


@dataclass
class Imported:
    yaml: str
    report: list[str] = field(default_factory=list)


def slug(text: str, used: set[str] | None = None) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "passage"
    if s[0].isdigit():
        s = "p-" + s
    if used is not None:
        base, n = s, 2
        while s in used:
            s, n = f"{base}-{n}", n + 1
        used.add(s)
    return s


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def parse_twee(text: str) -> tuple[dict, list[tuple[str, list[str], str]]]:
    passages: list[tuple[str, list[str], str]] = []
    data: dict = {}
    name = tags = None
    body: list[str] = []
    for line in text.splitlines():
        m = HEADER.match(line) if line.startswith("::") else None
        if m:
            if name is not None:
                passages.append((name, tags, "\n".join(body).strip()))
            name, tags, body = m["name"].replace("\\", "").strip(), (m["tags"] or "").split(), []
        elif name is not None:
            body.append(line)
    if name is not None:
        passages.append((name, tags, "\n".join(body).strip()))
    for n, _, b in passages:
        if n == "StoryData":
            try:
                meta = json.loads(b)
                data.update(meta if isinstance(meta, dict) else {})
            except ValueError:
                pass
        elif n == "StoryTitle":
            data["title"] = b.strip()
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
    if not story:
        raise ValueError("no story passages found: is this a Twee 3 file (passages start with '::')?")
    used: set[str] = set()
    ids = {n: slug(n, used) for n, _, _ in story}
    start_name = data.get("start") if data.get("start") in ids else story[0][0]
    scenes, endings = [], []
    for n, _, body in story:
        sid_ = ids[n]
        links = [_link(m) for m in LINK.findall(body)]
        prose = LINK.sub(lambda m: _link(m.group(1))[0], body)
        if MACRO.search(prose):
            report.append(
                f"passage '{n}': macros or variables left out ({len(MACRO.findall(prose))}); "
                "use choices' set/add and guards instead"
            )
            prose = MACRO.sub("", prose)
        if re.search(r"<[a-zA-Z/][^>]*>", prose):
            report.append(f"passage '{n}': HTML tags removed")
            prose = re.sub(r"<[^>]+>", "", prose)
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
            cids: set[str] = set()
            for label, target in good_links:
                lines += [
                    f"      - id: {slug(label, cids)}",
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
        "# yaml-language-server: $schema=../docs/rehearse.schema.json",
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
