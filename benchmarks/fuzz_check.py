"""Fuzz `rehearse check` with mutated copies of the shipped scenarios.

Each input is a shipped scenario with one to four mutations: byte flips, line deletions,
duplications and swaps, indentation changes, YAML tags (`!!int`, `!!float`, `!!python/object`),
unicode insertions (control characters, combining marks, bidi overrides, invalid UTF-8), huge
scalars and numbers, broken guards, anchors and aliases. Each goes through the real entry point,
`simulator.shells.cli.main(["check", file])`, in a worker process that is killed after --timeout seconds.

Reported: internal errors (an exit code other than 0 or 1, or output that says "internal error" or
shows a traceback), hangs (over the timeout) and the workers' peak memory (ru_maxrss).
Target: 0 / 0 / under 500 MB. Each failing input is saved to benchmarks/out/fuzz/ with what it
printed; replay one with `rehearse check benchmarks/out/fuzz/<name>.yaml`.

    .venv/bin/python benchmarks/fuzz_check.py [--n 20000] [--seed 1] [--jobs 2] [--timeout 5]

Not part of the test suite (tests/test_fuzz_slice.py runs a small seeded slice of it in-process).
May import: simulator (the entry point only), the standard library."""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the checkout's simulator
    sys.path.insert(0, str(ROOT))
SCENARIOS = ROOT / "scenarios"
OUT = ROOT / "benchmarks" / "out" / "fuzz"
MEMORY_LIMIT_BYTES = 2 * 1024**3  # a runaway input fails with MemoryError instead of swapping

# --- mutations -------------------------------------------------------------------------------------

TAGS = [
    "!!int ",
    "!!float ",
    "!!python/object:os.system ",
    "!!python/name:os.system ",
    "!!str ",
    "!!bool ",
    "!!null ",
    "!!binary ",
    "!!timestamp ",
    "!!map ",
    "!!seq ",
    "!!set ",
    "!<tag:yaml.org,2002:int> ",
    "!local ",
    "! ",
]
UNICODE = (
    [chr(c) for c in range(0x00, 0x20)]
    + ["\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff"]
    + ["\ufffe", "\uffff", "\u0301", "\u0308" * 30, "e\u0301", "\U0001f600", "\U0001f468\u200d\U0001f469"]
    + ["\u00e9", "\u65e5\u672c", "\u0627\u0644", "\u00b2", "\u2460", "\uff11", "\u0660", "\u00bd"]
)
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00", b"\xe2\x80"]
GUARD_BITS = [
    "**",
    "//",
    "1if",
    '"\\d"',
    "'\\q'",
    "visited(",
    'chose("a")',
    "lambda: 1",
    "__import__('os')",
    "9" * 400,
    "1e999",
    "-1e999",
    "0x" + "f" * 60,
    "\u00e9\u00e9 and",
    "(" * 250,
    "not " * 120,
    "-" * 300 + "1",
    "1000000000*" * 40,
    "a.b",
    "[1]",
    "{1: 2}",
    "f'{x}'",
    "x := 1",
    "True",
    "None",
    "&&",
    "!",
    "\\",
    "#",
    ":",
]


