"""`rehearse explore`: what a scenario allows, for its author.

Exhaustive when the scenario's states fit the search budget (scoring.analysis.analyze); seeded
random playthroughs otherwise (or with --runs), spread over the machine's cores, with progress."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time
from typing import TextIO

CHUNK = 1_000


_worker_engine = None


def _init_worker(path: str) -> None:
    """Load the scenario once per worker process."""
    global _worker_engine
    from simulator.core.engine import Engine
    from simulator.core.loader import load_file

    _worker_engine = Engine(load_file(path))


def _chunk_worker(args: tuple[int, int, int]):
    """Runs [start, start+count) of a seeded exploration, in a worker process."""
    from scoring.analysis import random_runs

    count, seed, start = args
    return start, random_runs(_worker_engine, count, seed, start=start)


class Progress:
    """A progress bar on stderr (a line every quarter when stderr is not a terminal)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.t0 = time.perf_counter()
        self.last_quarter = -1

    def __call__(self, n: int) -> None:
        self.done += n
        frac = self.done / self.total if self.total else 1.0
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{self.label} [{bar:<30}] {frac:4.0%} {self.done:,}/{self.total:,}")
            if self.done >= self.total:
                self.stream.write("\n")
        elif int(frac * 4) > self.last_quarter:
            self.last_quarter = int(frac * 4)
            self.stream.write(f"{self.label}: {self.done:,}/{self.total:,} ({frac:.0%})\n")
        self.stream.flush()


def explore_random(path: str, engine, runs: int, seed: int, jobs: int | None = None, progress: bool = True):
    """Seeded random playthroughs; returns (Sample, seconds). Same seed and runs: same Sample."""
    from scoring.analysis import merge_samples, random_runs

    jobs = jobs or min(os.cpu_count() or 1, 8)
    bar = Progress(runs, "exploring") if progress else None
    t0 = time.perf_counter()
    if jobs > 1 and runs >= 4 * CHUNK:
        import multiprocessing as mp

        chunk = max(CHUNK, runs // (jobs * 8))
        tasks = [(min(chunk, runs - s), seed, s) for s in range(0, runs, chunk)]
        parts = []
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(path,)) as pool:
            for start, sample in pool.imap_unordered(_chunk_worker, tasks):
                parts.append((start, sample))
                if bar:
                    bar(sample.runs)
        sample = merge_samples([s for _, s in sorted(parts, key=lambda p: p[0])])
    else:
        sample = random_runs(engine, runs, seed, progress=bar)
    return sample, time.perf_counter() - t0


def report(path: str, runs: int | None, seed: int, fmt: str, out: TextIO, budget: int | None = None) -> dict:
    """Explore the scenario at `path`; write the report; return it as data."""
    import numpy as np

    from scoring.analysis import analyze
    from simulator.core.engine import Engine
    from simulator.core.loader import load_file

    sc = load_file(path)
    engine = Engine(sc)
    start, _ = engine.start(np.random.default_rng(seed))
    data: dict = {"scenario": sc.id, "title": sc.title, "seed": seed}
    t0 = time.perf_counter()
    a = None if runs else analyze(engine, start, budget)
    if a is not None and a.exact:
        data["exhaustive"] = {
            "states": a.states,
            "seconds": round(time.perf_counter() - t0, 3),
            "endings": {
                e: {
                    "outcome": sc.endings[e].outcome,
                    "paths": c,
                    "shortest": [[s.scene, s.choice] for s in a.shortest.get(e, ())] if c else None,
                }
                for e, c in a.endings.items()
            },
            "dimensions": {d: {"min": lo, "max": hi} for d, lo, hi in zip(a.bounds.dims, a.bounds.low, a.bounds.high)},
            "cues": _cue_counts(sc, a.scenes_reached),
            "weights": dict(zip(engine.dims, a.weights)),
            "best": {"path": [[s.scene, s.choice] for s in a.best], "raw": dict(zip(engine.dims, a.best_raw))},
            "worst": {"path": [[s.scene, s.choice] for s in a.worst], "raw": dict(zip(engine.dims, a.worst_raw))},
            "scenes_never_reached": [s for s in sc.scenes if s not in a.scenes_reached],
            "choices_never_offered": [
                [sid, c.id]
                for sid, scene in sc.scenes.items()
                for c in scene.choices or ()
                if (sid, c.id) not in a.choices_taken
            ],
            "loops": [[s.scene, s.choice] for s in a.loops],
            "stuck": list(a.stuck),
        }
    else:
        n = runs or 10_000
        if a is not None:
            data["exhaustive_skipped"] = f"more than {a.states - 1:,} states: too many to search every path"
        sample, secs = explore_random(path, engine, n, seed, progress=fmt == "text")
        sc_arr = sample.scores
        dims = {}
        for j, d in enumerate(engine.dims):
            col = sc_arr[:, j] if len(sc_arr) else np.zeros(0, dtype=np.int64)
            dims[d] = (
                {
                    "min": int(col.min()),
                    "p10": float(np.percentile(col, 10)),
                    "mean": round(float(col.mean()), 2),
                    "p90": float(np.percentile(col, 90)),
                    "max": int(col.max()),
                }
                if len(col)
                else {}
            )
        data["random"] = {
            "runs": sample.runs,
            "seconds": round(secs, 3),
            "runs_per_second": round(sample.runs / secs) if secs else None,
            "endings": {e: {"outcome": sc.endings[e].outcome, "runs": sample.endings.get(e, 0)} for e in sc.endings},
            "unfinished": sample.unfinished,
            "dimensions": dims,
        }
    if fmt == "json":
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        _render(data, out)
    return data


