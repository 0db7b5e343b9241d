"""Write scenarios/tests/<id>.tests.yaml for each shipped scenario from its golden best and worst
runs (tests/data/golden), so the library uses `rehearse test`. Review the result like code.

    .venv/bin/python tests/data/make_author_tests.py"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden"


def main() -> None:
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        sid = scenario.stem
        cases = []
        for label, what in (("best", "the strongest path"), ("worst", "a path of weak moves")):
            script = GOLDEN / f"{sid}-{label}-7.script.yaml"
            log = GOLDEN / f"{sid}-{label}-7.log.json"
            if not (script.exists() and log.exists()):
                continue
            data = json.loads(log.read_text())
            turns = [line for line in script.read_text().splitlines() if line and not line.startswith("#")]
            expect = [
                f"      ending: {data['ending']}",
                f"      outcome: {data['outcome']}",
                f"      critical: {str(data['critical']).lower()}",
            ]
            if label == "best":
                dims = ", ".join(f"{d}: 100" for d in data["score"]["dimensions"])
                expect.append(f"      percent: {{{dims}}}")
                expect.append("      cues: {false_alarms: 0, misses: 0}")
            cases.append(
                "\n".join(
                    [
                        f"  - name: {what} ends {data['outcome']} ({data['ending']})",
                        "    seed: 7",
                        "    turns:",
                        *("    " + t for t in turns),
                        "    expect:",
                        *expect,
                    ]
                )
            )
        if cases:
            out = ROOT / "scenarios" / "tests" / f"{sid}.tests.yaml"
            out.write_text(
                f"# Playthroughs scenarios/{sid}.yaml must support (rehearse test scenarios/).\n"
                f"scenario: {sid}\ntests:\n" + "\n".join(cases) + "\n"
            )
            print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
