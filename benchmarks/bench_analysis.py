"""Benchmark the scoring analysis (issue 4).

1. Exhaustive bounds on a generated 50-scene, 3-choice scenario with loops and flags.
2. Seeded random exploration: runs per second (and per minute), one core and all cores.
3. The engine's turn rate against a bare dict-based interpreter of the same file, written here
   (target: at least half its speed).
4. `explore` random runs on the largest shipped scenario (target: 3,000 runs/s or more; for scale,
   ChoiceScript's randomtest plays about 2,700 runs/s of its 1,200-word sample game).

Ratios are measured in one run on one machine; nothing here is a timed test."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_scenario import generate  # noqa: E402

from scoring.analysis import analyze, random_runs  # noqa: E402
from simulator.authoring.explore import explore_random  # noqa: E402
from simulator.core.engine import Engine  # noqa: E402
from simulator.core.guards import compile_guard, parse_guard  # noqa: E402
from simulator.core.loader import load_file, load_scenario  # noqa: E402


class BareInterpreter:
    """The same rules on plain dicts and lists, with none of the engine's structure."""

    def __init__(self, text: str) -> None:
        d = yaml.load(text, Loader=yaml.CSafeLoader)
        self.d = d
        st = d["student"]
        self.moods = list(st["mood"])
        self.start_mood = [float(st["mood"][m]) for m in self.moods]
        self.jitter = float(st.get("jitter", 0))
        self.drift = float(st.get("drift", 0))
        self.scenes = d["scenes"]
        self.guards = {}
        for sc in self.scenes.values():
            for i, c in enumerate(sc.get("choices") or ()):
                c.setdefault("id", str(i + 1))
                if "if" in c:
                    self.guards[id(c)] = compile_guard(parse_guard(str(c["if"])), self._leaf)
            for r in sc.get("next") or ():
                if "if" in r:
                    self.guards[id(r)] = compile_guard(parse_guard(str(r["if"])), self._leaf)

    def _leaf(self, t):
        if t[0] == "name":
            n = t[1]
            if n == "turns":
                return lambda s: s["turns"]
            if n in self.moods:
                i = self.moods.index(n)
                return lambda s: s["mood"][i]
            return lambda s: s["flags"][n]
        if t[0] == "visited":
            return lambda s: t[1] in s["visited"]
        return lambda s: (t[1], t[2]) in s["chosen"]

    def route(self, s):
        while "next" in self.scenes[s["scene"]]:
            for r in self.scenes[s["scene"]]["next"]:
                g = self.guards.get(id(r))
                if g is None or g(s):
                    s["scene"] = r["goto"]
                    s["visited"].add(r["goto"])
                    break

    def run(self, rng) -> int:
        draw = rng.uniform(-self.jitter, self.jitter, size=len(self.moods))
        base = [min(1.0, max(0.0, m + x)) for m, x in zip(self.start_mood, draw)]
        s = {
            "scene": self.d["start"],
            "mood": list(base),
            "flags": dict(self.d.get("flags") or {}),
            "turns": 0,
            "visited": {self.d["start"]},
            "chosen": set(),
            "raw": {},
        }
        self.route(s)
        turns = 0
        while "ending" not in self.scenes[s["scene"]] and turns < 500:
            sc = self.scenes[s["scene"]]
            moves = [
                c
                for c in sc["choices"]
                if not (c.get("once") and (s["scene"], c["id"]) in s["chosen"])
                and (id(c) not in self.guards or self.guards[id(c)](s))
            ]
            if "timeout" in sc:
                moves.append(sc["timeout"])
            if not moves:
                break
            m = moves[int(rng.integers(len(moves)))]
            for k, v in (m.get("mood") or {}).items():
                i = self.moods.index(k)
                s["mood"][i] = min(1.0, max(0.0, s["mood"][i] + v))
            s["mood"] = [x + self.drift * (b - x) for x, b in zip(s["mood"], base)]
            for k, v in (m.get("set") or {}).items():
                s["flags"][k] = v
            for k, v in (m.get("add") or {}).items():
                s["flags"][k] += v
            for k, v in (m.get("score") or {}).items():
                s["raw"][k] = s["raw"].get(k, 0) + v
            if "id" in m:
                s["chosen"].add((s["scene"], m["id"]))
            s["turns"] += 1
            s["scene"] = m["goto"]
            s["visited"].add(m["goto"])
            self.route(s)
            turns += 1
        return turns


def turn_rate(fn, seconds: float) -> float:
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    turns = 0
    while time.perf_counter() - t0 < seconds:
        turns += fn(rng)
    return turns / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=3.0, help="time per turn-rate measurement")
    ap.add_argument("--runs", type=int, default=40_000, help="random runs for the explore measurement")
    a = ap.parse_args()
    ok = True

    for guarded in (False, True):
        text = generate(50, choices=3, seed=2, mood_guards=guarded)
        sc = load_scenario(text, "generated-50.yaml")
        eng = Engine(sc)
        start, _ = eng.start(np.random.default_rng(0))
        t0 = time.perf_counter()
        an = analyze(eng, start, paths=False)
        dt = time.perf_counter() - t0
        what = "guards on mood every 7th scene" if guarded else "guards on flags only"
        print(
            f"1. exhaustive bounds, generated 50 scenes x 3 choices, loops and flags, {what}: "
            f"{an.states:,} states in {dt:.2f} s ({'exact' if an.exact else 'budget reached: explore samples'})"
        )

    t0 = time.perf_counter()
    sample = random_runs(eng, 5000, 1)
    dt = time.perf_counter() - t0
    print(
        f"2. random exploration, generated 50 scenes, one core: {sample.runs / dt:,.0f} runs/s "
        f"({sample.runs / dt * 60:,.0f} runs/min, {sample.turns / sample.runs:.1f} turns/run)"
    )

    def engine_run(rng):
        s, _ = eng.start(rng)
        n = 0
        while not eng.ended(s) and n < 500:
            moves = eng.offered_effects(s)
            if not moves:
                break
            s, _ = eng.apply_turn(s, moves[int(rng.integers(len(moves)))])
            n += 1
        return n

    bare = BareInterpreter(text)
    r_engine = turn_rate(engine_run, a.seconds)
    r_bare = turn_rate(bare.run, a.seconds)
    ratio = r_engine / r_bare
    ok &= ratio >= 0.5
    print(
        f"3. turn rate: engine {r_engine:,.0f}/s, bare dict interpreter {r_bare:,.0f}/s: "
        f"{ratio:.2f}x (target >= 0.5x) {'ok' if ratio >= 0.5 else 'MISSED'}"
    )

    biggest = max((ROOT / "scenarios").glob("*.yaml"), key=lambda p: p.stat().st_size)
    words = len(biggest.read_text().split())
    big = Engine(load_file(biggest))
    _, one = explore_random(str(biggest), big, a.runs // 4, 3, jobs=1, progress=False)
    _, both = explore_random(str(biggest), big, a.runs, 3, progress=False)
    rate1, rate2 = (a.runs // 4) / one, a.runs / both
    ok &= rate2 >= 3000
    print(
        f"4. explore {biggest.name} (~{words:,} words of YAML): {rate1:,.0f} runs/s on one core, "
        f"{rate2:,.0f} runs/s on all cores (target >= 3,000) {'ok' if rate2 >= 3000 else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
