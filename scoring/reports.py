"""Reports across many runs: what a facilitator or a district wants to see of how a group chose.

Input is a list of run logs (rehearse-log/1 dicts, from the records or a folder of logs). Output
is tables (lists of rows) that render as CSV files and as one self-contained HTML page with inline
SVG charts and no network. Everything written into HTML is escaped. Reflections appear only
where their authors agreed to share them (a log with "share_reflections": true), never with names."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape


@dataclass
class Table:
    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(self.columns)
        w.writerows(self.rows)
        return buf.getvalue()


def build_tables(logs: list[dict]) -> list[Table]:
    runs = Table("runs", "Runs per scenario", ["scenario", "runs", "finished", "needs another run"])
    endings = Table("endings", "Endings", ["scenario", "ending", "outcome", "runs", "share of finished"])
    choices = Table(
        "choices", "Choices at every decision point", ["scenario", "scene", "choice", "times taken", "share"]
    )
    scores = Table(
        "scores",
        "Scores per dimension (percent of what the scenario allows)",
        ["scenario", "dimension", "finished runs", "mean", "lowest", "highest"],
    )
    cues = Table("cues", "Most-missed cues and most common false alarms", ["scenario", "cue", "kind", "runs"])
    reflections = Table("reflections", "Shared reflections", ["scenario", "scene", "reflection"])
    by_scenario: dict[str, list[dict]] = defaultdict(list)
    for log in logs:
        by_scenario[log.get("scenario", {}).get("id", "?")].append(log)
    for sid in sorted(by_scenario):
        group = by_scenario[sid]
        done = [g for g in group if g.get("ending")]
        runs.rows.append([sid, len(group), len(done), sum(1 for g in group if g.get("critical"))])
        for (ending, outcome), n in sorted(
            Counter((g["ending"], g.get("outcome")) for g in done).items(), key=lambda kv: -kv[1]
        ):
            endings.rows.append([sid, ending, outcome, n, f"{100 * n / len(done):.0f}%"])
        taken: dict[str, Counter] = defaultdict(Counter)
        for g in group:
            for t in g.get("turns", []):
                taken[t["scene"]][t.get("choice") if t.get("choice") is not None else "(waited)"] += 1
        for scene in sorted(taken):
            total = sum(taken[scene].values())
            for choice, n in taken[scene].most_common():
                choices.rows.append([sid, scene, choice, n, f"{100 * n / total:.0f}%"])
        dims: dict[str, list[float]] = defaultdict(list)
        for g in done:
            for d, v in g.get("score", {}).get("dimensions", {}).items():
                if v.get("percent") is not None:
                    dims[d].append(float(v["percent"]))
        for d, vals in dims.items():
            scores.rows.append([sid, d, len(vals), round(sum(vals) / len(vals), 1), min(vals), max(vals)])
        missed = Counter(c for g in done for c in g.get("cues", {}).get("missed", []))
        alarms = Counter(c for g in done for c in g.get("cues", {}).get("false_alarms", []))
        for c, n in missed.most_common(5):
            cues.rows.append([sid, c, "missed", n])
        for c, n in alarms.most_common(5):
            cues.rows.append([sid, c, "false alarm", n])
        for g in group:
            if g.get("share_reflections") is True:
                for t in g.get("turns", []):
                    if t.get("reflection"):
                        reflections.rows.append([sid, t["scene"], t["reflection"]])
    workshop = Table("workshop", "Workshop tallies", ["scenario", "scene", "choice", "votes", "taken by the room"])
    for sid in sorted(by_scenario):
        for g in by_scenario[sid]:
            for t in g.get("turns", []):
                for choice, n in (t.get("votes") or {}).items():
                    workshop.rows.append([sid, t["scene"], choice, n, "yes" if choice == t.get("choice") else ""])
    return [runs, endings, choices, scores, cues, workshop, reflections]


def render_html(tables: list[Table], title: str = "Rehearse report") -> str:
    from scoring.charts import bar_chart

    t = {tb.name: tb for tb in tables}
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;color:#22262e;"
        "line-height:1.45}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccd;"
        "padding:.25em .6em;text-align:left}th{background:#eef2f6}h2{margin-top:1.6em}.muted{color:#5c6270}"
        "</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        "<p class='muted'>Made on this machine from local records; nothing was sent anywhere. Reflections "
        "appear only where their authors agreed to share them, without names.</p>",
    ]
    ending_rows = t["endings"].rows
    for sid in sorted({r[0] for r in ending_rows}):
        items = [(f"{r[1]} ({r[2]})", r[3]) for r in ending_rows if r[0] == sid]
        parts.append(bar_chart(f"Endings: {sid}", items, unit=" runs"))
    score_rows = t["scores"].rows
    for sid in sorted({r[0] for r in score_rows}):
        parts.append(
            bar_chart(f"Mean percent per dimension: {sid}", [(r[1], r[3]) for r in score_rows if r[0] == sid], unit="%")
        )
    for tb in tables:
        parts.append(f"<h2>{escape(tb.title)}</h2>")
        if not tb.rows:
            parts.append("<p class='muted'>None yet.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{escape(str(c))}</th>" for c in tb.columns) + "</tr>")
        for row in tb.rows:
            parts.append("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
