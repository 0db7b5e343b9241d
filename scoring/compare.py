"""Compare two runs of one scenario from their logs: where they diverged and what it changed.

For a run and its rewind, or a teacher's run against the best path. Logs are untrusted input: a
file someone hands to `compare`, `graph --log` or `report --logs`, or a row of the records. They
are read into checked data in one place (`check_log` for parsed JSON; simulator.records.logs reads
the file), and a log that is not a rehearse-log/1 run log gets a clear error naming where and what is wrong."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from scoring import rubric

MAX_LOG_BYTES = 50 * 1024 * 1024
LOG_FORMAT = "rehearse-log/1"
# A score is a sum of small per-choice points; anything beyond this is not a score but damage, and
# would make the tables and the text unreadable (a 4,000-digit "raw").
MAX_SCORE = 10**9
MAX_ELAPSED_MS = 10**12  # about 30 years


class LogError(Exception):
    """A file that is not a readable rehearse-log/1 run log."""


def parse_log_text(raw: bytes | str, source: str) -> object:
    """JSON from a log's bytes or text; LogError for anything that is not UTF-8 JSON."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise LogError(f"{source}: not a run log (byte {e.start + 1} is not UTF-8 text)") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise LogError(f"{source}:{e.lineno}:{e.colno}: not a JSON run log ({e.msg})") from None
    except RecursionError:
        raise LogError(f"{source}: not a run log (nested too deep to be one)") from None
    except ValueError as e:  # an integer of more digits than Python converts (4,300)
        raise LogError(f"{source}: not a run log ({e})") from None


def _kind(v: object) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


