"""Benchmark the authoring lint (issue 7): full lint on a generated 1,000-scene file against
plain `rehearse check` (the format's rules only) of the same file, as a ratio in one run.

The lint's reachability warnings reuse the walk check already makes (bounded at 20,000 states;
past it they are skipped and `search-incomplete` says so), so the lint must finish within seconds."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_scenario import generate  # noqa: E402

from simulator.authoring.check import check_file  # noqa: E402


def best(fn, n=3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        for mood_guards in (False, True):
            path = str(Path(d) / "generated-1000.yaml")
            Path(path).write_text(generate(1000, mood_guards=mood_guards), encoding="utf-8")
            plain, _ = best(lambda p=path: check_file(p, lint=False))
            full, report = best(lambda p=path: check_file(p, lint=True))
            codes = sorted({x.code for x in report.diagnostics})
            label = "guards read the mood" if mood_guards else "guards read flags only"
            print(
                f"1,000 scenes ({label}): plain check {plain:.2f} s, full lint {full:.2f} s, "
                f"ratio {full / plain:.2f}x; warnings: {', '.join(codes) or 'none'}"
            )
            if full > 10:
                print("  MISSED: the lint should finish within seconds")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
