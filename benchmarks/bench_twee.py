"""Benchmark the Twee import on hostile input: every shape that once backtracked or grew
quadratically must take time linear in its size.

For each shape the import runs at size N and at 4N in this process; the ratio of the two times
is the measure (linear: about 4x; quadratic: about 16x). A plain story of the same byte size is
reported beside it as the baseline for "how long should this many bytes take"."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.authoring.twee import import_twee  # noqa: E402

# name -> text of "size" repeats of the hostile unit
SHAPES = {
    "backslashes": lambda n: ":: " + "\\" * (4 * n) + "a[",
    "links": lambda n: ":: Start\n" + "[[" * (2 * n),
    "sugarcube": lambda n: ":: Start\n" + "<<" * (2 * n),
    "harlowe": lambda n: ":: Start\n" + "(set:" * n,
    "braces": lambda n: ":: Start\n" + "{{" * (2 * n),
    "tags": lambda n: ":: Start\n" + "<a" * (2 * n),
    "lines": lambda n: ":: Start\n" + "[[a\n" * n + "]]",
    "meta": lambda n: ":: Start {" + " " * (4 * n) + "x",
    "many": lambda n: ":: a\n" * n,
}


def plain(size: int) -> str:
    """A well-formed story of about `size` bytes: passages with text and links."""
    unit = ":: P{i}\nShe looks up from the desk. [[Ask->P{j}]] [[Wait->P{k}]]\n\n"
    out, i = [], 0
    total = 0
    while total < size:
        s = unit.format(i=i, j=i + 1, k=i + 2)
        out.append(s)
        total += len(s)
        i += 1
    out.append(f":: P{i}\nThe end.\n\n:: P{i + 1}\nThe end.\n")
    return "".join(out)


def best(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            import_twee(text, "bench")
        except Exception:  # a refusal is an answer too; its time is what is measured
            pass
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000, help="N, the smaller size (default 100,000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=float, default=8.0, help="largest 4N/N time ratio allowed (default 8)")
    a = ap.parse_args(argv)
    n = a.size
    failed = []
    print(f"{'shape':<12} {'N s':>7} {'4N s':>7} {'4N/N':>6} {'4N vs plain':>12}")
    for name, make in SHAPES.items():
        small, large = make(n), make(4 * n)
        t1, t4 = best(small, a.repeat), best(large, a.repeat)
        base = best(plain(len(large)), a.repeat)
        ratio = t4 / max(t1, 1e-6)
        print(f"{name:<12} {t1:7.3f} {t4:7.3f} {ratio:5.1f}x {t4 / max(base, 1e-6):11.1f}x")
        if ratio > a.limit:
            failed.append(name)
    if failed:
        print(f"MISSED: not linear ({', '.join(failed)}): 4x the input took more than {a.limit:g}x the time")
        return 1
    print(f"all shapes linear: 4x the input took at most {a.limit:g}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
