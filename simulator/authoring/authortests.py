"""`rehearse test`: playthroughs an author writes beside a scenario, and what each must yield.

A test file is `<scenario id>.tests.yaml` (in the scenario's folder or a `tests/` folder below
it). Format (docs/authoring.md, "Tests inside scenarios"):

    scenario: after-the-fight          # optional: defaults to the file name
    tests:
      - name: the clean path repairs the harm
        seed: 7                        # optional, default 0
        mode: assess                   # optional
        turns:                         # a script (see --script)
          - choose: space
            notice: [fists]
        expect:
          ending: repaired             # and/or outcome: good
          critical: false
          score: {restorative: ">= 20", relationship: "10..16"}   # raw: N, ">= N", "<= N", "N..M"
          percent: {restorative: 100}                             # the same forms, on percent
          cues: {hits: 5, false_alarms: 0, misses: 0}

Test files are untrusted input like scenarios."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from simulator.core import yamlnodes as yn
from simulator.core.errors import ScenarioError, did_you_mean

SUFFIX = ".tests.yaml"
_RANGE = re.compile(r"^\s*(?:(>=|<=|>|<|==)\s*(-?\d+(?:\.\d+)?)|(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?))\s*%?\s*$")


@dataclass
class Case:
    name: str
    line: int
    seed: int = 0
    mode: str = "assess"
    turns: list = field(default_factory=list)
    expect: dict = field(default_factory=dict)


@dataclass
class Outcome:
    file: str
    case: Case
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def find_test_files(paths) -> tuple[list[Path], list[str]]:
    """The test files under `paths`, and a message for each path that gave none it could read.

    Hidden folders and files are skipped only below the folder named: `../scenarios` and
    `./scenarios` are searched. A FIFO named x.tests.yaml is skipped, never opened (it would block)."""
    out: list[Path] = []
    problems: list[ScenarioError] = []
    for name in map(str, paths):
        p = Path(name)
        if not os.path.lexists(p):
            problems.append(ScenarioError(name, 1, 1, "no such file or folder", "check the path", code="not-found"))
        elif p.is_dir():
            for q in sorted(p.rglob(f"*{SUFFIX}")):
                if any(part.startswith(".") for part in q.relative_to(p).parts):
                    continue
                if _regular(q):
                    out.append(q)
                else:
                    problems.append(ScenarioError(str(q), 1, 1, "skipped: not a regular file", code="skipped-entry"))
        elif not _regular(p):
            problems.append(
                ScenarioError(name, 1, 1, "not a regular file (a named pipe, socket or device?)", code="not-a-file")
            )
        elif p.name.endswith(SUFFIX):
            out.append(p)
        elif p.suffix in (".yaml", ".yml"):  # a scenario: its tests beside it or in tests/
            stem = p.name.rsplit(".", 1)[0]
            for cand in (p.with_name(stem + SUFFIX), p.parent / "tests" / (stem + SUFFIX)):
                if cand.is_file():
                    out.append(cand)
        else:
            problems.append(
                ScenarioError(
                    name,
                    1,
                    1,
                    "not a test file, a scenario or a folder",
                    "give a .tests.yaml file, a scenario beside its tests, or a folder",
                    code="not-a-file",
                )
            )
    return out, problems


def _regular(path: Path) -> bool:
    """Whether `path` is a regular file (asked without opening it: opening a FIFO blocks)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _scenario_id(node, file: str) -> str:
    """The id a test file's `scenario:` names; the scenario must sit beside the test file or one folder
    up, so a path (`../../etc/x.yaml`, `/tmp/x.yaml`) is refused rather than followed."""
    from simulator.core.loader import SCENARIO_SLUG

    text = node.text if isinstance(node, yn.Scalar) and isinstance(node.value, str) else None
    if text is None:
        raise ScenarioError(
            file,
            node.line,
            node.col,
            "'scenario:' should be the id of a scenario",
            hint="e.g. scenario: after-the-fight",
            code="bad-tests",
        )
    sid = text[: -len(".yaml")] if text.endswith(".yaml") else text
    if "/" in sid or "\\" in sid or sid.startswith(".") or Path(sid).is_absolute():
        raise ScenarioError(
            file,
            node.line,
            node.col,
            f"'scenario: {text}' points outside the test file's folder",
            hint="name the scenario by its id; it must be in the test file's folder or the folder above",
            code="bad-tests",
        )
    if not SCENARIO_SLUG.match(sid):
        raise ScenarioError(
            file,
            node.line,
            node.col,
            f"'{text}' is not a scenario id",
            hint="lowercase letters, digits and hyphens, as in the scenario's 'id:'",
            code="bad-tests",
        )
    return sid


