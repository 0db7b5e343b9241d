"""`rehearse graph`: the scene graph as Graphviz DOT, and SVG or PNG through the `dot` program.

Scenes are boxes labelled with their first words; choices are labelled edges with their scores;
`next` routes are dashed with their guards; timeouts dotted; endings coloured by outcome;
unreachable scenes and dead ends are marked. With a run log, the run's path is drawn bold."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simulator.core.model import Scenario

COLORS = {"good": "#3a7a54", "mixed": "#b08028", "poor": "#a8463c"}
SHORT = {
    "noticing": "notice",
    "de_escalation": "de-esc",
    "relationship": "rel",
    "restorative": "restor",
    "safety": "safety",
    "equity": "equity",
}


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _first_words(text: str | None, n: int = 38) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= n else t[: n - 1].rsplit(" ", 1)[0] + "…"


def _scores(score) -> str:
    return " ".join(f"{v:+d} {SHORT.get(d, d)}" for d, v in score.items())


def to_dot(sc: Scenario, *, unreachable=(), dead_ends=(), path_edges=()) -> str:
    """DOT text of the scenario's graph."""
    lines = [
        f"digraph {_q(sc.id)} {{",
        f'  graph [rankdir=TB, fontname="Helvetica", labelloc=t, label={_q(sc.title)}];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#55606e"];',
    ]
    path_edges = set(path_edges)
    for sid, scene in sc.scenes.items():
        words = _first_words(scene.narration or scene.student)
        attrs = {"label": f"{sid}\n{words}" if words else sid}
        if scene.ending:
            e = sc.endings.get(scene.ending)
            outcome = e.outcome if e else "mixed"
            attrs.update(
                label=f"{sid}\n{e.title if e else scene.ending}\n({outcome})",
                shape="box",
                fillcolor=COLORS.get(outcome, "#888888"),
                fontcolor="white",
            )
        elif scene.next is not None:
            attrs.update(shape="ellipse", fillcolor="#ffffff")
        if sid == sc.start:
            attrs["penwidth"] = "2"
        if sid in unreachable:
            attrs.update(
                style="rounded,dashed",
                fillcolor="#ffffff",
                fontcolor="#888888",
                label=attrs["label"] + "\n[unreachable]",
            )
        if sid in dead_ends:
            attrs.update(color="#a8463c", penwidth="2.5", label=attrs["label"] + "\n[dead end]")
        lines.append(f"  {_q(sid)} [" + ", ".join(f"{k}={_q(v)}" for k, v in attrs.items()) + "];")
    for sid, scene in sc.scenes.items():
        for c in scene.choices or ():
            label = f"{c.id}: {_first_words(c.text, 28)}"
            if c.score:
                label += f"\n{_scores(c.score)}"
            style = {"label": label}
            if c.critical:
                style.update(color="#a8463c", fontcolor="#a8463c")
            if (sid, c.goto) in path_edges:
                style.update(color="#2e608c", penwidth="3")
            lines.append(f"  {_q(sid)} -> {_q(c.goto)} [" + ", ".join(f"{k}={_q(v)}" for k, v in style.items()) + "];")
        if scene.timeout:
            t = scene.timeout
            style = {
                "label": f"(silence, {t.seconds:g}s)" + (f"\n{_scores(t.score)}" if t.score else ""),
                "style": "dotted",
            }
            if (sid, t.goto) in path_edges:
                style.update(color="#2e608c", penwidth="3")
            lines.append(f"  {_q(sid)} -> {_q(t.goto)} [" + ", ".join(f"{k}={_q(v)}" for k, v in style.items()) + "];")
        for r in scene.next or ():
            style = {"label": f"if {r.guard.source}" if r.guard else "otherwise", "style": "dashed"}
            if (sid, r.goto) in path_edges:
                style.update(color="#2e608c", penwidth="3")
            lines.append(f"  {_q(sid)} -> {_q(r.goto)} [" + ", ".join(f"{k}={_q(v)}" for k, v in style.items()) + "];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def log_edges(log: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (from, to) scene pairs a checked run log moved along, `next` scenes included."""
    edges = set()
    for t in log["turns"]:
        chain = [t["scene"], *t.get("passed", []), t.get("to")]
        chain = [c for c in chain if c]
        edges.update(zip(chain, chain[1:]))
    return edges


def write_graph(sc: Scenario, out: str, *, log: Mapping[str, Any] | None = None) -> tuple[str, str | None]:
    """Write the graph to `out` (.dot, .svg or .png). Returns (path written, a note for the user or None)."""
    from simulator.authoring.check import Walk, explore_checks
    from simulator.authoring.lint import lint_scenario

    walk = Walk()
    explore_checks(sc, walk=walk)
    warnings = lint_scenario(sc, walk)
    unreachable = {w.subjects["scene"] for w in warnings if w.code == "unreachable-scene"}
    dead = {w.subjects["scene"] for w in warnings if w.code == "dead-end"}
    dot = to_dot(sc, unreachable=unreachable, dead_ends=dead, path_edges=log_edges(log) if log is not None else ())
    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt == "dot":
        target.write_text(dot, encoding="utf-8")
        return str(target), None
    exe = shutil.which("dot")
    dot_path = target.with_suffix(".dot")
    if exe is None:
        dot_path.write_text(dot, encoding="utf-8")
        return str(dot_path), (
            "Graphviz's `dot` program is not installed, so only the .dot file was written. "
            "Install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install "
            f"graphviz; Windows: graphviz.org/download), then run: dot -T{fmt} {dot_path} -o {target}"
        )
    proc = subprocess.run([exe, f"-T{fmt}", "-o", str(target)], input=dot.encode(), capture_output=True, timeout=120)
    if proc.returncode != 0:
        dot_path.write_text(dot, encoding="utf-8")
        return str(dot_path), f"dot failed ({proc.stderr.decode(errors='replace').strip()[:200]}); wrote {dot_path}"
    return str(target), None
