"""Read YAML text into a small tree of nodes that remember where they are.

Scenario files are untrusted. This reads libyaml's event stream (no object construction, so no
tags can run code), keeps every node's 1-based line and column, reports duplicate keys (which
PyYAML would keep silently, last one wins), refuses explicit tags other than YAML's core ones,
and bounds what a file can cost: its size, its nesting depth, and alias expansion (an
"alias bomb" is refused before anything expands it).

May import: errors, yaml, the standard library."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import yaml
from yaml import events as ev

from simulator.errors import ScenarioError

try:  # libyaml, when PyYAML was built with it: several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the wheel
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Documented in docs/format-limits.md. Large enough for the 10,000-scene benchmark file (~10 MB).
MAX_FILE_BYTES = 24 * 1024 * 1024
MAX_DEPTH = 64
# Alias expansion: a file may reuse nodes through aliases, but the expanded tree may hold at most
# this many nodes more than the file itself has, and never more than MAX_EXPANDED overall.
ALIAS_ALLOWANCE = 100_000
MAX_EXPANDED = 4_000_000

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
_CORE_TAGS = {
    STR,
    INT,
    FLOAT,
    BOOL,
    NULL,
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
}
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}


class Node:
    __slots__ = ("line", "col", "size")

    kind = "node"

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.size = 1  # nodes in this subtree, aliases expanded


class Scalar(Node):
    __slots__ = ("value", "tag", "text", "style")

    kind = "scalar"

    def __init__(self, line: int, col: int, text: str, tag: str, style: str | None = None) -> None:
        super().__init__(line, col)
        self.text = text  # as written (without quotes)
        self.tag = tag
        self.style = style  # None (plain), "'", '"', "|" or ">"
        self.value = _construct(text, tag)


class Mapping(Node):
    __slots__ = ("pairs", "flow")

    kind = "mapping"

    def __init__(self, line: int, col: int, flow: bool = False) -> None:
        super().__init__(line, col)
        self.pairs: list[tuple[Scalar, Node]] = []
        self.flow = flow  # written {like: this}

    def get(self, key: str) -> Node | None:
        for k, v in self.pairs:
            if k.text == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.pairs]


class Sequence(Node):
    __slots__ = ("items",)

    kind = "sequence"

    def __init__(self, line: int, col: int) -> None:
        super().__init__(line, col)
        self.items: list[Node] = []


# --- scalars ---------------------------------------------------------------------------------

_resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers


def _resolve_plain(text: str) -> str:
    """The core tag of a plain (unquoted) scalar, as PyYAML's SafeLoader resolves it."""
    for tag, regexp in _resolvers.get(text[:1] if text else "", ()):
        if regexp.match(text):
            return tag
    return STR


_constructor = yaml.constructor.SafeConstructor()


def _construct(text: str, tag: str):
    if tag == STR:
        return text
    if tag == NULL:
        return None
    if tag == BOOL:
        return _BOOLS.get(text.lower(), text)
    if tag == INT:
        return _constructor.construct_yaml_int(yaml.ScalarNode(tag, text))
    if tag == FLOAT:
        return _constructor.construct_yaml_float(yaml.ScalarNode(tag, text))
    return text  # timestamps and the like stay text: the format has no use for them


# --- reading ---------------------------------------------------------------------------------