def read_tests(path: Path) -> tuple[str, list[Case]]:
    file = str(path)
    root = yn.parse(yn.decode(path.read_bytes(), file), file)
    if not isinstance(root, yn.Mapping):
        raise ScenarioError(file, root.line, root.col, "a test file is a mapping with 'tests:'", code="bad-tests")
    keys = {k.text: v for k, v in root.pairs}
    for k, _ in root.pairs:
        if k.text not in ("scenario", "tests") and not k.text.startswith("x-"):
            raise ScenarioError(
                file,
                k.line,
                k.col,
                f"unknown key '{k.text}' in a test file",
                hint=did_you_mean(k.text, ("scenario", "tests")),
                code="bad-tests",
            )
    sid = _scenario_id(keys["scenario"], file) if "scenario" in keys else path.name[: -len(SUFFIX)]
    tests = keys.get("tests")
    if not isinstance(tests, yn.Sequence):
        raise ScenarioError(
            file, root.line, root.col, "a test file needs 'tests:', a list of playthroughs", code="bad-tests"
        )
    from simulator.session.script import script_turns

    cases = []
    for i, item in enumerate(tests.items, 1):
        if not isinstance(item, yn.Mapping):
            raise ScenarioError(file, item.line, item.col, f"test {i} should be a mapping", code="bad-tests")
        f = {k.text: v for k, v in item.pairs}
        for k, _ in item.pairs:
            if k.text not in ("name", "seed", "mode", "turns", "expect"):
                raise ScenarioError(
                    file,
                    k.line,
                    k.col,
                    f"unknown key '{k.text}' in test {i}",
                    hint=did_you_mean(k.text, ("name", "seed", "mode", "turns", "expect")),
                    code="bad-tests",
                )
        name = f["name"].text if isinstance(f.get("name"), yn.Scalar) else f"test {i}"
        if "turns" not in f:
            raise ScenarioError(file, item.line, item.col, f"test '{name}' needs 'turns:'", code="bad-tests")
        seed = f["seed"].value if isinstance(f.get("seed"), yn.Scalar) and isinstance(f["seed"].value, int) else 0
        mode = f["mode"].text if isinstance(f.get("mode"), yn.Scalar) else "assess"
        cases.append(Case(name, item.line, seed, mode, script_turns(f["turns"], file), _plain(f.get("expect"))))
    return sid, cases


def _plain(node):
    if node is None:
        return {}
    if isinstance(node, yn.Mapping):
        return {k.text: _plain(v) for k, v in node.pairs}
    if isinstance(node, yn.Sequence):
        return [_plain(x) for x in node.items]
    return node.value


def _matches(want, got) -> bool:
    if got is None:
        return False
    if isinstance(want, bool) or not isinstance(want, (int, float, str)):
        return want == got
    if isinstance(want, (int, float)):
        return got == want
    m = _RANGE.match(want)
    if not m:
        return str(got) == want
    if m.group(1):
        op, n = m.group(1), float(m.group(2))
        return {">=": got >= n, "<=": got <= n, ">": got > n, "<": got < n, "==": got == n}[op]
    return float(m.group(3)) <= got <= float(m.group(4))


