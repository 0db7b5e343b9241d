"""Read YAML text into a small tree of nodes that remember where they are.

Scenario files are untrusted. This reads libyaml's event stream (no object construction, so no
tags can run code), keeps every node's 1-based line and column, reports duplicate keys (which
PyYAML would keep silently, last one wins), refuses explicit tags other than YAML's core ones,
and bounds what a file can cost: its size, its nesting depth, the number of values in the whole
document with aliases expanded (an "alias bomb" is refused before anything expands it), and the
length of a number. Every problem is a positioned ScenarioError; nothing else escapes `parse`."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from yaml import events as ev

from simulator.core.errors import ScenarioError

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # libyaml, when PyYAML was built with it: several times faster
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the wheel
    _Loader = yaml.SafeLoader

# The limits are documented in docs/format.md (Limits).
# Large enough for the 10,000-scene benchmark file (~10 MB, ~780,000 values).
MAX_FILE_BYTES = 24 * 1024 * 1024
# Ours, below libyaml's own limit (1,000 in the libyaml PyYAML 6.0.4 bundles; none in older ones).
MAX_DEPTH = 64
# Values (scalars, lists, mappings) in the whole document, each alias counted as the values it
# stands for: what reading the file costs, since the loader walks the expanded tree.
MAX_NODES = 2_000_000
# Aliases may add at most this many values to the document, in all (not per node): a 20 KB file
# cannot expand into hundreds of thousands of choices.
ALIAS_ALLOWANCE = 100_000
# Digits (and signs, points, exponents) in one number: Python refuses to read integers of more than
# 4,300 digits, and reading long ones costs quadratic time.
MAX_NUMBER_CHARS = 100

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
    __slots__ = ("line", "col")

    kind = "node"
    size = 1  # nodes in this subtree, aliases expanded (a collection keeps its own count)

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col


class Scalar(Node):
    # No tag kept: `value` says what it was read as, and a large file makes hundreds of thousands
    # of scalars, so each slot costs megabytes.
    __slots__ = ("value", "text", "style")

    kind = "scalar"

    def __init__(self, line: int, col: int, text: str, tag: str, style: str | None = None) -> None:
        # Node.__init__ written out: a large file makes hundreds of thousands of scalars
        self.line = line
        self.col = col
        self.text = text  # as written (without quotes)
        self.style = style  # None (plain), "'", '"', "|" or ">"
        self.value = text if tag == STR else _construct(text, tag)


class Mapping(Node):
    # Keys and values in two lists, not a list of pairs: a tuple per pair would cost a large file
    # tens of megabytes. `pairs` makes the pairs when they are read.
    __slots__ = ("keys_", "values", "flow", "size")

    kind = "mapping"

    def __init__(self, line: int, col: int, flow: bool = False) -> None:
        self.line = line
        self.col = col
        self.size = 1
        self.keys_: list[Scalar] = []
        self.values: list[Node] = []
        self.flow = flow  # written {like: this}

    @property
    def pairs(self) -> list[tuple[Scalar, Node]]:
        """(key, value) in the order written."""
        return list(zip(self.keys_, self.values))

    def get(self, key: str) -> Node | None:
        for k, v in zip(self.keys_, self.values):
            if k.text == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.text for k in self.keys_]

    def take(self) -> Iterator[tuple[Scalar, Node]]:
        """The pairs in order, each taken out of the mapping as it is given (which frees it)."""
        self.keys_.reverse()
        self.values.reverse()
        while self.keys_:
            yield self.keys_.pop(), self.values.pop()


class Sequence(Node):
    __slots__ = ("items", "size")

    kind = "sequence"

    def __init__(self, line: int, col: int) -> None:
        self.line = line
        self.col = col
        self.size = 1
        self.items: list[Node] = []


# --- scalars ---------------------------------------------------------------------------------

_resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers


_constructor = yaml.constructor.SafeConstructor()


class _BadNumber(ValueError):
    """A scalar resolved or tagged as a number that cannot be read as one; `parse` positions it."""


# Numbers written the plain decimal way, which PyYAML's constructor reads as int() and float() of
# the text do (no `_`, no leading 0 that YAML 1.1 reads as octal, no `:` of base 60, no exponent).
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)\Z")


def _construct(text: str, tag: str) -> Any:
    if tag == STR:
        return text
    if tag == NULL:
        return None
    if tag == BOOL:
        return _BOOLS.get(text.lower(), text)
    if tag == INT or tag == FLOAT:
        kind = "a whole number" if tag == INT else "a number"
        if len(text) <= MAX_NUMBER_CHARS:
            if tag == INT and _PLAIN_INT.match(text):
                return int(text)
            if tag == FLOAT and _PLAIN_FLOAT.match(text):
                return float(text)
        if len(text) > MAX_NUMBER_CHARS:
            raise _BadNumber(f"the number {shorten(text)} has {len(text):,} characters; at most {MAX_NUMBER_CHARS}")
        try:
            if tag == INT:
                return _constructor.construct_yaml_int(yaml.ScalarNode(tag, text))
            return _constructor.construct_yaml_float(yaml.ScalarNode(tag, text))
        except (ValueError, IndexError, OverflowError):  # `!!int ""`, `!!float x`, `0x_`
            raise _BadNumber(f"'{shorten(text)}' cannot be read as {kind}") from None
    return text  # timestamps and the like stay text: the format has no use for them


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters, for quoting it in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# --- reading ---------------------------------------------------------------------------------


@contextmanager
def no_gc() -> Iterator[None]:
    """Run a block with the cycle collector off (and back on after, if it was on).

    The tree is acyclic and built in one go: the cycle collector would only rescan it, many times."""
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


def utf8(data: bytes, file: str) -> bytes:
    """A file's bytes, checked as `decode` checks them, without a byte-order mark: what `read`
    can be given instead of text, so a large file is not held twice (as bytes and as text)."""
    decode(data, file)
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def parse(text: str, file: str) -> Node:
    """The tree of the one YAML document in `text`; ScenarioError for anything unreadable."""
    return read(text, file)[0]


def read(source: str | bytes, file: str) -> tuple[Node, bool]:
    """The tree of `source`, as `parse` gives it, and whether any of its nodes has an anchor.

    `source` is text, or UTF-8 bytes that `utf8` checked. Without anchors no node is shared, so a
    reader may take parts out of the tree as it goes."""
    if len(source) > MAX_FILE_BYTES:  # characters never outnumber bytes
        raise ScenarioError(
            file,
            1,
            1,
            f"file is over the limit of {MAX_FILE_BYTES:,} bytes",
            hint="split the scenario into smaller files",
            code="file-too-large",
        )
    with no_gc():
        try:
            return _build(source, file, _Loader)
        except yaml.MarkedYAMLError as e:
            if _LIBYAML_DEPTH in (e.problem or "") and _Loader is not yaml.SafeLoader:
                raise _too_deep(_text(source), file, e) from None
            raise _syntax_error(file, e) from None
        except yaml.reader.ReaderError as e:
            raise _reader_error(_text(source), file, e, _Loader is not yaml.SafeLoader) from None
        except yaml.YAMLError as e:
            raise ScenarioError(file, 1, 1, f"YAML syntax: {e}", code="yaml-syntax") from None
        except UnicodeEncodeError as e:  # a lone surrogate in text given as str (files are decoded)
            line, col = _line_col(_text(source), e.start)
            raise ScenarioError(
                file, line, col, "the text holds a character that is not Unicode (a lone surrogate)", code="not-utf8"
            ) from None


def _text(source: str | bytes) -> str:
    return source if isinstance(source, str) else source.decode("utf-8", "replace")


# libyaml's own nesting limit (PyYAML 6.0.4's wheels; older ones have none). Its scanner reads a flow
# collection far ahead of the events we are given, so it can fire before MAX_DEPTH does.
_LIBYAML_DEPTH = "exceeded maximum nesting depth"
# Reading up to the error again with the pure-Python parser (which streams) finds where MAX_DEPTH
# is crossed; past this many characters (about a second of it) libyaml's position is kept instead.
_REREAD_CHARS = 1_000_000


def _too_deep(text: str, file: str, e: yaml.MarkedYAMLError) -> ScenarioError:
    """The too-deep error for libyaml's depth limit, at the place MAX_DEPTH is crossed."""
    mark = e.problem_mark or e.context_mark
    line = mark.line + 1 if mark else 1
    head = _first_lines(text, line)
    if len(head) <= _REREAD_CHARS:
        try:
            _build(head, file, yaml.SafeLoader)
        except ScenarioError as found:  # too-deep, or a problem before the nesting: the first in the file
            return found
        except (yaml.YAMLError, UnicodeEncodeError):
            pass
    line, col = _mark(mark) if mark else (1, 1)
    return _depth_error(file, line, col)