@contextmanager
def _no_gc() -> Iterator[None]:
    # The tree is acyclic and built in one go: the cycle collector would only rescan it, many times.
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _mark(m) -> tuple[int, int]:
    return m.line + 1, m.column + 1


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of a file's bytes, or a ScenarioError at the first byte that is not UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(
            file,
            1,
            1,
            f"file is {len(data):,} bytes, over the limit of {MAX_FILE_BYTES:,}",
            hint="split the scenario into smaller files",
            code="file-too-large",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise ScenarioError(
            file,
            line,
            col,
            f"the file is not UTF-8 text (byte 0x{data[e.start]:02x} cannot be decoded)",
            hint="save the file as UTF-8 in your editor",
            code="not-utf8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse(text: str, file: str) -> Node:
    """The tree of the one YAML document in `text`; ScenarioError for anything unreadable."""
    if len(text) > MAX_FILE_BYTES:  # characters never outnumber bytes
        raise ScenarioError(
            file,
            1,
            1,
            f"file is over the limit of {MAX_FILE_BYTES:,} bytes",
            hint="split the scenario into smaller files",
            code="file-too-large",
        )
    with _no_gc():
        try:
            return _build(text, file)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line, col = _mark(mark) if mark else (1, 1)
            problem = e.problem or "cannot be read as YAML"
            msg = f"YAML syntax: {problem}"
            if e.context:
                msg += f" ({e.context})"
            raise ScenarioError(file, line, col, msg, hint=_syntax_hint(problem), code="yaml-syntax") from None
        except yaml.YAMLError as e:
            raise ScenarioError(file, 1, 1, f"YAML syntax: {e}", code="yaml-syntax") from None


def _syntax_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, e.g. text: \"Jordan: put it away\""
    if "found character '\\t'" in problem or "tab" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "each line in a mapping needs 'key: value'; check the indentation of this line"
    if "found undefined alias" in problem:
        return "an alias (*name) needs an anchor (&name) earlier in the file"
    return None


def _build(text: str, file: str) -> Node:
    stack: list[list] = []  # [node, pending key, anchor]
    anchors: dict[str, Node] = {}
    open_anchors: set[str] = set()
    root: Node | None = None
    events = 0
    docs = 0
    Sca, MapS, SeqS, MapE, SeqE, Ali = (
        ev.ScalarEvent,
        ev.MappingStartEvent,
        ev.SequenceStartEvent,
        ev.MappingEndEvent,
        ev.SequenceEndEvent,
        ev.AliasEvent,
    )
    for event in yaml.parse(text, Loader=_Loader):
        events += 1
        cls = event.__class__
        if cls is Sca:
            line, col = _mark(event.start_mark)
            tag = event.tag
            if event.implicit[0]:
                tag = _resolve_plain(event.value)
            elif tag is None or tag == "!":
                tag = STR
            elif tag not in _CORE_TAGS:
                raise _tag_error(file, line, col, tag)
            node: Node = Scalar(line, col, event.value, tag, event.style or None)
            if event.anchor:
                anchors[event.anchor] = node
        elif cls is MapS or cls is SeqS:
            line, col = _mark(event.start_mark)
            if event.tag and event.tag not in _CORE_TAGS:
                raise _tag_error(file, line, col, event.tag)
            if len(stack) >= MAX_DEPTH:
                raise ScenarioError(
                    file,
                    line,
                    col,
                    f"nested more than {MAX_DEPTH} levels deep",
                    hint="a scenario never needs this much nesting",
                    code="too-deep",
                )
            coll = Mapping(line, col, bool(event.flow_style)) if cls is MapS else Sequence(line, col)
            if event.anchor:
                open_anchors.add(event.anchor)
            stack.append([coll, None, event.anchor])
            continue
        elif cls is MapE or cls is SeqE:
            node, pending, anchor = stack.pop()
            if anchor:
                open_anchors.discard(anchor)
                anchors[anchor] = node
        elif cls is Ali:
            line, col = _mark(event.start_mark)
            if event.anchor in open_anchors:
                raise ScenarioError(
                    file,
                    line,
                    col,
                    f"alias *{event.anchor} refers to a node that contains it",
                    hint="remove the alias; a scenario cannot contain itself",
                    code="alias",
                )
            if event.anchor not in anchors:
                raise ScenarioError(
                    file,
                    line,
                    col,
                    f"alias *{event.anchor} has no anchor &{event.anchor} before it",
                    hint="define the anchor first, or write the value out",
                    code="alias",
                )
            node = anchors[event.anchor]
        elif cls is ev.DocumentStartEvent:
            docs += 1
            if docs > 1:
                line, col = _mark(event.start_mark)
                raise ScenarioError(
                    file,
                    line,
                    col,
                    "a scenario file holds one YAML document, this is a second",
                    hint="remove the '---' line, or split the file",
                    code="multiple-documents",
                )
            continue
        else:
            continue
        if not stack:
            root = node
            continue
        top = stack[-1]
        parent = top[0]
        parent.size += node.size
        if parent.size > MAX_EXPANDED or (cls is Ali and parent.size > events + ALIAS_ALLOWANCE):
            raise ScenarioError(
                file,
                node.line,
                node.col,
                "aliases expand this file far beyond its size (an alias bomb?)",
                hint="write the repeated parts out, or reuse fewer aliases",
                code="alias",
            )
        if parent.__class__ is Mapping:
            if top[1] is None:
                if node.__class__ is not Scalar:
                    raise ScenarioError(
                        file, node.line, node.col, "a key must be a plain word, not a list or mapping", code="bad-key"
                    )
                top[1] = node
            else:
                parent.pairs.append((top[1], node))
                top[1] = None
        else:
            parent.items.append(node)
    if root is None or (root.__class__ is Scalar and root.value is None):
        raise ScenarioError(
            file,
            1,
            1,
            "the file is empty",
            hint="a scenario starts with 'format: rehearse/1'; see docs/format-limits.md and the examples in scenarios/",
            code="empty",
        )
    return root


def _tag_error(file: str, line: int, col: int, tag: str) -> ScenarioError:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return ScenarioError(
        file,
        line,
        col,
        f"YAML tag '{shown}' is not allowed in a scenario",
        hint="remove the tag: scenario files hold only text, numbers, true/false, lists and mappings",
        code="yaml-tag",
    )


def duplicate_keys(node: Mapping) -> Iterator[Scalar]:
    """Each key of `node` that repeats an earlier key (PyYAML would keep only the last)."""
    seen: set[str] = set()
    for k, _ in node.pairs:
        if k.text in seen:
            yield k
        seen.add(k.text)
