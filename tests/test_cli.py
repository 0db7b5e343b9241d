"""The command line through `cli.main`: output and exit codes, and never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SCENARIOS, TINY, run_cli

EXAMPLE = str(SCENARIOS / "phone-standoff.yaml")


def write(tmp_path, name: str, text: str | bytes):
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(p)


def test_check_clean_file(tmp_path):
    clean = TINY.replace(
        "        goto: b\n", "        goto: b\n        feedback: Talking helps.\n        score: {relationship: 1}\n"
    )
    code, out, err = run_cli(["check", write(tmp_path, "tiny.yaml", clean)])
    assert code == 0 and out == "" and "1 file checked: 0 errors, 0 warnings" in err


def test_check_reports_errors_with_positions_and_hints(tmp_path):
    f = write(tmp_path, "tiny.yaml", TINY.replace("goto: b", "goto: bb"))
    code, out, err = run_cli(["check", f])
    assert code == 1
    assert out.splitlines()[0] == f"{f}:18:15: error: goto names scene 'bb', which does not exist [unknown-scene]"
    assert out.splitlines()[1].startswith("  hint: ")


def test_check_json(tmp_path):
    f = write(tmp_path, "tiny.yaml", TINY.replace("goto: b", "goto: bb"))
    code, out, _ = run_cli(["check", "--format", "json", f])
    data = json.loads(out)
    assert code == 1 and data[0]["line"] == 18 and data[0]["col"] == 15
    assert set(data[0]) == {
        "file",
        "line",
        "col",
        "end_line",
        "end_col",
        "severity",
        "code",
        "message",
        "hint",
        "subjects",
    }
    assert data[0]["severity"] == "error" and data[0]["code"] == "unknown-scene"
    assert data[0]["message"] == "goto names scene 'bb', which does not exist"  # the code is not in the text


def test_warnings_pass_unless_strict(tmp_path):
    f = write(tmp_path, "other-name.yaml", TINY)
    assert run_cli(["check", f])[0] == 0
    code, out, _ = run_cli(["check", "--strict", f])
    assert code == 1 and "warning: the scenario id 'tiny' differs" in out


def test_check_folders_and_missing_paths(tmp_path):
    write(tmp_path, "tiny.yaml", TINY)
    sub = tmp_path / "more"
    sub.mkdir()
    write(sub, "bad.yaml", "format: rehearse/1\n")
    code, out, err = run_cli(["check", str(tmp_path), str(tmp_path / "nope.yaml")])
    assert code == 1 and "2 files checked" in err
    assert "bad.yaml:1:1: error: the scenario is missing the required key 'id'" in out
    assert "nope.yaml:1:1: error: no such file or folder" in out


def test_check_survives_any_garbage(tmp_path):
    for i, data in enumerate([b"\x00\xff\xfe", b"{{{{", b"- - - -", b"format: [", b"a: *x", "é: ü".encode()]):
        code, out, err = run_cli(["check", write(tmp_path, f"g{i}.yaml", data)])
        assert code == 1 and "Traceback" not in out + err and ": error: " in out


def test_shipped_scenarios_are_strictly_clean():
    code, out, err = run_cli(["check", "--strict", str(SCENARIOS)])
    assert code == 0, out + err


def test_bad_arguments_exit_2_without_traceback(capsys):
    for argv in (["play"], ["play", EXAMPLE, "--mode", "sleepy"], ["play", EXAMPLE, "--seed", "x"], ["fly"], ["check"]):
        code, out, err = run_cli(argv)
        captured = capsys.readouterr()
        assert code == 2, argv
        assert "Traceback" not in out + err + captured.err


def test_play_missing_or_broken_file(tmp_path):
    code, out, err = run_cli(["play", str(tmp_path / "none.yaml"), "--text"])
    assert code == 1 and "no such file" in err
    f = write(tmp_path, "tiny.yaml", TINY.replace("start: a", "start: x"))
    code, out, err = run_cli(["play", f, "--text"])
    assert code == 1 and "start names scene 'x'" in err and "Traceback" not in err


def test_script_that_picks_a_choice_not_offered(tmp_path):
    s = write(tmp_path, "s.yaml", "- choose: public\n- choose: 2\n")
    code, out, err = run_cli(["play", EXAMPLE, "--text", "--script", s, "--seed", "1"])
    assert code == 1
    assert f"{s}:2:3: error: turn 2: choice '2' is not offered now in scene 'standoff'; offered: 1" in err


def test_script_that_runs_out(tmp_path):
    s = write(tmp_path, "s.yaml", "- choose: public\n")
    code, out, err = run_cli(["play", EXAMPLE, "--text", "--script", s])
    assert code == 1 and "ran out after 1 turn(s)" in err and "scene 'standoff', which offers 1" in err


def test_malformed_script(tmp_path):
    s = write(tmp_path, "s.yaml", "- chose: crouch\n")
    code, out, err = run_cli(["play", EXAMPLE, "--text", "--script", s])
    assert code == 1 and f"{s}:1:3: error: unknown key 'chose'" in err and "did you mean 'choose'" in err


def test_script_with_an_unknown_cue(tmp_path):
    s = write(tmp_path, "s.yaml", "- choose: crouch\n  notice: [jaws]\n")
    code, out, err = run_cli(["play", EXAMPLE, "--text", "--script", s])
    assert code == 1 and "cue 'jaws' is not shown in scene 'quiz'; cues here: jaw, hoodie" in err


def test_log_is_written_after_every_turn(tmp_path):
    s = write(tmp_path, "s.yaml", "- choose: public\n")
    log = tmp_path / "run.json"
    run_cli(["play", EXAMPLE, "--text", "--script", s, "--log", str(log), "--seed", "2"])
    data = json.loads(log.read_text())
    assert data["ending"] is None and [t["choice"] for t in data["turns"]] == ["public"]
    assert data["score"]["dimensions"]["de_escalation"] == {"raw": -2}  # bounds come with the ending


def test_schema_is_valid_and_accepts_the_shipped_scenarios():
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    code, out, _ = run_cli(["schema"])
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    for f in sorted(SCENARIOS.glob("*.yaml")):
        errors = list(v.iter_errors(yaml.safe_load(f.read_text())))
        assert not errors, (f.name, [e.message for e in errors][:3])
    bad = yaml.safe_load(TINY.replace("outcome: good", "outcome: great"))
    assert list(v.iter_errors(bad))


def test_no_arguments_opens_the_picker_in_text(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")  # no display: the text picker
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, _ = run_cli([], stdin="q\n")
    assert code == 0 and "No display found: starting the text player" in out and "The Phone" in out


def test_python_m_simulator_and_the_version():
    r = subprocess.run([sys.executable, "-m", "simulator", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.startswith("rehearse ")


def test_internal_errors_are_one_line(monkeypatch):
    import simulator.shells.cli.authoring as cli

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cli, "cmd_check", boom)
    code, out, err = run_cli(["check", "x"])
    assert code == 70 and "internal error: RuntimeError: kaboom" in err and "Traceback" not in err


def test_unwritable_log_path_is_a_clear_error(tmp_path):
    s = write(tmp_path, "s.yaml", "- choose: crouch\n")
    code, out, err = run_cli(["play", EXAMPLE, "--script", s, "--log", str(tmp_path / "no" / "dir" / "l.json")])
    assert code == 1 and "cannot write the run log" in err and "Traceback" not in err


def test_interactive_runs_are_saved_after_every_turn_in_the_records(tmp_path):
    from simulator.records.runs import Records

    code, out, _ = run_cli(["play", EXAMPLE, "--text", "--seed", "4", "--data", str(tmp_path)], stdin="\n2\nquit\n")
    assert code == 0 and "saved in your records; `rehearse resume` continues it" in out
    (row,) = Records.open(tmp_path).runs()
    assert row.scenario_id == "phone-standoff" and row.turns == 1 and not row.ended


def test_the_shipped_schema_file_is_up_to_date():
    code, out, _ = run_cli(["schema"])
    assert (ROOT / "docs" / "rehearse.schema.json").read_text() == out, (
        "regenerate it: .venv/bin/rehearse schema > docs/rehearse.schema.json"
    )


def test_one_path_opens_the_window():
    """Every command opens the window through player.main.play_window; nothing else builds a Player
    or starts its loop (so resume, the picker and the workshop cannot drift apart)."""
    import ast

    from conftest import ROOT

    found = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name in ("Player", "loop") and rel != "simulator/shells/player/main.py":
                    if not rel.startswith("simulator/shells/player/app.py"):
                        found.append(f"{rel}:{node.lineno}: {name}(...)")
    assert found == [], found
