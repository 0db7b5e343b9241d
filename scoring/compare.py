"""Compare two runs of one scenario from their logs: where they diverged and what it changed.

For a run and its rewind, or a teacher's run against the best path. Logs are read as plain data
(rehearse-log/1); a log that is not one gets a clear error.

May import: scoring.rubric, the standard library."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from scoring import rubric

MAX_LOG_BYTES = 50 * 1024 * 1024


class LogError(Exception):
    """A file that is not a readable rehearse-log/1 run log."""


@dataclass(frozen=True)
class Comparison:
    scenario: str
    same_file: bool  # both logs come from the same scenario file (sha256)
    shared_turns: int  # turns both runs took alike before they diverged
    diverged_at: dict | None  # {"scene", "a", "b"}: the choices taken where they parted (None: never)
    dimensions: dict[str, dict]  # name -> {"a", "b", "change"} (raw, and percent when both have it)
    endings: tuple[str | None, str | None]
    outcomes: tuple[str | None, str | None]


def read_log(path: str) -> dict:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_LOG_BYTES:
            raise LogError(f"{path}: too large to be a run log")
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LogError(f"{path}: cannot read it ({e})") from None
    except json.JSONDecodeError as e:
        raise LogError(f"{path}:{e.lineno}:{e.colno}: not a JSON run log ({e.msg})") from None
    if not isinstance(data, dict) or data.get("format") != "rehearse-log/1":
        raise LogError(f'{path}: not a run log (expected "format": "rehearse-log/1")')
    turns = data.get("turns")
    if not isinstance(turns, list) or not all(isinstance(t, dict) and "scene" in t for t in turns):
        raise LogError(f"{path}: the run log's turns are missing or damaged")
    if not isinstance(data.get("scenario"), dict) or not isinstance(data.get("score"), dict):
        raise LogError(f"{path}: the run log's scenario or score is missing")
    return data


def compare_logs(a: dict, b: dict) -> Comparison:
    """Where runs `a` and `b` parted, the choices taken there, and each dimension's difference."""
    if a["scenario"].get("id") != b["scenario"].get("id"):
        raise LogError(
            f"the logs are runs of different scenarios ({a['scenario'].get('id')} and {b['scenario'].get('id')})"
        )
    shared = 0
    diverged = None
    for ta, tb in zip(a["turns"], b["turns"]):
        if (ta["scene"], ta.get("choice")) != (tb["scene"], tb.get("choice")):
            diverged = {
                "scene": ta["scene"] if ta["scene"] == tb["scene"] else f"{ta['scene']} / {tb['scene']}",
                "a": ta.get("choice"),
                "b": tb.get("choice"),
            }
            break
        shared += 1
    else:
        if len(a["turns"]) != len(b["turns"]):
            longer = a if len(a["turns"]) > len(b["turns"]) else b
            t = longer["turns"][shared]
            diverged = {
                "scene": t["scene"],
                "a": t.get("choice") if longer is a else None,
                "b": t.get("choice") if longer is b else None,
            }
    da = a["score"].get("dimensions", {})
    db = b["score"].get("dimensions", {})
    dims = {}
    for name in list(da) + [n for n in db if n not in da]:
        x, y = da.get(name, {}), db.get(name, {})
        row = {
            "a": x.get("raw"),
            "b": y.get("raw"),
            "change": (y["raw"] - x["raw"]) if "raw" in x and "raw" in y else None,
        }
        if "percent" in x and "percent" in y:
            row.update(
                a_percent=x["percent"], b_percent=y["percent"], percent_change=round(y["percent"] - x["percent"], 1)
            )
        dims[name] = row
    return Comparison(
        a["scenario"]["id"],
        a["scenario"].get("sha256") == b["scenario"].get("sha256"),
        shared,
        diverged,
        dims,
        (a.get("ending"), b.get("ending")),
        (a.get("outcome"), b.get("outcome")),
    )


def render(c: Comparison, names: tuple[str, str]) -> str:
    lines = [f"Two runs of {c.scenario}: A = {names[0]}, B = {names[1]}"]
    if not c.same_file:
        lines.append("Note: the scenario file changed between the two runs.")
    if c.diverged_at is None:
        lines.append("The runs took the same choices all the way.")
    else:
        d = c.diverged_at
        when = (
            "at the first turn"
            if c.shared_turns == 0
            else f"after {c.shared_turns} turn{'s' if c.shared_turns != 1 else ''} taken alike"
        )
        lines.append(f"They parted {when}, in scene '{d['scene']}':")
        lines.append(f"  A: {d['a'] if d['a'] is not None else '(waited)'}")
        lines.append(f"  B: {d['b'] if d['b'] is not None else '(waited)'}")
    lines.append("")
    lines.append(f"{'Dimension':28}{'A':>6}{'B':>6}{'B - A':>8}")
    for name, r in c.dimensions.items():
        fmt = lambda v: "-" if v is None else f"{v:+d}"  # noqa: E731
        pct = f"   ({r['a_percent']:.0f}% -> {r['b_percent']:.0f}%)" if "a_percent" in r else ""
        lines.append(f"{rubric.title(name):28}{fmt(r['a']):>6}{fmt(r['b']):>6}{fmt(r['change']):>8}{pct}")
    ea, eb = c.endings
    oa, ob = c.outcomes
    lines.append("")
    lines.append(
        f"Ending: A {ea or 'unfinished'}{f' ({oa})' if oa else ''}, B {eb or 'unfinished'}{f' ({ob})' if ob else ''}"
        + (" (the same)" if ea == eb else "")
    )
    return "\n".join(lines) + "\n"
