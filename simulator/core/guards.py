"""Guards: parse the one-expression conditions of `if:` against a whitelist, and evaluate them.

format: Guards. Names are the mood dimensions, the flags and `turns`; allowed are numbers,
`true`, `false`, `and`, `or`, `not`, parentheses, `+ - *`, comparisons, and two functions:
`visited("scene-id")` and `chose("scene-id", "choice-id")`. Nothing is ever passed to `eval`:
the text is parsed by `ast` into a tree that only this module's interpreter walks.

Pure."""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_GUARD_CHARS = 500
# format: Limits. Numbers in a guard: far past any mood (0 to 1), count of turns or flag value,
# so that a number past it is a typo; a long one would otherwise crash the arithmetic.
MAX_GUARD_NUMBER = 1_000_000_000
RESERVED = ("true", "false", "and", "or", "not", "turns", "visited", "chose")

_CMP = {
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
}
_BIN = {ast.Add: ("+", operator.add), ast.Sub: ("-", operator.sub), ast.Mult: ("*", operator.mul)}


class GuardSyntaxError(Exception):
    """A guard that is not allowed; `offset` is 0-based within the guard text."""

    def __init__(self, message: str, offset: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Guard:
    """A parsed guard: its text, its tree, and what it refers to (with 0-based offsets)."""

    source: str
    tree: tuple
    names: tuple[tuple[str, int], ...]
    visits: tuple[tuple[str, int], ...]
    choices: tuple[tuple[str, str, int], ...]

    def __str__(self) -> str:
        return self.source


# Parsed guards by text: a large file repeats a few guards thousands of times, and each parse
# compiles the text with `ast`. A Guard is frozen and depends on its text alone, so one object
# can serve every copy (errors are not kept: each raises afresh, at its own place).
_PARSED: dict[str, Guard] = {}
_PARSED_MAX = 4_096


def parse_guard(source: str) -> Guard:
    """Parse guard text, or raise GuardSyntaxError saying what is not allowed and where."""
    guard = _PARSED.get(source)
    if guard is None:
        guard = _parse(source)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[source] = guard
    return guard


def _parse(source: str) -> Guard:
    if len(source) > MAX_GUARD_CHARS:
        raise GuardSyntaxError(
            f"a guard may be at most {MAX_GUARD_CHARS} characters", 0, hint="split the condition across scenes or flags"
        )
    text = source.replace("\n", " ")
    if not text.strip():
        raise GuardSyntaxError("the guard is empty", 0, hint="write a condition such as stress > 0.6")
    stripped = text.strip()
    try:
        # Python warns about some dubious text (`"\d"`, `1if x`) on stderr; a guard is either
        # readable or an error, so the warning becomes the error, and nothing reaches the terminal.
        with warnings.catch_warnings():
            warnings.simplefilter("error", SyntaxWarning)
            warnings.simplefilter("error", DeprecationWarning)
            expr = ast.parse(stripped, mode="eval").body
    except SyntaxError as e:
        # SyntaxError counts characters already (ast nodes count UTF-8 bytes: see `chars`)
        off = max(0, (e.offset or 1) - 1) + (len(text) - len(text.lstrip()))
        raise GuardSyntaxError(
            _syntax_message(text, e),
            min(off, max(0, len(text) - 1)),
            hint="guards use and, or, not, comparisons like stress > 0.6, "
            'visited("scene") and chose("scene", "choice")',
        ) from None
    shift = len(text) - len(text.lstrip())
    encoded = stripped.encode("utf-8", "surrogatepass")

    def chars(n: ast.AST) -> int:
        """The 0-based character offset of a node in `text`; ast's col_offset counts UTF-8 bytes."""
        col = getattr(n, "col_offset", 0)
        if stripped.isascii():
            return col + shift
        return len(encoded[:col].decode("utf-8", "ignore")) + shift

    names: list[tuple[str, int]] = []
    visits: list[tuple[str, int]] = []
    chooses: list[tuple[str, str, int]] = []

    def conv(n: ast.AST) -> tuple:
        off = chars(n)
        if isinstance(n, ast.BoolOp):
            return ("and" if isinstance(n.op, ast.And) else "or", tuple(conv(v) for v in n.values))
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.Not):
                return ("not", conv(n.operand))
            if isinstance(n.op, ast.USub):
                return ("neg", conv(n.operand))
            if isinstance(n.op, ast.UAdd):
                return conv(n.operand)
            raise GuardSyntaxError("'~' is not allowed in a guard", off, hint="use not")
        if isinstance(n, ast.BinOp):
            if type(n.op) not in _BIN:
                sym = {
                    ast.Div: "/",
                    ast.FloorDiv: "//",
                    ast.Mod: "%",
                    ast.Pow: "**",
                    ast.LShift: "<<",
                    ast.RShift: ">>",
                    ast.BitAnd: "&",
                    ast.BitOr: "|",
                    ast.BitXor: "^",
                    ast.MatMult: "@",
                }.get(type(n.op), "this operator")
                raise GuardSyntaxError(
                    f"'{sym}' is not allowed in a guard", off, hint="guards may use + - * and comparisons"
                )
            return ("bin", type(n.op), conv(n.left), conv(n.right))
        if isinstance(n, ast.Compare):
            ops = []
            for op in n.ops:
                if type(op) not in _CMP:
                    word = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}.get(type(op), "?")
                    raise GuardSyntaxError(
                        f"'{word}' is not allowed in a guard", off, hint="compare with < <= > >= == !="
                    )
                ops.append(type(op))
            return ("cmp", tuple(ops), (conv(n.left), *(conv(c) for c in n.comparators)))
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool) or not isinstance(n.value, (int, float)):
                if isinstance(n.value, str):
                    raise GuardSyntaxError(
                        "text is allowed only inside visited(...) and chose(...)",
                        off,
                        hint="compare flags and moods with numbers or true/false",
                    )
                raise GuardSyntaxError(f"{n.value!r} is not allowed in a guard", off)
            # abs() first: math.isfinite() cannot take a whole number too large for a float
            if abs(n.value) > MAX_GUARD_NUMBER or not math.isfinite(n.value):
                written = ast.get_source_segment(stripped, n) or repr(n.value)
                shown = written if len(written) <= 40 else written[:39] + "\u2026"
                raise GuardSyntaxError(
                    f"the number {shown} is too large for a guard",
                    off,
                    hint=f"numbers in a guard are between -{MAX_GUARD_NUMBER:,} and {MAX_GUARD_NUMBER:,}",
                )
            return ("num", n.value)
        if isinstance(n, ast.Name):
            if n.id == "true":
                return ("num", True)
            if n.id == "false":
                return ("num", False)
            if n.id in ("True", "False", "None", "null"):
                raise GuardSyntaxError(
                    f"'{n.id}' is not a guard word", off, hint=f"write {n.id.lower() if n.id != 'None' else 'false'}"
                )
            names.append((n.id, off))
            return ("name", n.id)
        if isinstance(n, ast.Call):
            return conv_call(n, off)
        if isinstance(n, ast.Attribute):
            raise GuardSyntaxError("attribute access (a.b) is not allowed in a guard", off)
        if isinstance(n, ast.IfExp):
            raise GuardSyntaxError(
                "'if ... else' is not allowed inside a guard", off, hint="use and / or, or a `next` list"
            )
        raise GuardSyntaxError(
            "this is not allowed in a guard",
            off,
            hint="guards use names, numbers, and, or, not, comparisons, + - *, visited() and chose()",
        )

    def conv_call(n: ast.Call, off: int) -> tuple:
        fname = n.func.id if isinstance(n.func, ast.Name) else None
        if fname not in ("visited", "chose"):
            shown = fname or "this"
            raise GuardSyntaxError(f"'{shown}' cannot be called in a guard; only visited() and chose() can", off)
        want = 1 if fname == "visited" else 2
        if n.keywords or len(n.args) != want:
            example = 'visited("scene-id")' if want == 1 else 'chose("scene-id", "choice-id")'
            raise GuardSyntaxError(
                f"{fname}() takes {want} quoted id{'s' if want > 1 else ''}", off, hint=f"write {example}"
            )
        args = []
        for a in n.args:
            if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
                raise GuardSyntaxError(
                    f"{fname}() takes quoted ids",
                    chars(a),
                    hint='put the id in quotes, e.g. visited("plan")',
                )
            args.append((a.value, chars(a)))
        if fname == "visited":
            visits.append(args[0])
            return ("visited", args[0][0])
        chooses.append((args[0][0], args[1][0], args[0][1]))
        return ("chose", args[0][0], args[1][0])

    tree = conv(expr)
    return Guard(source, tree, tuple(names), tuple(visits), tuple(chooses))


