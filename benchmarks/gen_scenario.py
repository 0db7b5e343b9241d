"""Generate large, valid scenario files for benchmarks (and big-file tests).

May import: the standard library only, so it runs before anything is installed."""

from __future__ import annotations

import argparse
import random


def generate(scenes: int, choices: int = 3, seed: int = 1, loops: bool = True, mood_guards: bool = True) -> str:
    """A valid rehearse/1 scenario with `scenes` choice scenes, in YAML text.

    Every scene is reachable (scene i always offers i+1) and every path ends; with `loops`,
    some choices jump back with `once`, and flags count what happened. With `mood_guards`, every
    seventh scene routes on the mood (so the mood is part of every state the analysis compares)."""
    rnd = random.Random(seed)
    out = [
        "format: rehearse/1",
        f"id: generated-{scenes}",
        f"title: Generated scenario with {scenes} scenes",
        "summary: A machine-made scenario for benchmarks.",
        "topics: [de-escalation, relationship]",
        'grades: "9-12"',
        "student:",
        "  name: Sam",
        "  pronouns: they/them",
        "  mood: {stress: 0.5, trust: 0.4, openness: 0.3}",
        "  jitter: 0.05",
        "  drift: 0.1",
        "flags:",
        "  calm: false",
        "  attempts: 0",
        "start: s0",
        "scenes:",
    ]
    for i in range(scenes):
        last = i == scenes - 1
        out.append(f"  s{i}:")
        out.append(f"    narration: Scene {i}. The room is quiet; Sam looks at the clock and back at the desk.")
        out.append(f'    student: "Line {i}: I do not really want to talk about it right now."')
        if i % 5 == 0:
            out.append("    cues:")
            out.append(f"      - id: c{i}a")
            out.append("        text: Shoulders tight, jaw set.")
            out.append("        sign: true")
            out.append("        note: Tension often shows in the body first.")
            out.append(f"      - id: c{i}b")
            out.append("        text: Hood is up.")
            out.append("        sign: false")
            out.append("        note: Clothing is not a behaviour.")
        if i % 7 == 3:
            # a next scene: route on mood
            nxt = f"s{i + 1}" if not last else None
            out.append("    next:")
            if nxt:
                out.append(
                    "      - if: stress > 0.8 and not calm" if mood_guards else "      - if: attempts > 2 and not calm"
                )
                out.append("        goto: end_poor")
                out.append(f"      - goto: {nxt}")
            else:
                out.append("      - goto: end_good")
            continue
        out.append("    choices:")
        for c in range(choices):
            if c == 0:
                goto = f"s{i + 1}" if not last else "end_good"
            elif c == 1:
                goto = "end_poor" if rnd.random() < 0.2 else (f"s{i + 1}" if not last else "end_mixed")
            else:
                back = max(0, i - rnd.randint(1, 3))
                goto = f"s{back}" if loops and i > 0 else (f"s{i + 1}" if not last else "end_mixed")
            out.append(f"      - id: ch{c}")
            out.append(f'        text: "Choice {c} in scene {i}: say something calm and specific."')
            if c == 2 and loops and i > 0:
                out.append("        once: true")
                out.append("        if: attempts < 3")
                out.append("        add: {attempts: 1}")
            out.append(f"        goto: {goto}")
            d = rnd.choice([-0.2, -0.1, 0.1, 0.2])
            out.append(f"        mood: {{stress: {d:+.1f}, trust: {-d:+.1f}}}")
            out.append(f"        score: {{de_escalation: {rnd.randint(-3, 3)}, relationship: {rnd.randint(-3, 3)}}}")
            if c == 0:
                out.append("        set: {calm: true}")
            out.append("        feedback: A calm, specific move keeps the conversation going.")
        if i % 11 == 0:
            out.append(
                f"    timeout: {{seconds: 20, goto: {f's{i + 1}' if not last else 'end_mixed'}, feedback: Silence let it grow.}}"
            )
    out.append("  end_good:")
    out.append("    ending: good")
    out.append("  end_mixed:")
    out.append("    ending: mixed")
    out.append("  end_poor:")
    out.append("    ending: poor")
    out.append("endings:")
    out.append("  good: {title: Repaired, outcome: good, debrief: It went well.}")
    out.append("  mixed: {title: Strained, outcome: mixed, debrief: Safe but strained.}")
    out.append("  poor: {title: Walked out, outcome: poor, debrief: It ended badly.}")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenes", type=int)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--choices", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    with open(a.output, "w", encoding="utf-8") as f:
        f.write(generate(a.scenes, a.choices, a.seed))


if __name__ == "__main__":
    main()
