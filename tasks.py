#!/usr/bin/env python3
"""Set up and run Rehearse with nothing but Python installed.

    python3 tasks.py play [ARGS...]   set up .venv (what playing needs), then start Rehearse
    python3 tasks.py test [ARGS...]   set up .venv with the test tools too, then run the tests
    python3 tasks.py check-types      mypy on the core (loader, engine, run, scoring)
    python3 tasks.py wheel            build the wheel, install it in a fresh venv outside the
                                      checkout, and run it there from another folder
    python3 tasks.py test-latest      the tests on the newest versions pyproject.toml's ranges allow
                                      (in .venv-latest, not locked)
    python3 tasks.py lock             refresh the lock files with uv (needs the network)
    python3 tasks.py docs             rewrite the generated parts of docs/ (the diagnostic codes table)

Installs come from the lock files (exact versions and sha256 hashes, pip --require-hashes):
requirements.lock for playing, requirements-test.lock for the tests, requirements-lrs.lock for the
local learning-record store the xAPI test talks to. .venv is rebuilt whenever a lock file or
pyproject.toml changes.

Standard library only: this file runs before anything is installed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".rehearse-install.json"
LOCKS = {
    "play": ROOT / "requirements.lock",
    "test": ROOT / "requirements-test.lock",
    "lrs": ROOT / "requirements-lrs.lock",
}
# The lock's inputs. The build backend is locked too: the checkout is installed with
# --no-build-isolation, so nothing unhashed is downloaded to build it.
BUILD_REQUIREMENT = "setuptools>=77\n"
LRS_REQUIREMENTS = "ralph-malph[backend-fs,cli,lrs]==5.1.0\nrequests\n"
UV = "uv==0.13.9"
PIP = ["-m", "pip", "--disable-pip-version-check"]


def say(msg: str) -> None:
    print(f"[rehearse] {msg}", flush=True)


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def python_in(env: Path) -> Path:
    return bin_dir(env) / ("python.exe" if os.name == "nt" else "python")


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def run(cmd: list[str], what: str, **kw) -> None:
    if subprocess.call(cmd, **kw) != 0:
        sys.exit(f"[rehearse] {what} failed; see the messages above.")


def ensure_venv(kind: str) -> Path:
    """.venv with the locked dependencies for `kind` ("play" or "test") and Rehearse (editable)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything checks the version
        sys.exit(f"Rehearse needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = {k: digest(LOCKS[k], ROOT / "pyproject.toml") for k in ("play", "test")}
    stamp = {}
    if STAMP.exists():
        try:
            stamp = json.loads(STAMP.read_text())
        except ValueError:
            stamp = {}
    # The test set is a superset of the play set, with the same versions (see `lock`).
    if stamp.get(kind) == wanted[kind] or (kind == "play" and stamp.get("test") == wanted["test"]):
        return python_in(VENV)
    fresh = not any(stamp.get(k) == wanted[k] for k in wanted)
    if fresh and VENV.exists():
        say("the lock files changed since .venv was made: building it again...")
        shutil.rmtree(VENV)
    py = python_in(VENV)
    if not py.exists():
        say("creating .venv (first run only)...")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say(f"installing the locked dependencies for '{kind}' into .venv (about a minute the first time)...")
    run(
        [str(py), *PIP, "install", "-q", "--require-hashes", "--no-deps", "-r", str(LOCKS[kind])],
        "installing the locked dependencies",
    )
    run(
        [str(py), *PIP, "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(ROOT)],
        "installing Rehearse into .venv",
    )
    stamp = {k: v for k, v in stamp.items() if not fresh and v == wanted.get(k)}
    stamp[kind] = wanted[kind]
    STAMP.write_text(json.dumps(stamp) + "\n")
    say("ready.")
    return py


LRS = ROOT / ".lrs"


def ensure_lrs() -> None:
    """Ralph, a Python learning-record store, for the xAPI integration test. Best effort: if it
    cannot be installed, that one test is skipped and says why."""
    stamp = LRS / ".rehearse-install"
    want = digest(LOCKS["lrs"])
    if stamp.exists() and stamp.read_text().strip() == want:
        return
    say("installing Ralph (a local learning-record store) into .lrs for the xAPI test...")
    if LRS.exists():
        shutil.rmtree(LRS)
    venv.EnvBuilder(with_pip=True).create(LRS)
    code = subprocess.call(
        [str(python_in(LRS)), *PIP, "install", "-q", "--require-hashes", "--no-deps", "-r", str(LOCKS["lrs"])]
    )
    if code == 0:
        stamp.write_text(want + "\n")
    else:
        say("Ralph could not be installed; the LRS integration test will be skipped.")


def pytest(py: Path, args: list[str]) -> int:
    code = subprocess.call([str(py), "-m", "pytest", *args], cwd=ROOT)
    if code == 5:
        print("[rehearse] pytest collected no tests: that is a failure here.")
        return 1
    return code


def check_types() -> int:
    py = ensure_venv("test")
    say("mypy on the core (pyproject.toml [tool.mypy])...")
    return subprocess.call([str(py), "-m", "mypy"], cwd=ROOT)


def wheel() -> int:
    """Build the wheel and run it as a user who installed it would: a fresh venv outside the
    checkout, started from an unrelated folder."""
    py = ensure_venv("test")
    with tempfile.TemporaryDirectory(prefix="rehearse-wheel-") as tmp:
        t = Path(tmp)
        say("building the wheel...")
        run(
            [str(py), *PIP, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(t / "dist"), str(ROOT)],
            "building the wheel",
        )
        # Building in place leaves build/ behind; it is ignored by git, but a stale copy could
        # hide a file that a later build no longer packages.
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        (whl,) = (t / "dist").glob("rehearse-*.whl")
        say(f"installing {whl.name} into a fresh venv outside the checkout...")
        env = t / "venv"
        venv.EnvBuilder(with_pip=True).create(env)
        epy = python_in(env)
        run([str(epy), *PIP, "install", "-q", "--require-hashes", "--no-deps", "-r", str(LOCKS["play"])], "install")
        run([str(epy), *PIP, "install", "-q", "--no-deps", str(whl)], "installing the wheel")
        work = t / "elsewhere"
        work.mkdir()
        return subprocess.call(
            [str(epy), str(ROOT / ".ci" / "wheel_smoke.py"), str(bin_dir(env) / "rehearse")],
            cwd=work,
            # no display: the picker must fall back to the text player, as on a server
            env={
                **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")},
                "REHEARSE_DATA": str(t / "data"),
            },
        )


def test_latest(args: list[str]) -> int:
    """The suite on the newest releases the ranges in pyproject.toml allow, in .venv-latest."""
    env = ROOT / ".venv-latest"
    if env.exists():
        shutil.rmtree(env)
    say("creating .venv-latest with the newest versions pyproject.toml allows (not locked)...")
    venv.EnvBuilder(with_pip=True).create(env)
    py = python_in(env)
    run([str(py), *PIP, "install", "-q", "--upgrade", "-e", f"{ROOT}[test]"], "installing the newest versions")
    subprocess.call([str(py), *PIP, "list", "--format=freeze"], stdout=open(env / "versions.txt", "w"))
    say(f"installed versions: {env / 'versions.txt'}")
    return pytest(py, args)


def lock() -> int:
    """Refresh the lock files: one universal resolution (Python 3.11+, Linux, macOS, Windows) with
    hashes of every file of every pinned release; the play lock is constrained to the test lock's
    versions, so `play` and `test` install the same releases."""
    tools = ROOT / ".venv-tools"
    uv = bin_dir(tools) / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        venv.EnvBuilder(with_pip=True).create(tools)
        run([str(python_in(tools)), *PIP, "install", "-q", UV], "installing uv")
    common = ["pip", "compile", "--universal", "--python-version", "3.11", "--generate-hashes", "--quiet"]
    common += ["--no-header", "--upgrade"]
    # The inputs live in .venv-tools under fixed names, so the lock's "via" comments are stable.
    inputs = tools / "lock-inputs"
    inputs.mkdir(exist_ok=True)
    (inputs / "build.in").write_text(BUILD_REQUIREMENT)
    (inputs / "lrs.in").write_text(LRS_REQUIREMENTS)
    build, lrs = (str((inputs / n).relative_to(ROOT)) for n in ("build.in", "lrs.in"))
    steps = [
        ("test", ["pyproject.toml", build, "--extra", "test"]),
        ("play", ["pyproject.toml", build, "--constraint", LOCKS["test"].name]),
        ("lrs", [lrs]),
    ]
    for name, srcs in steps:
        say(f"locking {LOCKS[name].name}...")
        run([str(uv), *common, *srcs, "-o", LOCKS[name].name], f"locking {name}", cwd=ROOT)
    say("done: review the diff of the lock files, run the tests, and commit them.")
    return 0


DOCS_BLOCKS = {  # file -> (begin marker, end marker, generator: module:function)
    ROOT / "docs" / "authoring.md": ("<!-- codes:begin", "<!-- codes:end -->", "simulator.core.codes:reference_table"),
}


def docs() -> int:
    """Regenerate each marked block of docs/ from the code that owns it."""
    py = ensure_venv("play")
    for path, (begin, end, gen) in DOCS_BLOCKS.items():
        module, func = gen.split(":")
        table = subprocess.run(
            [str(py), "-c", f"import sys; from {module} import {func}; sys.stdout.write({func}())"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        text = path.read_text(encoding="utf-8")
        a = text.index("\n", text.index(begin)) + 1
        b = text.index(end)
        path.write_text(text[:a] + table + text[b:], encoding="utf-8")
        say(f"rewrote the generated block of {path.relative_to(ROOT)}")
    return 0


def main(argv: list[str]) -> int:
    task, rest = (argv[0], argv[1:]) if argv else ("", [])
    if task == "play":
        return subprocess.call([str(ensure_venv("play")), "-m", "simulator", *rest])
    if task == "test":
        py = ensure_venv("test")
        ensure_lrs()
        return pytest(py, rest)
    if task == "setup":
        ensure_venv("test")
        return 0
    if task == "check-types":
        return check_types()
    if task == "wheel":
        return wheel()
    if task == "test-latest":
        return test_latest(rest)
    if task == "lock":
        return lock()
    if task == "docs":
        return docs()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