def _syntax_message(text: str, e: SyntaxError) -> str:
    msg = (e.msg or "invalid syntax").replace("invalid syntax", "this cannot be read as a condition")
    if "=" in text and "==" not in text and not any(op in text for op in ("<=", ">=", "!=")):
        return "a single '=' assigns; compare with '=='"
    if "&&" in text or "||" in text or "!" in text.replace("!=", ""):
        return "use and / or / not, not && / || / !"
    return f"guard: {msg}"


# --- evaluation --------------------------------------------------------------------------------

Resolver = Callable[[tuple], Callable[[object], object]]
# A guard's value in a state: a number or true/false, as the engine's leaves return them (Any, so
# that the operators apply; parse_guard allows nothing else).
_Value = Callable[[object], Any]


def _as_float(x: Any) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _arith(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """`op`, where a whole number too large for a float meets a float: the result is infinite."""

    def apply(a: Any, b: Any) -> Any:
        try:
            return op(a, b)
        except OverflowError:  # `1000000000 * ... * 1000000000 * stress`
            return op(_as_float(a), _as_float(b))

    return apply


def compile_guard(guard: Guard, leaf: Resolver) -> Callable[[object], bool]:
    """A function of a run state that tells whether `guard` holds.

    `leaf` turns ("name", n), ("visited", s) and ("chose", s, c) into functions of the state;
    the engine supplies it, because only it knows how state is laid out."""

    def build(t: tuple) -> _Value:
        k = t[0]
        if k == "num":
            v = t[1]
            return lambda s: v
        if k in ("name", "visited", "chose"):
            return leaf(t)
        if k == "not":
            f = build(t[1])
            return lambda s: not f(s)
        if k == "neg":
            f = build(t[1])
            return lambda s: -f(s)
        if k == "and":
            fs = tuple(build(x) for x in t[1])
            return lambda s: all(f(s) for f in fs)
        if k == "or":
            fs = tuple(build(x) for x in t[1])
            return lambda s: any(f(s) for f in fs)
        if k == "bin":
            op = _arith(_BIN[t[1]][1])
            a, b = build(t[2]), build(t[3])
            return lambda s: op(a(s), b(s))
        if k == "cmp":
            ops = tuple(_CMP[o][1] for o in t[1])
            fs = tuple(build(x) for x in t[2])
            if len(ops) == 1:
                op, a, b = ops[0], fs[0], fs[1]
                return lambda s: op(a(s), b(s))

            def chain(s: object) -> bool:
                left = fs[0](s)
                for op, f in zip(ops, fs[1:]):
                    right = f(s)
                    if not op(left, right):
                        return False
                    left = right
                return True

            return chain
        raise ValueError(f"unknown guard node {k}")  # pragma: no cover - parse_guard makes none

    f = build(guard.tree)
    return lambda s: bool(f(s))
