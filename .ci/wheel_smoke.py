"""Run an installed Rehearse the way a user who installed the wheel would (tasks.py wheel).

Started by the fresh venv's Python, in an empty folder outside the checkout, with the path of
the installed `rehearse` command. Every step prints what it checks; the first failure exits 1.

Standard library only, apart from the installed package itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REHEARSE = sys.argv[1]
HERE = Path.cwd()
failures: list[str] = []


def step(what: str, args: list[str], *, stdin: str = "", expect: int = 0, contains: str = "") -> str:
    p = subprocess.run([REHEARSE, *args], input=stdin, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    ok = p.returncode == expect and contains in out and "Traceback" not in out and "internal error" not in out
    print(f"[wheel] {'ok  ' if ok else 'FAIL'} {what}: rehearse {' '.join(args)} -> exit {p.returncode}")
    if not ok:
        failures.append(what)
        print("       " + out[-2000:].replace("\n", "\n       "))
    return out


def check(what: str, ok: bool, detail: str = "") -> None:
    print(f"[wheel] {'ok  ' if ok else 'FAIL'} {what}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(what)


probe = subprocess.run(
    [
        sys.executable,
        "-c",
        "import json, simulator, simulator.core.paths as p;"
        "print(json.dumps({'pkg': simulator.__file__, 'lib': str(p.library_dir()),"
        " 'assets': str(p.assets_dir()), 'schema': str(p.schema_file())}))",
    ],
    capture_output=True,
    text=True,
)
where = json.loads(probe.stdout)
site = Path(where["pkg"]).resolve().parent
check("the package is the installed one", "site-packages" in where["pkg"], where["pkg"])
lib = Path(where["lib"])
check("the library is package data", lib.is_relative_to(site), str(lib))
ids = sorted(p.stem for p in lib.glob("*.yaml"))
check("the whole library is there", len(ids) >= 19, f"{len(ids)} scenarios")
check("the library's playthroughs are there", len(list((lib / "tests").glob("*.tests.yaml"))) == len(ids))
assets = Path(where["assets"])
check("crisis resources are there", (assets / "crisis-resources.json").is_file())
check("the font is there", len(list((assets / "fonts").glob("Inter-*.otf"))) == 3)
check("the editor schema is there", Path(where["schema"]).is_file() and Path(where["schema"]).is_relative_to(site))

step("version", ["--version"], contains="rehearse")
step("check the shipped library", ["check", str(lib)])
step("check a shipped scenario by id", ["check", "the-sketchbook"])
step("the shipped playthroughs pass", ["test", str(lib)])
script = HERE / "turns.yaml"
script.write_text("- choose: crouch\n  notice: [jaw]\n")
step(
    "play a shipped scenario by id with a script",
    ["play", "phone-standoff", "--script", str(script), "--log", str(HERE / "run.json"), "--seed", "7"],
)
check("the run's log was written", (HERE / "run.json").is_file())
out = step(
    "the picker opens on the shipped library (no display: text)", [], stdin="q\n", contains="choose a conversation"
)
check("the picker lists every shipped scenario", out.count(". ") >= len(ids) and "Sketchbook" in out)
step("an unknown id is a clean error", ["play", "the-sketchbok"], expect=1, contains="the-sketchbook")
step("new writes into the current folder", ["new", "late-again", "--topic", "equity", "--grades", "6-8"])
check("new wrote ./late-again.yaml", (HERE / "late-again.yaml").is_file())
check("the schema its modeline names is beside it", (HERE / "rehearse.schema.json").is_file())
step("the new file checks", ["check", str(HERE / "late-again.yaml")])

if failures:
    print(f"[wheel] {len(failures)} failed: {', '.join(failures)}")
    sys.exit(1)
print("[wheel] the installed wheel works from outside the checkout")
