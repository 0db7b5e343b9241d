"""The docs stay inside the repository, their links resolve, and docs/format.md names every key
the loader accepts and every section the code cites."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from conftest import ROOT, TINY

from simulator.core.loader import TOP_KEYS, read_scenario

DOCS = ROOT / "docs"
FORMAT_DOC = DOCS / "format.md"
CONTENT_DOC = DOCS / "content-rules.md"

# URLs allowed in docs/*.md and README.md. Every other source is named in words (title,
# organisation), because a reader offline, or years later, has the words and not the site.
ALLOWED_URL_PREFIXES = (
    # docs/xapi.md: the verb ids of ADL's xAPI specification, which Rehearse writes into every
    # statement. They are identifiers a learning-record store matches on, not links to follow.
    "http://adlnet.gov/expapi/verbs/",
    # docs/xapi.md: Rehearse's own activity and extension ids. `.invalid` is a reserved name
    # that never resolves (a district may map it to its own IRI space).
    "https://rehearse.invalid/",
)
# Tracked files that may name a web address although they are not docs. Not scanned today (the
# scan below covers Markdown); kept here for when it covers every tracked file.
NOT_LINKS = {
    # Crisis resources shown to teachers: "chat at 988lifeline.org" is a service's address for a
    # person in crisis, content of the app, not a link from the docs to elsewhere.
    "assets/crisis-resources.json",
    # The font's licence, quoted as its authors wrote it.
    "assets/fonts/Inter-LICENSE.txt",
}

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_URL = re.compile(r"https?://[^\s)>\]`'\"]+")
_SHARED_PATH = re.compile(r"(?<![\w/.-])(?:\.\./)*shared/[\w.-]")


@cache
def repo_files() -> tuple[str, ...]:
    """Files in the checkout that git tracks or would track (new files not yet added included)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return tuple(sorted({line for line in out.splitlines() if (ROOT / line).is_file()}))
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file outside dot-folders
        return tuple(
            sorted(
                p.relative_to(ROOT).as_posix()
                for p in ROOT.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
            )
        )


def markdown_files() -> list[str]:
    return [f for f in repo_files() if f.endswith(".md")]


def doc_pages() -> list[str]:
    """The pages for users: README.md and docs/*.md."""
    return [f for f in markdown_files() if f == "README.md" or re.fullmatch(r"docs/[^/]+\.md", f)]


def prose(text: str) -> str:
    """Markdown without its fenced code blocks (where `[a](b)` is code, not a link)."""
    return _FENCE.sub("", text)


def link_targets(text: str) -> list[str]:
    body = prose(text)
    return [m.group(1) for m in _LINK.finditer(body)] + [m.group(1) for m in _REF_LINK.finditer(body)]


def is_web(target: str) -> bool:
    return bool(re.match(r"[a-z][a-z0-9+.-]*:", target, re.I))  # http:, https:, mailto:, ...


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for m in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", prose(text), re.M):
        s = slug(m.group(1))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f"{s}-{n}")
    return out