def _cue_counts(sc, reached) -> dict:
    """Sign and red-herring cues on the scenes a run can reach: noticing adds hits minus false alarms."""
    cues = [c for sid in sc.scenes if sid in reached and sc.scenes[sid].ending is None for c in sc.scenes[sid].cues]
    return {"signs": sum(c.sign for c in cues), "red_herrings": sum(not c.sign for c in cues)}


def _path_text(path: list) -> str:
    return " > ".join(f"{scene}:{choice if choice is not None else '(wait)'}" for scene, choice in path)


def _render(d: dict, out: TextIO) -> None:
    w = out.write
    w(f"{d['title']} ({d['scenario']}), starting mood of seed {d['seed']}\n")
    if "exhaustive" in d:
        x = d["exhaustive"]
        w(f"Searched every path: {x['states']:,} distinct moments in {x['seconds']:.2f} s.\n\n")
        w(f"{'Ending':24}{'outcome':9}{'paths':>12}  shortest\n")
        for e, v in x["endings"].items():
            if v["paths"]:
                w(f"{e:24}{v['outcome']:9}{v['paths']:>12,}  {len(v['shortest'] or [])} turns\n")
            else:
                w(f"{e:24}{v['outcome']:9}{'UNREACHABLE':>12}\n")
        w(f"\n{'Dimension (choices)':24}{'min':>6}{'max':>6}\n")
        for dim, v in x["dimensions"].items():
            w(f"{dim:24}{v['min']:>+6d}{v['max']:>+6d}\n")
        c = x["cues"]
        w(
            f"Cues on reachable scenes: {c['signs']} signs, {c['red_herrings']} red herrings (noticing adds hits "
            "minus false alarms).\n"
        )
        for label in ("best", "worst"):
            b = x[label]
            raw = ", ".join(f"{k} {v:+d}" for k, v in b["raw"].items())
            w(f"\n{label.capitalize()} path ({raw}):\n")
            w(textwrap.fill(_path_text(b["path"]), 100, initial_indent="  ", subsequent_indent="    ") + "\n")
        if x["scenes_never_reached"]:
            w(f"\nScenes never reached: {', '.join(x['scenes_never_reached'])}\n")
        if x["choices_never_offered"]:
            w("Choices never offered: " + ", ".join(f"{s}:{c}" for s, c in x["choices_never_offered"]) + "\n")
        if x["loops"]:
            w(
                "Moves that can repeat forever without changing anything: "
                + ", ".join(f"{s}:{c or '(wait)'}" for s, c in x["loops"])
                + "\n"
            )
        if x["stuck"]:
            w(f"Scenes reachable with no choice offered: {', '.join(x['stuck'])}\n")
        if not (x["scenes_never_reached"] or x["choices_never_offered"] or x["loops"] or x["stuck"]):
            w("\nEvery scene is reached and every choice offered; no endless loops.\n")
    else:
        r = d["random"]
        if "exhaustive_skipped" in d:
            w(f"Not searched exhaustively: {d['exhaustive_skipped']}.\n")
        w(f"{r['runs']:,} seeded random playthroughs in {r['seconds']:.2f} s ({r['runs_per_second']:,} runs/s).\n\n")
        w(f"{'Ending':24}{'outcome':9}{'runs':>10}{'share':>8}\n")
        for e, v in r["endings"].items():
            w(f"{e:24}{v['outcome']:9}{v['runs']:>10,}{v['runs'] / r['runs']:>8.1%}\n")
        if r["unfinished"]:
            w(f"{'(unfinished)':33}{r['unfinished']:>10,}\n")
        w(f"\n{'Dimension':24}{'min':>6}{'p10':>7}{'mean':>8}{'p90':>7}{'max':>6}\n")
        for dim, v in r["dimensions"].items():
            if v:
                w(f"{dim:24}{v['min']:>+6d}{v['p10']:>+7.0f}{v['mean']:>+8.2f}{v['p90']:>+7.0f}{v['max']:>+6d}\n")