class _Checker:
    """Checks one log's values, naming each by its place (`turns[2].choice`) when it is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, expected: str, found: object) -> LogError:
        shown = f" ({found:.40}...)" if isinstance(found, str) and len(found) > 40 else ""
        return LogError(f"{self.source}: damaged run log: {where} should be {expected}, found {_kind(found)}{shown}")

    def obj(self, v: object, where: str) -> dict[str, Any]:
        if not isinstance(v, dict):
            raise self.fail(where, "an object", v)
        return v

    def text(self, v: object, where: str, *, null: bool = False) -> str | None:
        if v is None and null:
            return None
        if not isinstance(v, str):
            raise self.fail(where, "text or null" if null else "text", v)
        return v

    def texts(self, v: object, where: str) -> list[str]:
        if not isinstance(v, list):
            raise self.fail(where, "a list of text", v)
        for i, x in enumerate(v):
            self.text(x, f"{where}[{i}]")
        return list(v)

    def flag(self, v: object, where: str) -> bool:
        if not isinstance(v, bool):
            raise self.fail(where, "true or false", v)
        return v

    def whole(self, v: object, where: str, lo: int, hi: int) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(where, "a whole number", v)
        if not lo <= v <= hi:
            raise LogError(f"{self.source}: damaged run log: {where} should be from {lo} to {hi}, found {_big(v)}")
        return v

    def number(self, v: object, where: str, lo: float, hi: float, *, null: bool = False) -> float | None:
        if v is None and null:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail(where, "a number or null" if null else "a number", v)
        if not (math.isfinite(v) and lo <= v <= hi):
            raise LogError(f"{self.source}: damaged run log: {where} should be from {lo:g} to {hi:g}, found {_big(v)}")
        return v

    def points(self, v: object, where: str) -> dict[str, int]:
        """A map of dimension -> whole-number points (a turn's score)."""
        return {k: self.whole(x, f"{where}.{k}", -MAX_SCORE, MAX_SCORE) for k, x in self.obj(v, where).items()}

    def mood(self, v: object, where: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for k, x in self.obj(v, where).items():
            n = self.number(x, f"{where}.{k}", -1e6, 1e6)
            assert n is not None
            out[k] = n
        return out


def _big(v: float) -> str:
    s = repr(v)
    return s if len(s) <= 24 else f"a number of {len(s)} digits"


def check_log(data: object, source: str) -> dict[str, Any]:
    """The run log in parsed JSON `data`, with every value the readers use checked and the optional
    ones filled in; LogError naming `source`, the place and what was expected if it is not one.

    This is the one place a log's shape is trusted from: compare, graph --log, report and export
    read only what it returns."""
    c = _Checker(source)
    if not isinstance(data, dict) or data.get("format") != LOG_FORMAT:
        raise LogError(f'{source}: not a run log (expected "format": "{LOG_FORMAT}")')
    sc = c.obj(data.get("scenario"), "scenario")
    scenario_id = c.text(sc.get("id"), "scenario.id")
    if not scenario_id:
        raise LogError(f"{source}: damaged run log: scenario.id is empty")
    out: dict[str, Any] = {
        **data,  # keys the readers do not use (a workshop's voters) pass through unchecked
        "format": LOG_FORMAT,
        "scenario": {"id": scenario_id, "sha256": c.text(sc.get("sha256", ""), "scenario.sha256")},
        # numpy's generator takes any non-negative whole number; 2**128 is far beyond what we draw
        "seed": c.whole(data.get("seed"), "seed", 0, 2**128),
        "mode": c.text(data.get("mode", "coach"), "mode"),
        "timed": c.flag(data.get("timed", False), "timed"),
        "ending": c.text(data.get("ending"), "ending", null=True),
        "outcome": c.text(data.get("outcome"), "outcome", null=True),
        "critical": c.flag(data.get("critical", False), "critical"),
        "share_reflections": data.get("share_reflections") is True,
    }
    turns = data.get("turns")
    if not isinstance(turns, list):
        raise c.fail("turns", "a list of turns", turns)
    out["turns"] = [_check_turn(c, t, f"turns[{i}]") for i, t in enumerate(turns)]
    score = c.obj(data.get("score"), "score")
    dims: dict[str, dict[str, Any]] = {}
    for name, d in c.obj(score.get("dimensions", {}), "score.dimensions").items():
        where = f"score.dimensions.{name}"
        d = c.obj(d, where)
        row: dict[str, Any] = {"raw": c.whole(d.get("raw"), f"{where}.raw", -MAX_SCORE, MAX_SCORE)}
        for k in ("min", "max"):
            if d.get(k) is not None:
                row[k] = c.whole(d[k], f"{where}.{k}", -MAX_SCORE, MAX_SCORE)
        if "percent" in d:
            row["percent"] = c.number(d["percent"], f"{where}.percent", 0, 100, null=True)
        dims[name] = row
    out["score"] = {**score, "dimensions": dims}
    cues = c.obj(data.get("cues", {}), "cues")
    out["cues"] = {
        "missed": c.texts(cues.get("missed", []), "cues.missed"),
        "false_alarms": c.texts(cues.get("false_alarms", []), "cues.false_alarms"),
    }
    return out


def _check_turn(c: _Checker, t: object, where: str) -> dict[str, Any]:
    t = c.obj(t, where)
    turn: dict[str, Any] = {
        **t,
        "scene": c.text(t.get("scene"), f"{where}.scene"),
        "choice": c.text(t.get("choice"), f"{where}.choice", null=True),
        "noticed": c.texts(t.get("noticed") or [], f"{where}.noticed"),
        "reflection": c.text(t.get("reflection"), f"{where}.reflection", null=True),
        "elapsed_ms": c.whole(t.get("elapsed_ms", 0), f"{where}.elapsed_ms", 0, MAX_ELAPSED_MS),
        "score": c.points(t.get("score", {}), f"{where}.score"),
        "to": c.text(t.get("to"), f"{where}.to", null=True),
        "passed": c.texts(t.get("passed", []), f"{where}.passed"),
    }
    for k in ("mood_before", "mood_after"):
        if k in t:
            turn[k] = c.mood(t[k], f"{where}.{k}")
    if t.get("votes") is not None:
        turn["votes"] = {
            k: c.whole(n, f"{where}.votes.{k}", 0, MAX_SCORE) for k, n in c.obj(t["votes"], f"{where}.votes").items()
        }
    return turn


@dataclass(frozen=True)
class Comparison:
    scenario: str
    same_file: bool  # both logs come from the same scenario file (sha256)
    shared_turns: int  # turns both runs took alike before they diverged
    diverged_at: dict | None  # {"scene", "a", "b"}: the choices taken where they parted (None: never)
    dimensions: dict[str, dict]  # name -> {"a", "b", "change"} (raw, and percent when both have it)
    endings: tuple[str | None, str | None]
    outcomes: tuple[str | None, str | None]


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
        if x.get("percent") is not None and y.get("percent") is not None:
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