def sections(text: str) -> dict[str, str]:
    """Each `## ` heading's text -> the section under it (up to the next `## `)."""
    parts = re.split(r"^## +(.+?)[ \t]*$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


# --- (a) nothing links outside the repository -------------------------------------------------


@pytest.mark.parametrize("name", markdown_files())
def test_markdown_links_stay_inside_the_repository(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    outside = []
    for target in link_targets(text):
        if is_web(target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        resolved = ((ROOT / name).parent / path).resolve()
        if path.startswith("/") or path.startswith("shared/") or not resolved.is_relative_to(ROOT):
            outside.append(target)
    outside += [m.group(0) + "..." for m in _SHARED_PATH.finditer(text)]
    assert not outside, f"{name} points outside the repository: {outside}"


TEXT_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".toml", ".txt", ".cfg", ".html", ".js", ".css", ".sh")
# Citations of the sections of a document users never get: "content guide Part 1A", "4B rule 3".
_GUIDE_CITE = re.compile(r"content\s+guide|\bPart [0-4][A-E]?\b(?:,? (?:rule|idea|item) \d+)?", re.I)


def text_files() -> list[str]:
    """Code and data files a user gets: everything git tracks with a text suffix, but this test."""
    return [f for f in repo_files() if f.endswith(TEXT_SUFFIXES) and f != "tests/test_docs.py" or f == ".ci/run"]


@pytest.mark.parametrize("name", text_files())
def test_code_and_data_point_nowhere_outside_the_repository(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    outside = [m.group(0) + "..." for m in _SHARED_PATH.finditer(text)]
    outside += [m.group(0) for m in _GUIDE_CITE.finditer(text)]
    assert not outside, f"{name} points outside the repository: {outside} (cite docs/content-rules.md (Section))"


def test_the_code_scan_sees_a_citation_of_the_guide():
    text = "# content guide Part 1A\nfeedback: ... (Part 4A rule 3)\nsee ../shared/style.md\n"
    assert [m.group(0) for m in _GUIDE_CITE.finditer(text)] == ["content guide", "Part 1A", "Part 4A rule 3"]
    assert _SHARED_PATH.findall(text) == ["../shared/s"]
    assert "scenarios/the-sketchbook.yaml" in text_files() and "simulator/core/loader.py" in text_files()


@pytest.mark.parametrize("name", doc_pages())
def test_docs_name_sources_in_words_not_urls(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    urls = [u for u in _URL.findall(text) if not u.startswith(ALLOWED_URL_PREFIXES)]
    assert not urls, f"{name}: name the source in words (title, organisation) instead of {urls}"


def test_the_url_allow_list_is_still_needed():
    # An allowance nothing uses any more is an exception that only hides the next URL.
    text = "\n".join((ROOT / n).read_text(encoding="utf-8") for n in doc_pages())
    unused = [p for p in ALLOWED_URL_PREFIXES if p not in text]
    assert not unused, f"remove from ALLOWED_URL_PREFIXES: {unused}"
    assert all(n in repo_files() for n in NOT_LINKS), "NOT_LINKS names a file that is gone"


def test_the_scan_sees_a_link_out_of_the_repository(tmp_path):
    # The scanner itself, on the kinds of link issue 11 found.
    text = "See [the page](../shared/scenario-format.md) and `shared/content-guide.md`.\n"
    assert link_targets(text) == ["../shared/scenario-format.md"]
    assert _SHARED_PATH.findall(text) == ["../shared/s", "shared/c"]
    assert _URL.findall("at https://example.org/x).") == ["https://example.org/x"]


# --- (b) every relative link resolves ---------------------------------------------------------


@pytest.mark.parametrize("name", doc_pages())
def test_relative_links_resolve_to_files_and_headings(name):
    page = ROOT / name
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in link_targets(text):
        if is_web(target):
            continue
        path, _, fragment = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.is_file() or dest.relative_to(ROOT).as_posix() not in repo_files():
            broken.append(f"{target} (no such file in the repository)")
        elif fragment and dest.suffix == ".md" and fragment not in anchors(dest.read_text(encoding="utf-8")):
            broken.append(f"{target} (no heading '#{fragment}' in {dest.relative_to(ROOT).as_posix()})")
    assert not broken, f"{name}: broken links: {broken}"


def test_anchors_follow_githubs_rule():
    assert slug("The student and their mood") == "the-student-and-their-mood"
    assert slug("rehearse/2") == "rehearse2"
    assert slug("Standards (xAPI)") == "standards-xapi"
    assert slug("The teacher's role") == "the-teachers-role"
    assert anchors("## Notes\n## Notes\n```\n## not a heading\n```\n") == {"notes", "notes-1"}


# --- (c) docs/format.md names every key the loader accepts --------------------------------------

PROBE = "zzzz_probe"
# Where each kind of mapping is documented in docs/format.md, and how to put an unknown key in one
# of TINY's mappings of that kind (the loader's unknown-key hint then lists the keys allowed there).
PLACES = {
    "top level": ("Top-level keys", ("title: Tiny", f"title: Tiny\n{PROBE}: 1")),
    "student": ("The student and their mood", ("  name: Ana", f"  name: Ana\n  {PROBE}: 1")),
    "scene": ("Scenes", ("  b:\n    ending: done", f"  b:\n    {PROBE}: 1\n    ending: done")),
    "choice": ("Choices", ("        goto: b", f"        goto: b\n        {PROBE}: 1")),
    "timeout": (
        "Timeouts",
        ("        goto: b", f"        goto: b\n    timeout:\n      seconds: 5\n      goto: b\n      {PROBE}: 1"),
    ),
    "cue": (
        "Cues and noticing",
        ("    choices:", f"    cues:\n      - {{id: c, text: T, sign: true, note: N, {PROBE}: 1}}\n    choices:"),
    ),
    "ending": ("Endings", ("debrief: Fine.}", f"debrief: Fine., {PROBE}: 1}}")),
    "rubric": ("Scoring dimensions", ("title: Tiny", f"title: Tiny\nrubric:\n  {PROBE}: 1")),
    "debrief": ("Top-level keys", ("title: Tiny", f"title: Tiny\ndebrief:\n  {PROBE}: 1")),
    "next entry": (
        "Scenes",
        ("  b:\n    ending: done", f"  b:\n    next:\n      - goto: c\n        {PROBE}: 1\n  c:\n    ending: done"),
    ),
}


def accepted_keys(place: str) -> list[str]:
    """The keys the loader accepts in one kind of mapping, as its unknown-key hint lists them."""
    old, new = PLACES[place][1]
    assert TINY.count(old) >= 1, f"TINY changed: cannot probe {place}"
    _, diags = read_scenario(TINY.replace(old, new, 1))
    hints = [d.hint for d in diags if d.code == "unknown-key" and PROBE in d.message]
    assert len(hints) == 1 and hints[0], f"no unknown-key diagnostic for {PROBE} in the {place}: {diags}"
    m = re.fullmatch(r"allowed here: (.+)", hints[0])
    assert m, f"the unknown-key hint no longer lists the allowed keys: {hints[0]!r}"
    return m.group(1).split(", ")


def test_the_probe_reads_the_loaders_own_list():
    assert sorted(accepted_keys("top level")) == sorted(TOP_KEYS)


@pytest.mark.parametrize("place", list(PLACES))
def test_format_doc_names_every_key_the_loader_accepts(place):
    section_name = PLACES[place][0]
    doc = sections(FORMAT_DOC.read_text(encoding="utf-8"))
    assert section_name in doc, f"docs/format.md has no section '## {section_name}'"
    missing = [k for k in accepted_keys(place) if f"`{k}`" not in doc[section_name]]
    assert not missing, f"docs/format.md ({section_name}) does not name the {place} keys {missing}"


# --- the sections the code cites exist ---------------------------------------------------------

# `# format: Choices, once` (style guide) and `docs/format.md (Limits)` in hints and comments.
_CITES = (
    (FORMAT_DOC, re.compile(r"\bformat: ([A-Z][\w-]*(?: [a-z][\w-]*)*)")),
    (FORMAT_DOC, re.compile(r"docs/format\.md \(([^)]+)\)")),
    (CONTENT_DOC, re.compile(r"docs/content-rules\.md \(([^)]+)\)")),
)


def test_the_citation_patterns_read_the_house_forms():
    text = (
        '# format: Choices, `once`\nhint="see docs/format.md (Limits)"\n# docs/content-rules.md (Scenario ideas, 5)\n'
    )
    found = [m.group(1) for _, pattern in _CITES for m in pattern.finditer(text)]
    assert found == ["Choices", "Limits", "Scenario ideas, 5"]


def cited_sections() -> list[tuple[str, Path, str]]:
    out = []
    for name in repo_files():
        if (
            not name.endswith((".py", ".yaml", ".json")) or name == "tests/test_docs.py"
        ):  # its patterns are not citations
            continue
        text = (ROOT / name).read_text(encoding="utf-8")
        for doc, pattern in _CITES:
            out += [(name, doc, m.group(1).strip()) for m in pattern.finditer(text)]
    return out


def test_code_cites_sections_that_exist():
    headings = {
        doc: {h.lstrip("#").strip() for h in re.findall(r"^#{2,3} .+$", doc.read_text(encoding="utf-8"), re.M)}
        for doc in (FORMAT_DOC, CONTENT_DOC)
    }
    cites = cited_sections()
    assert any(doc == FORMAT_DOC for _, doc, _ in cites), "found no citations at all: the pattern is broken"
    # A citation names a section, optionally followed by a detail: "Choices, once", "Scenario ideas, 5".
    wrong = sorted(
        {
            f"{name}: {doc.name} ({sec})"
            for name, doc, sec in cites
            if sec not in headings[doc] and sec.split(",")[0].strip() not in headings[doc]
        }
    )
    assert not wrong, f"citations of sections that do not exist: {wrong}"
