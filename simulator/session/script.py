"""Script files: a YAML list of turns that drives a run with no person.

format: Command-line contract, `--script`: each turn is `{choose: ID}` with optional
`notice: [cue ids]` and `reflect: text`, or the word `wait` (the timeout fires). `ID` is the
choice's id; an integer means the id it has by position. (Extension: `{wait: true}` may carry
`notice` and `reflect` too.) Scripts are untrusted input, read like scenario files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.core import yamlnodes as yn
from simulator.core.errors import ScenarioError, did_you_mean


@dataclass(frozen=True, slots=True)
class ScriptTurn:
    kind: str  # "choose" or "wait"
    choice: str | int | None
    noticed: tuple[str, ...]
    reflection: str | None
    line: int
    col: int


def read_script(path: str) -> list[ScriptTurn]:
    """The turns of a script file; ScenarioError (with every problem found) if it is malformed."""
    try:
        data = Path(path).read_bytes() if Path(path).stat().st_size <= yn.MAX_FILE_BYTES else None
    except FileNotFoundError:
        raise ScenarioError(path, 1, 1, "no such script file", code="not-found") from None
    except OSError as e:
        raise ScenarioError(path, 1, 1, f"cannot read the script: {e.strerror or e}", code="unreadable") from None
    if data is None:
        raise ScenarioError(path, 1, 1, "the script file is too large", code="file-too-large")
    return parse_script(yn.decode(data, path), path)


def parse_script(text: str, file: str = "<script>") -> list[ScriptTurn]:
    return script_turns(yn.parse(text, file), file)


def script_turns(root: yn.Node, file: str) -> list[ScriptTurn]:
    """The turns of a script given as a parsed YAML node (a script file, or `turns:` in a test file)."""
    problems: list[ScenarioError] = []

    def bad(node: yn.Node, msg: str, hint: str | None = None) -> None:
        problems.append(ScenarioError(file, node.line, node.col, msg, hint, code="bad-script"))

    if not isinstance(root, yn.Sequence):
        raise ScenarioError(
            file,
            root.line,
            root.col,
            "a script is a list of turns",
            hint="write one '- choose: ID' or '- wait' line per turn",
            code="bad-script",
        )
    turns: list[ScriptTurn] = []
    for i, item in enumerate(root.items, 1):
        if isinstance(item, yn.Scalar):
            if item.value == "wait":
                turns.append(ScriptTurn("wait", None, (), None, item.line, item.col))
            else:
                bad(
                    item,
                    f"turn {i} should be '{{choose: ID}}' or 'wait', found '{item.text}'",
                    hint=f"write '- choose: {item.text}'",
                )
            continue
        if not isinstance(item, yn.Mapping):
            bad(item, f"turn {i} should be '{{choose: ID}}' or 'wait'")
            continue
        keys = {k.text: v for k, v in item.pairs}
        for k, _ in item.pairs:
            if k.text not in ("choose", "wait", "notice", "reflect"):
                bad(
                    k,
                    f"unknown key '{k.text}' in turn {i}",
                    hint=did_you_mean(k.text, ("choose", "wait", "notice", "reflect")),
                )
        if ("choose" in keys) == ("wait" in keys):
            bad(item, f"turn {i} needs exactly one of 'choose' or 'wait'")
            continue
        choice: str | int | None = None
        if "choose" in keys:
            node = keys["choose"]
            if not isinstance(node, yn.Scalar) or node.value is None or isinstance(node.value, (bool, float)):
                bad(node, f"turn {i}: choose needs a choice id or a position number")
                continue
            choice = node.value if isinstance(node.value, int) else node.text
        noticed: tuple[str, ...] = ()
        if "notice" in keys:
            n = keys["notice"]
            items = (
                [x for x in n.items if isinstance(x, yn.Scalar) and x.value is not None]
                if isinstance(n, yn.Sequence)
                else []
            )
            if isinstance(n, yn.Sequence) and len(items) == len(n.items):
                noticed = tuple(x.text for x in items)
            elif isinstance(n, yn.Scalar) and n.value is not None:
                noticed = (n.text,)
            else:
                bad(n, f"turn {i}: notice should be a list of cue ids, e.g. notice: [jaw]")
        reflection = None
        if "reflect" in keys:
            r = keys["reflect"]
            reflection = r.text if isinstance(r, yn.Scalar) and r.value is not None else None
        turns.append(
            ScriptTurn("wait" if "wait" in keys else "choose", choice, noticed, reflection, item.line, item.col)
        )
    if problems:
        problems[0].diagnostics = tuple(problems)
        raise problems[0]
    return turns