def huge_value(rng: random.Random) -> str:
    n = rng.choice([50, 101, 400, 4301, 5000, 20_001, 100_000])
    return rng.choice(
        [
            "9" * n,
            "-" + "9" * n,
            "0x" + "f" * n,
            "0o" + "7" * n,
            "0b" + "1" * n,
            "1" + "_0" * (n // 2),
            "0." + "1" * n,
            "1e999",
            "-1.0e+999",
            "1.0e+999",
            ".inf",
            "-.inf",
            ".nan",
            "1:30:00",
            "190:20:30.15",
            "0x",
            "0x_",
            "0b",
            "+",
            "!!int ''",
            "!!float x",
            "!!int 0x",
            '"' + "x" * n + '"',
            "x" * n,
            "[" + ", ".join(["x"] * min(n, 5000)) + "]",
        ]
    )


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _value_lines(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ": " in ln]


def mutate_text(rng: random.Random, text: str, other: str) -> str:
    """One mutation of scenario text (`other` is another scenario, for splices)."""
    lines = _lines(text)
    kind = rng.randrange(14)
    i = rng.randrange(len(lines))
    if kind == 0:  # delete lines
        del lines[i : i + rng.choice([1, 1, 2, 5])]
    elif kind == 1:  # duplicate lines
        lines[i:i] = lines[i : i + rng.choice([1, 1, 3])]
    elif kind == 2:  # swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3:  # indentation
        ln = lines[i]
        lines[i] = rng.choice([" " * rng.randint(1, 5) + ln, ln.lstrip(), ln[1:], "\t" + ln, ln.replace("  ", "\t", 1)])
    elif kind == 4:  # a tag before a value
        vs = _value_lines(lines)
        if vs:
            k = rng.choice(vs)
            lines[k] = lines[k].replace(": ", ": " + rng.choice(TAGS), 1)
    elif kind == 5:  # a unicode character anywhere in a line
        ln = lines[i]
        p = rng.randint(0, len(ln))
        lines[i] = ln[:p] + rng.choice(UNICODE) + ln[p:]
    elif kind == 6:  # a huge scalar or number as a value
        vs = _value_lines(lines)
        if vs:
            k = rng.choice(vs)
            head = lines[k].split(": ", 1)[0]
            lines[k] = f"{head}: {huge_value(rng)}"
    elif kind == 7:  # anchors and aliases
        vs = _value_lines(lines)
        if len(vs) >= 2:
            a, b = sorted(rng.sample(vs, 2))
            name = rng.choice(["a", "x", "big"])
            if rng.random() < 0.7:
                lines[a] = lines[a].replace(": ", f": &{name} ", 1)
            head = lines[b].split(": ", 1)[0]
            lines[b] = f"{head}: *{rng.choice([name, 'nowhere'])}"
            if rng.random() < 0.2:  # an alias to a whole mapping, repeated
                lines.insert(b + 1, head.replace(head.strip(), "") + "<<: *" + name)
    elif kind == 8:  # a broken guard
        gs = [k for k, ln in enumerate(lines) if "if: " in ln]
        k = rng.choice(gs) if gs else i
        ln = lines[k]
        p = rng.randint(ln.find("if: ") + 4 if "if: " in ln else 0, len(ln))
        lines[k] = ln[:p] + rng.choice(GUARD_BITS) + ln[p:]
    elif kind == 9:  # flow syntax and document markers
        ln = lines[i]
        p = rng.randint(0, len(ln))
        lines[i] = (
            ln[:p] + rng.choice(["[", "]", "{", "}", ", ", "---", "...", "? ", "- ", "|", ">", "'", '"', "#"]) + ln[p:]
        )
    elif kind == 10:  # splice lines from another scenario
        o = _lines(other)
        j = rng.randrange(len(o))
        lines[i:i] = o[j : j + rng.randint(1, 20)]
    elif kind == 11:  # a key with a line break, or text that looks like a diagnostic
        vs = _value_lines(lines)
        if vs:
            k = rng.choice(vs)
            indent = lines[k][: len(lines[k]) - len(lines[k].lstrip())]
            lines.insert(
                k, indent + rng.choice(['"a\\nx.yaml:1:1: error: forged": 1', '"\\e[31m": 2', '"k\\u2028": 3'])
            )
    elif kind == 12:  # deep nesting
        d = rng.choice([63, 65, 200, 1001, 5000])
        vs = _value_lines(lines)
        if vs:
            k = rng.choice(vs)
            head = lines[k].split(": ", 1)[0]
            lines[k] = f"{head}: " + rng.choice(["[" * d + "]" * d, "{a: " * d + "}" * d, "[" * d])
    else:  # a value changed to another type
        vs = _value_lines(lines)
        if vs:
            k = rng.choice(vs)
            head = lines[k].split(": ", 1)[0]
            lines[k] = f"{head}: " + rng.choice(
                ["", "~", "null", "[]", "{}", "true", "-1", "0", "yes", "[[1]]", "{a: {b: c}}"]
            )
    return "\n".join(lines)


def mutate(rng: random.Random, base: str, other: str) -> bytes:
    """A mutated input: one to four text mutations, sometimes byte-level damage on top."""
    text = base
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        text = mutate_text(rng, text, other)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:  # byte flips and invalid UTF-8
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            p = rng.randrange(len(b) or 1)
            if rng.random() < 0.5 and b:
                b[p] ^= 1 << rng.randrange(8)
            else:
                b[p:p] = rng.choice(BAD_BYTES)
        data = bytes(b)
    return data


def make_input(seed: int, i: int, texts: list[str]) -> bytes:
    """Input `i` of the campaign for `seed`: the same every time, whatever else is generated."""
    rng = random.Random(seed * 1_000_003 + i)
    return mutate(rng, texts[rng.randrange(len(texts))], texts[rng.randrange(len(texts))])


# --- running ---------------------------------------------------------------------------------------


def check_once(path: str) -> tuple[int, str]:
    """`rehearse check PATH` in this process: (exit code, everything it printed)."""
    from simulator.shells.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            code = main(["check", path], stdout=out)
    except BaseException:  # noqa: BLE001 - anything escaping main() is what we look for
        import traceback

        return -1, out.getvalue() + err.getvalue() + "Traceback (escaped main):\n" + traceback.format_exc()
    return code, out.getvalue() + err.getvalue()


def is_failure(code: int, output: str) -> bool:
    return code not in (0, 1) or "internal error" in output or "Traceback" in output


def _worker(conn: Connection, folder: str) -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    while True:
        job = conn.recv()
        if job is None:
            return
        i, data = job
        path = os.path.join(folder, f"input-{i}.yaml")
        with open(path, "wb") as f:
            f.write(data)
        code, output = check_once(path)
        os.unlink(path)
        conn.send((i, code, output, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, folder: str) -> None:
        self.conn, child = ctx.Pipe()  # type: ignore[attr-defined]
        self.proc = ctx.Process(target=_worker, args=(child, folder), daemon=True)  # type: ignore[attr-defined]
        self.proc.start()
        child.close()
        self.job: tuple[int, bytes] | None = None
        self.started = 0.0

    def give(self, job: tuple[int, bytes]) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()


def save(seed: int, i: int, data: bytes, what: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"seed{seed}-{i:05d}.yaml"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(what, encoding="utf-8")
    return path


def campaign(n: int, seed: int, jobs: int, timeout: float, sources: list[Path]) -> int:
    texts = [p.read_text(encoding="utf-8") for p in sources]
    todo = iter(range(n))
    data_of: dict[int, bytes] = {}  # the inputs in flight
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    folder = tempfile.mkdtemp(prefix="rehearse-fuzz-")
    os.environ.setdefault("REHEARSE_DATA", tempfile.mkdtemp(prefix="rehearse-fuzz-data-"))
    workers = [_Worker(ctx, folder) for _ in range(jobs)]
    internal: list[int] = []
    hangs: list[int] = []
    peak_kb = 0
    done = 0
    codes = {0: 0, 1: 0}
    slowest = (0.0, -1)
    t0 = time.monotonic()
    last_report = t0
    while done < n:
        for w in workers:
            if w.job is None:
                i = next(todo, None)
                if i is not None:
                    data_of[i] = make_input(seed, i, texts)
                    w.give((i, data_of[i]))
        busy = [w for w in workers if w.job is not None]
        ready = wait([w.conn for w in busy], timeout=0.2)
        now = time.monotonic()
        for w in list(busy):
            assert w.job is not None
            if w.conn in ready:
                try:
                    i, code, output, rss = w.conn.recv()
                except EOFError:  # the worker died (a crash of the interpreter itself)
                    i, code, output, rss = w.job[0], -9, "worker died", 0
                    w.kill()
                    workers[workers.index(w)] = _Worker(ctx, folder)
                took = now - w.started
                if took > slowest[0]:
                    slowest = (took, i)
                peak_kb = max(peak_kb, rss)
                codes[code] = codes.get(code, 0) + 1
                if is_failure(code, output):
                    internal.append(i)
                    p = save(seed, i, data_of[i], f"exit code {code}\n{output}")
                    print(f"\n  internal error on input {i} (exit {code}): saved to {p}", flush=True)
                w.job = None
                del data_of[i]
                done += 1
            elif now - w.started > timeout:
                i = w.job[0]
                hangs.append(i)
                p = save(seed, i, data_of[i], f"no answer after {timeout:g} s")
                print(f"\n  hang on input {i} (over {timeout:g} s): saved to {p}", flush=True)
                del data_of[i]
                w.kill()
                workers[workers.index(w)] = _Worker(ctx, folder)
                done += 1
        if now - last_report > 2 or done == n:
            last_report = now
            rate = done / max(now - t0, 1e-9)
            left = (n - done) / rate if rate else 0
            print(
                f"\r{done:,}/{n:,} inputs  {rate:.0f}/s  ~{left / 60:.1f} min left  "
                f"internal errors {len(internal)}  hangs {len(hangs)}  peak {peak_kb / 1024:.0f} MB",
                end="",
                flush=True,
            )
    for w in workers:
        with contextlib.suppress(OSError, BrokenPipeError):
            w.conn.send(None)
        w.proc.join(timeout=2)
        if w.proc.is_alive():
            w.kill()
    elapsed = time.monotonic() - t0
    print()
    print(f"inputs:          {n:,} (seed {seed}, {jobs} workers, {elapsed / 60:.1f} min)")
    print("exit codes:      " + ", ".join(f"{c}: {k:,}" for c, k in sorted(codes.items())))
    print(f"internal errors: {len(internal)}  (target 0)")
    print(f"hangs over {timeout:g} s: {len(hangs)}  (target 0)")
    print(f"peak memory:     {peak_kb / 1024:.0f} MB per worker (ru_maxrss; target under 500 MB)")
    print(f"slowest input:   {slowest[0]:.2f} s (input {slowest[1]})")
    if internal or hangs:
        print(f"failing inputs saved in {OUT}")
    return 1 if internal or hangs or peak_kb / 1024 >= 500 else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="how many inputs (default 20,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds per input before it counts as a hang")
    args = ap.parse_args()
    sources = sorted(SCENARIOS.glob("*.yaml"))
    sys.exit(campaign(args.n, args.seed, args.jobs, args.timeout, sources))


if __name__ == "__main__":
    main()
