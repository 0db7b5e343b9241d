"""Diagnostics: what is wrong in a scenario file, where, and how to fix it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from simulator.core.codes import severity_of

# Line breaks and other control characters, as a key or value from the file may hold them
# (`"a\nb": 1`): printed raw, they would start a new line of output that looks like a diagnostic.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def one_line(text: str) -> str:
    """`text` with its line breaks and control characters written as escapes (\\n, \\x1b)."""
    return _UNSAFE.sub(_escape_char, text)


def _gh(text: str, prop: bool = False) -> str:
    """Escaped as GitHub's workflow commands require: the data, and property values too."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


class ScenarioError(Exception):
    """One problem in a scenario file, script or test file, at a 1-based line and column.

    `code` names a rule of simulator.core.codes, which gives the severity. `subjects` names what the
    problem is about (`{"scene": "lab", "choice": "walk"}`), so tools never parse messages; `end` is
    where the offending text ends, when known. The loader raises it (carrying every problem it found
    in `diagnostics`); `check` collects them. It is the one error type for authored input.
    """

    def __init__(
        self,
        file: str,
        line: int,
        col: int,
        message: str,
        hint: str | None = None,
        code: str = "",
        severity: str | None = None,
        *,
        subjects: Mapping[str, str] | None = None,
        end: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message)
        registered = severity_of(code)
        if severity is not None and severity != registered:
            raise ValueError(f"diagnostic code {code!r} is registered as {registered}, not {severity}")
        self.file = file
        self.line = line
        self.col = col
        self.message = message
        self.hint = hint
        self.code = code
        self.severity = registered
        self.subjects: dict[str, str] = dict(subjects or {})
        self.end = end
        self.diagnostics: tuple[ScenarioError, ...] = (self,)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.severity != "error", self.code, self.message)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "end_line": self.end[0] if self.end else self.line,
            "end_col": self.end[1] if self.end else self.col,
            "subjects": dict(self.subjects),
        }

    def render(self) -> str:
        """`FILE:LINE:COL: severity: message [code]`, and the hint on a second line; each exactly one
        line. The code in brackets is the name `# rehearse: ignore[code]` takes (as compilers print
        `[-Wunused]`), so the line keeps the format's `FILE:LINE:COL: error|warning: MESSAGE` shape."""
        head = f"{one_line(self.file)}:{self.line}:{self.col}: {self.severity}: {one_line(self.message)} [{self.code}]"
        return head + (f"\n  hint: {one_line(self.hint)}" if self.hint else "")

    def as_github(self) -> str:
        """A GitHub Actions workflow command (`::warning file=...::message`): an annotation on the
        line in a pull request's diff."""
        end_line, end_col = self.end or (self.line, self.col)
        props = (
            f"file={_gh(self.file, True)},line={self.line},col={self.col},endLine={end_line},"
            f"endColumn={end_col},title={_gh(self.code, True)}"
        )
        body = self.message + (f"\n  hint: {self.hint}" if self.hint else "")
        return f"::{self.severity} {props}::{_gh(body)}"

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"ScenarioError({self.render()!r}, code={self.code!r})"


def suggest(word: str, options: Iterable[str]) -> str | None:
    """The closest option to a misspelt `word`, or None when nothing is close enough.

    A wrong hint is worse than none: only names that differ in about a third of their letters."""
    found = difflib.get_close_matches(word, sorted(set(options)), n=1, cutoff=0.7)
    return found[0] if found else None


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    best = suggest(word, options)
    return f"did you mean '{best}'?" if best else None