def _first_lines(text: str, lines: int) -> str:
    """The first `lines` lines of `text` (at least: libyaml also counts lone CRs as breaks)."""
    end = -1
    for _ in range(lines):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _depth_error(file: str, line: int, col: int) -> ScenarioError:
    return ScenarioError(
        file,
        line,
        col,
        f"nested more than {MAX_DEPTH} levels deep",
        hint="a scenario never needs this much nesting",
        code="too-deep",
    )


def _syntax_error(file: str, e: yaml.MarkedYAMLError) -> ScenarioError:
    mark = e.problem_mark or e.context_mark
    line, col = _mark(mark) if mark else (1, 1)
    problem = e.problem or "cannot be read as YAML"
    msg = f"YAML syntax: {problem}"
    if e.context:
        msg += f" ({e.context})"
    return ScenarioError(file, line, col, msg, hint=_syntax_hint(problem), code="yaml-syntax")


def _reader_error(text: str, file: str, e: yaml.reader.ReaderError, in_bytes: bool) -> ScenarioError:
    """A character YAML does not allow (control characters), at its line and column."""
    pos = e.position
    if in_bytes:  # libyaml counts UTF-8 bytes; the pure-Python reader counts characters
        pos = len(text.encode("utf-8", "surrogatepass")[:pos].decode("utf-8", "ignore"))
    line, col = _line_col(text, pos)
    ch = e.character if isinstance(e.character, int) else ord(e.character)
    if unicodedata.category(chr(ch)) == "Cc":
        shown = f"a control character (U+{ch:04X})"
    else:
        name = unicodedata.name(chr(ch), "")
        shown = f"the character U+{ch:04X}" + (f" ({name})" if name else "")
    return ScenarioError(
        file,
        line,
        col,
        f"{shown} is not allowed in a YAML file",
        hint="delete it: it is invisible in most editors, so retype the text around it",
        code="yaml-syntax",
    )


