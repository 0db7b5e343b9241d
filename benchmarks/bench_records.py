"""Benchmark the records (issue 8).

1. Per-turn save cost during play: the SQLite save after a turn, in milliseconds, beside the
   turn itself (Run.choose); it must not be noticeable.
2. `report` over 10,000 generated run logs against the time to read them (target <= 3x)."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from scoring.reports import build_tables, render_html  # noqa: E402
from simulator.core.loader import load_file  # noqa: E402
from simulator.records.runs import Records  # noqa: E402
from simulator.session.run import Run  # noqa: E402


def main() -> int:
    ok = True
    sc = load_file(ROOT / "scenarios" / "after-the-fight.yaml")
    rng = np.random.default_rng(1)
    turn_ms, save_ms = [], []
    with tempfile.TemporaryDirectory() as d:
        rec = Records.open(d)
        for i in range(40):
            run = Run(sc, seed=i)
            rid = rec.track(run, "bench")
            started = time.time()
            while not run.ended:
                choices = run.offered_choices()
                t0 = time.perf_counter()
                run.choose(choices[int(rng.integers(len(choices)))]) if choices else run.wait()
                t1 = time.perf_counter()
                rec.save(rid, rec.profile_id("bench"), run, started)
                t2 = time.perf_counter()
                turn_ms.append((t1 - t0) * 1000)
                save_ms.append((t2 - t1) * 1000)
        rec.close()
    # the tracked run also saved inside choose (subscriber): report the separate save only
    print(
        f"1. per turn: choose {np.median(turn_ms):.2f} ms (includes the subscribed save), "
        f"one SQLite save {np.median(save_ms):.2f} ms median, {np.percentile(save_ms, 95):.2f} ms p95"
    )
    ok &= np.percentile(save_ms, 95) < 50

    logs = []
    base = json.loads((ROOT / "tests/data/golden/after-the-fight-best-7.log.json").read_text())
    worst = json.loads((ROOT / "tests/data/golden/after-the-fight-worst-7.log.json").read_text())
    with tempfile.TemporaryDirectory() as d:
        for i in range(10_000):
            (Path(d) / f"{i:05d}.json").write_text(json.dumps(base if i % 3 else worst))
        t0 = time.perf_counter()
        for f in sorted(Path(d).glob("*.json")):
            logs.append(json.loads(f.read_text()))
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        html = render_html(build_tables(logs))
        report_s = time.perf_counter() - t0
    r = (read_s + report_s) / read_s
    ok &= r <= 3
    print(
        f"2. report over 10,000 logs: reading {read_s:.2f} s, tables + HTML {report_s:.2f} s "
        f"({len(html) // 1024} KiB); read + report = {r:.2f}x reading alone (target <= 3x) {'ok' if r <= 3 else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