def run_case(scenario, case: Case) -> list[str]:
    """Play one test; return what did not hold (empty: it passed)."""
    from scoring.scores import score_run
    from simulator.session.run import LogError, replay

    log = {
        "seed": case.seed,
        "mode": case.mode if case.mode in ("coach", "assess") else "assess",
        "turns": [
            {"choice": None if t.kind == "wait" else t.choice, "noticed": list(t.noticed), "reflection": t.reflection}
            for t in case.turns
        ],
    }
    try:
        done = replay(scenario, log)
    except LogError as e:  # a seed that is not a whole number from 0
        return [str(e).replace("damaged run log: ", "the test cannot be played: ")]
    run = done.run
    if done.ended_early:
        return [f"the run ended after turn {done.taken}; the test has {len(case.turns)} turns"]
    if done.stopped is not None:
        return [f"turn {done.taken + 1}: {done.stopped}"]
    fails = []
    e = case.expect
    if not run.ended and ("ending" in e or "outcome" in e):
        fails.append(f"the run did not reach an ending (it is in scene '{run.state.scene}')")
    if "ending" in e and run.ending and run.ending.id != e["ending"]:
        fails.append(f"expected ending '{e['ending']}', got '{run.ending.id}'")
    if "outcome" in e and run.ending and run.ending.outcome != e["outcome"]:
        fails.append(f"expected outcome '{e['outcome']}', got '{run.ending.outcome}'")
    if "critical" in e and run.critical != e["critical"]:
        fails.append(f"expected critical: {str(e['critical']).lower()}, got {str(run.critical).lower()}")
    if any(k in e for k in ("score", "percent")):
        sc = score_run(run.played(), bounds=run.ended)
        dims = {d.name: d for d in sc.dimensions}
        for kind in ("score", "percent"):
            for dim, want in (e.get(kind) or {}).items():
                if dim not in dims:
                    fails.append(f"{kind} of unknown dimension '{dim}'")
                    continue
                got = dims[dim].raw if kind == "score" else dims[dim].percent
                if not _matches(want, got):
                    fails.append(f"expected {dim} {kind} {want}, got {got}")
    for k, want in (e.get("cues") or {}).items():
        got = {"hits": len(run.hits), "misses": len(run.misses), "false_alarms": len(run.false_alarms)}.get(k)
        if not _matches(want, got):
            fails.append(f"expected cues {k} {want}, got {got}")
    return fails


def run_tests(paths, out) -> int:
    """Run every test file found under `paths`; print like a test runner; return the exit code."""
    from simulator.core.loader import read_file

    files, problems_found = find_test_files(paths)
    for problem in problems_found:
        out.write(problem.render() + "\n")
    if not files:
        out.write("No test files found (they are named <scenario>.tests.yaml).\n")
        return 1
    results: list[Outcome] = []
    problems = 0
    for f in files:
        try:
            sid, cases = read_tests(f)
        except ScenarioError as e:
            for d in e.diagnostics:
                out.write(d.render() + "\n")
            problems += 1
            continue
        except OSError as e:
            out.write(
                ScenarioError(str(f), 1, 1, f"cannot read it ({e.strerror or e})", code="unreadable").render() + "\n"
            )
            problems += 1
            continue
        candidates = [f.parent / f"{sid}.yaml", f.parent.parent / f"{sid}.yaml"]
        path = next((c for c in candidates if _regular(c)), None)
        if path is None:
            out.write(
                ScenarioError(
                    str(f), 1, 1, f"scenario '{sid}' not found beside the test file", code="bad-tests"
                ).render()
                + "\n"
            )
            problems += 1
            continue
        scenario, diags = read_file(path)
        if scenario is None:
            out.write(
                ScenarioError(
                    str(f), 1, 1, f"scenario {path} has errors; run rehearse check on it", code="bad-tests"
                ).render()
                + "\n"
            )
            problems += 1
            continue
        for case in cases:
            fails = run_case(scenario, case)
            results.append(Outcome(str(f), case, fails))
            mark = "PASS" if not fails else "FAIL"
            out.write(f"{mark}  {f.name}:{case.line}  {case.name}\n")
            for msg in fails:
                out.write(f"      {msg}\n")
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    out.write(f"\n{passed} passed, {failed} failed" + (f", {problems} file(s) with errors" if problems else "") + "\n")
    errors = sum(p.severity == "error" for p in problems_found)
    return 0 if failed == 0 and problems == 0 and errors == 0 else 1