def _line_col(text: str, pos: int) -> tuple[int, int]:
    before = text[:pos]
    return before.count("\n") + 1, pos - (before.rfind("\n") + 1) + 1


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


def _build(text: str | bytes, file: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> tuple[Node, bool]:
    # The collection being filled is kept in locals (its append methods, and for a mapping the key
    # waiting for its value); `stack` holds the enclosing ones. A collection's size is the count of
    # values when it ends minus the count when it began, so no node adds itself to its parent.
    stack: list[tuple[Any, ...]] = []  # (collection, anchor, count at its start, the parent's locals)
    anchors: dict[str, Node] = {}
    open_anchors: set[str] = set()
    root: Node | None = None
    coll: Any = None  # the collection being filled, None at the top
    add_key: Any = None  # its keys_.append (a mapping) or None (a sequence)
    add: Any = None  # its values.append or items.append
    pending: Node | None = None  # a mapping's key that waits for its value (a scalar)
    written = 0  # values written in the file so far
    expanded = 0  # values in the tree so far, each alias counted as the values it stands for
    docs = 0
    Sca, MapS, SeqS, MapE, SeqE, Ali = (
        ev.ScalarEvent,
        ev.MappingStartEvent,
        ev.SequenceStartEvent,
        ev.MappingEndEvent,
        ev.SequenceEndEvent,
        ev.AliasEvent,
    )
    resolvers = _resolvers.get
    # Shared objects where a large file would make one per value: the line numbers (one int each
    # above 256; libyaml also breaks lines at a lone CR, NEL and the Unicode separators, so counting
    # all of them over-counts, which is harmless), and short texts, which repeat (keys, ids), with
    # the tag each resolves to when written plain.
    breaks = ("\n", "\r", "\x85", "\u2028", "\u2029")
    if isinstance(text, bytes):
        line_no = list(range(1, sum(text.count(b.encode()) for b in breaks) + 2))
    else:
        line_no = list(range(1, sum(text.count(b) for b in breaks) + 2))
    lines = len(line_no)
    shared: dict[str, str] = {}
    share = shared.setdefault
    plain_tags: dict[str, str] = {}
    known_tag = plain_tags.get
    parser = loader(text)
    try:
        # what yaml.parse does, without its generator between each event and this loop
        get_event = parser.get_event
        while True:
            event: Any = get_event()  # narrowed by its class below, which mypy cannot follow
            if event is None:
                break
            cls = event.__class__
            node: Node
            if cls is Sca:
                mark = event.start_mark
                line = mark.line
                line = line_no[line] if line < lines else line + 1
                col = mark.column + 1
                value = event.value
                short = len(value) <= 24
                if short:
                    value = share(value, value)
                if event.implicit[0]:  # a plain scalar's core tag, as PyYAML's SafeLoader resolves it
                    tag = known_tag(value) if short else None
                    if tag is None:
                        tag = STR
                        for t, regexp in resolvers(value[:1], ()):
                            if regexp.match(value):
                                tag = t
                                break
                        if short:
                            plain_tags[value] = tag
                else:
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = STR
                    elif tag not in _CORE_TAGS:
                        raise _tag_error(file, line, col, tag)
                try:
                    node = Scalar(line, col, value, tag, event.style or None)
                except _BadNumber as e:
                    raise _number_error(
                        file, line, col, event.value, tag, str(e), explicit=not event.implicit[0]
                    ) from None
                if event.anchor:
                    anchors[event.anchor] = node
                written += 1
                expanded += 1
                if expanded > MAX_NODES:
                    raise _too_many(file, node, written < expanded)
            elif cls is MapS or cls is SeqS:
                mark = event.start_mark
                line = mark.line
                line = line_no[line] if line < lines else line + 1
                col = mark.column + 1
                if event.tag and event.tag not in _CORE_TAGS:
                    raise _tag_error(file, line, col, event.tag)
                if len(stack) >= MAX_DEPTH:
                    raise _depth_error(file, line, col)
                new: Any = Mapping(line, col, bool(event.flow_style)) if cls is MapS else Sequence(line, col)
                if add_key is not None and pending is None:  # a collection where a key belongs
                    raise _bad_key(file, new)
                written += 1
                expanded += 1
                if expanded > MAX_NODES:
                    raise _too_many(file, new, written < expanded)
                if event.anchor:
                    open_anchors.add(event.anchor)
                stack.append((new, event.anchor, expanded - 1, coll, add_key, add, pending))
                coll, pending = new, None
                if cls is MapS:
                    add_key, add = new.keys_.append, new.values.append
                else:
                    add_key, add = None, new.items.append
                continue
            elif cls is MapE or cls is SeqE:
                done, anchor, began, coll, add_key, add, pending = stack.pop()
                done.size = expanded - began
                node = done
                if anchor:
                    open_anchors.discard(anchor)
                    anchors[anchor] = node
            elif cls is Ali:
                line, col = _mark(event.start_mark)
                name = event.anchor or ""
                if name in open_anchors:
                    raise ScenarioError(
                        file,
                        line,
                        col,
                        f"alias *{name} refers to a node that contains it",
                        hint="remove the alias; a scenario cannot contain itself",
                        code="alias",
                    )
                if name not in anchors:
                    raise ScenarioError(
                        file,
                        line,
                        col,
                        f"alias *{name} has no anchor &{name} before it",
                        hint="define the anchor first, or write the value out",
                        code="alias",
                    )
                node = anchors[name]
                if add_key is not None and pending is None and node.__class__ is not Scalar:
                    raise _bad_key(file, node)
                # format: Limits. The whole document counts, not one node: aliases spread over many
                # parents (a list of scenes each reusing one big list of choices) add up here.
                expanded += node.size
                if expanded > written + ALIAS_ALLOWANCE or expanded > MAX_NODES:
                    raise ScenarioError(
                        file,
                        line,
                        col,
                        f"aliases expand this file far beyond its size: more than {ALIAS_ALLOWANCE:,} values "
                        "added by aliases (an alias bomb?)",
                        hint="write the repeated parts out, or reuse fewer aliases",
                        code="alias",
                    )
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
            if coll is None:
                root = node
            elif add_key is None:
                add(node)
            elif pending is None:
                pending = node  # a scalar: a collection here was refused when it began
            else:
                add_key(pending)
                add(node)
                pending = None
    finally:
        parser.dispose()
    if root is None or (isinstance(root, Scalar) and root.value is None):
        raise ScenarioError(
            file,
            1,
            1,
            "the file is empty",
            hint="a scenario starts with 'format: rehearse/1'; see docs/format.md (Limits) and the examples in scenarios/",
            code="empty",
        )
    return root, bool(anchors)


def _bad_key(file: str, node: Node) -> ScenarioError:
    return ScenarioError(file, node.line, node.col, "a key must be a plain word, not a list or mapping", code="bad-key")


def _too_many(file: str, node: Node, aliased: bool) -> ScenarioError:
    return ScenarioError(
        file,
        node.line,
        node.col,
        f"the file holds more than {MAX_NODES:,} values (text, numbers, lists and mappings)"
        + (", counting what its aliases stand for" if aliased else ""),
        hint="split the scenario into smaller files",
        code="file-too-large",
    )


def _number_error(file: str, line: int, col: int, text: str, tag: str, problem: str, explicit: bool) -> ScenarioError:
    if explicit:
        shown = "!!int" if tag == INT else "!!float"
        hint = (
            f"remove the {shown} tag, or write {'a whole number such as 3' if tag == INT else 'a number such as 0.5'}"
        )
    else:
        hint = f'if it is text, put it in quotes: "{shorten(text)}"'
    return ScenarioError(file, line, col, problem, hint=hint, code="bad-number")


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
    if len({k.text for k in node.keys_}) == len(node.keys_):
        return  # the usual case, found without a loop in Python
    seen: set[str] = set()
    for k in node.keys_:
        if k.text in seen:
            yield k
        seen.add(k.text)


def token_end(lines: list[str], line: int, col: int) -> tuple[int, int]:
    """Where the YAML token that starts at 1-based (line, col) ends: the (line, col) just after it.

    Diagnostics point at a key or value; editors and annotations want the whole of it underlined.
    Computed from the text when a diagnostic is shown (so the tree keeps no end positions): a quoted
    scalar runs to its closing quote, a flow collection to its closing bracket, and a plain scalar to
    `: `, ` #`, a flow separator or the end of the line. Past the text, the start is returned."""
    if not 1 <= line <= len(lines) or not 1 <= col <= len(lines[line - 1]):
        return line, col
    text = lines[line - 1]
    i = col - 1
    first = text[i]
    if first in "\"'":
        j, row = i + 1, line - 1
        while row < len(lines) and row < line + 200:
            t = lines[row]
            while j < len(t):
                c = t[j]
                if first == '"' and c == "\\":
                    j += 2
                    continue
                if c == first:
                    if first == "'" and j + 1 < len(t) and t[j + 1] == "'":
                        j += 2
                        continue
                    return row + 1, j + 2
                j += 1
            row, j = row + 1, 0
        return line, len(text) + 1
    if first in "[{":
        depth, quote, row, j = 0, "", line - 1, i
        while row < len(lines) and row < line + 200:
            t = lines[row]
            while j < len(t):
                c = t[j]
                if quote:
                    if c == quote:
                        quote = ""
                elif c in "\"'":
                    quote = c
                elif c in "[{":
                    depth += 1
                elif c in "]}":
                    depth -= 1
                    if depth == 0:
                        return row + 1, j + 2
                j += 1
            row, j = row + 1, 0
        return line, len(text) + 1
    before = text[:i]
    in_flow = before.count("[") + before.count("{") > before.count("]") + before.count("}")
    j = i
    while j < len(text):
        c = text[j]
        if c == ":" and (j + 1 == len(text) or text[j + 1] in " \t" or (in_flow and text[j + 1] in ",]}")):
            break
        if c == "#" and j > i and text[j - 1] in " \t":
            break
        if in_flow and c in ",]}":
            break
        j += 1
    while j > i and text[j - 1] in " \t":
        j -= 1
    return line, max(j, i + 1) + 1
