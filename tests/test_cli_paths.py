"""The command line from any folder, and with any file or path it is handed (issue 11).

Shipped scenarios by id, new/import writing where the author stands, FIFOs, planted links,
test files that point outside their folder, and paths with a part starting with a dot."""

from __future__ import annotations

import json
import os
import signal

import pytest
from conftest import SCENARIOS, TINY, deadline, run_cli

from simulator.core.paths import library_dir

PHONE = SCENARIOS / "phone-standoff.yaml"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "alarm"), reason="needs FIFOs")


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A current folder outside the checkout."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- shipped scenarios by id ------------------------------------------------------------------------


def test_check_and_play_a_shipped_scenario_by_id_from_any_folder(elsewhere):
    code, out, err = run_cli(["check", "the-sketchbook"])
    assert code == 0 and "1 file checked: 0 errors" in err, out + err
    code, out, err = run_cli(["play", "the-sketchbook", "--text"], stdin="q\n")
    assert code == 0 and "== Content note ==" in out and "You left before starting" in out
    code, out, err = run_cli(
        ["play", "phone-standoff.yaml", "--text", "--seed", "5", "--mode", "assess"], stdin="\n1\n"
    )
    assert code == 0 and "== Debrief ==" in out, err
    code, out, _ = run_cli(["explore", "phone-standoff"])
    assert code == 0 and "Every scene is reached" in out


def test_an_unknown_id_gets_a_hint_only_when_one_is_close(elsewhere):
    code, out, err = run_cli(["play", "the-sketchbok", "--text"])
    assert code == 1 and "no scenario file or shipped scenario named 'the-sketchbok'" in err
    assert "hint: did you mean 'the-sketchbook'?" in err and "Traceback" not in err
    code, out, err = run_cli(["check", "the-sketchbok"])
    assert code == 1 and "did you mean 'the-sketchbook'?" in out
    code, out, err = run_cli(["check", "zzzz"])
    assert code == 1 and "shipped scenario named 'zzzz'" in out and "did you mean" not in out
    code, out, err = run_cli(["check", str(elsewhere / "the-sketchbook.yaml")])  # a path is never an id
    assert code == 1 and "no such file or folder" in out


def test_a_path_that_exists_wins_over_a_shipped_id(elsewhere):
    (elsewhere / "the-sketchbook.yaml").write_text(TINY)
    code, out, err = run_cli(["check", "the-sketchbook.yaml"])
    # the local file (id tiny) was checked, not the library's
    assert "the scenario id 'tiny' differs" in out and str(library_dir()) not in out


def test_the_picker_opens_on_the_shipped_library_from_any_folder(elsewhere, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")  # no display: the text picker
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, _ = run_cli([], stdin="²\n٣\n" + "9" * 5000 + "\nq\n")
    assert code == 0 and "The Phone" in out
    n = len(list(library_dir().glob("*.yaml")))
    assert out.count(f"Please type a number from 1 to {n}.") == 3


# --- new, import and schema write where the author stands -----------------------------------------------


def test_new_writes_into_the_current_folder_with_a_schema_beside_it(elsewhere):
    before = sorted(p.name for p in library_dir().iterdir())
    code, out, err = run_cli(["new", "my-case", "--topic", "equity", "--grades", "6-8"])
    assert code == 0, err
    f = elsewhere / "my-case.yaml"
    text = f.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=rehearse.schema.json"
    assert (elsewhere / "rehearse.schema.json").read_text() == run_cli(["schema"])[1]
    assert "Wrote rehearse.schema.json" in out
    assert sorted(p.name for p in library_dir().iterdir()) == before
    assert run_cli(["check", "--strict", "my-case.yaml"])[0] == 0
    # a second scenario in the same folder keeps the schema already there
    (elsewhere / "rehearse.schema.json").write_text("{}\n")
    code, out, _ = run_cli(["new", "other-case", "--topic", "equity", "--grades", "6-8"])
    assert code == 0 and "schema" not in out and (elsewhere / "rehearse.schema.json").read_text() == "{}\n"
    assert not list(elsewhere.glob(".*.tmp"))  # no temporary files left behind


def test_new_output_folders_files_and_overwrites(tmp_path):
    args = ["new", "x", "--topic", "equity", "--grades", "6-8", "-o"]
    code, _, err = run_cli([*args, str(tmp_path / "no" / "such" / "x.yaml")])
    assert code == 1 and f"the folder {tmp_path / 'no' / 'such'} does not exist" in err
    assert not (tmp_path / "no").exists()  # no tree created
    code, _, err = run_cli([*args, str(tmp_path / "newdir") + os.sep])
    assert code == 1 and "does not exist" in err and not (tmp_path / "newdir").exists()
    code, _, err = run_cli([*args, str(tmp_path / "x.txt")])
    assert code == 1 and "should end in .yaml" in err
    # onto an existing folder: FOLDER/ID.yaml
    (tmp_path / "here").mkdir()
    code, out, _ = run_cli([*args, str(tmp_path / "here")])
    assert code == 0 and (tmp_path / "here" / "x.yaml").read_text().startswith("# yaml-language-server")
    code, _, err = run_cli([*args, str(tmp_path / "here")])
    assert code == 1 and "exists; pass --force" in err
    (tmp_path / "here" / "x.yaml").write_text("keep me")
    assert run_cli([*args, str(tmp_path / "here"), "--force"])[0] == 0
    assert "TODO" in (tmp_path / "here" / "x.yaml").read_text()
    # a folder where the file would go is never replaced, even with --force
    (tmp_path / "dir" / "x.yaml").mkdir(parents=True)
    code, _, err = run_cli([*args, str(tmp_path / "dir"), "--force"])
    assert code == 1 and "is a folder" in err and (tmp_path / "dir" / "x.yaml").is_dir()


def test_import_writes_into_the_current_folder(elsewhere):
    (elsewhere / "Late Essay.twee").write_text(":: Start\nHello. [[Go->End]]\n\n:: End\nBye.\n")
    code, out, err = run_cli(["import", "Late Essay.twee"])
    assert code == 0, err
    assert (elsewhere / "late-essay.yaml").exists() and (elsewhere / "rehearse.schema.json").exists()
    assert "Wrote late-essay.yaml: it loads" in out
    code, _, err = run_cli(["import", "Late Essay.twee"])
    assert code == 1 and "exists; pass --force" in err
    code, _, err = run_cli(["import", "Late Essay.twee", "-o", "missing/x.yaml"])
    assert code == 1 and "does not exist" in err
    code, _, err = run_cli(["import", "Late Essay.twee", "--grades", '6-8"\nx: ['])
    assert code == 2 and "is not a grade band" in err
    code, _, err = run_cli(["import", "Late Essay.twee", "--topic", "equty"])
    assert code == 2 and "did you mean 'equity'" in err


def test_schema_to_a_file(tmp_path):
    printed = run_cli(["schema"])[1]
    f = tmp_path / "s.json"
    assert run_cli(["schema", "-o", str(f)])[0] == 0 and f.read_text() == printed
    json.loads(f.read_text())
    code, _, err = run_cli(["schema", "-o", str(f)])
    assert code == 1 and "--force" in err
    assert run_cli(["schema", "-o", str(f), "--force"])[0] == 0
    assert run_cli(["schema", "-o", str(tmp_path)])[0] == 0 and (tmp_path / "rehearse.schema.json").exists()
    code, _, err = run_cli(["schema", "-o", str(tmp_path / "no" / "s.json")])
    assert code == 1 and "does not exist" in err


# --- FIFOs, links and paths --------------------------------------------------------------------------------


@needs_fifo
def test_the_picker_skips_a_fifo_in_its_library(tmp_path, monkeypatch):
    from simulator.records.cards import load_cards

    monkeypatch.setenv("REHEARSE_DATA", str(tmp_path / "data"))
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "phone-standoff.yaml").write_text((SCENARIOS / "phone-standoff.yaml").read_text())
    os.mkfifo(lib / "pipe.yaml")
    with deadline(20):
        cards = load_cards(lib)
    assert [c.id for c in cards] == ["phone-standoff"]


@needs_fifo
def test_a_fifo_is_skipped_in_a_folder_and_refused_as_a_file(tmp_path):
    clean = TINY.replace(
        "        goto: b\n", "        goto: b\n        feedback: Fine.\n        score: {relationship: 1}\n"
    )
    (tmp_path / "tiny.yaml").write_text(clean)
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with deadline(20):
        code, out, err = run_cli(["check", str(tmp_path)])
        assert code == 0 and f"{fifo}:1:1: warning: skipped: not a regular file" in out
        assert "1 file checked: 0 errors, 1 warning" in err
        code, out, err = run_cli(["check", str(fifo)])
        assert code == 1 and "error: not a regular file (a named pipe" in out
        code, out, err = run_cli(["play", str(fifo), "--text"])
        assert code == 1 and "not a regular file" in err
        code, out, err = run_cli(["explore", str(fifo)])
        assert code == 1 and "not a regular file" in err
        code, out, err = run_cli(["play", str(PHONE), "--text", "--script", str(fifo)])
        assert code == 1 and "not a regular file" in err
        code, out, err = run_cli(["compare", str(fifo), str(fifo)])
        assert code == 1 and "not a regular file" in err
        twee = tmp_path / "s.twee"
        os.mkfifo(twee)
        code, out, err = run_cli(["import", str(twee), "-o", str(tmp_path / "s.yaml")])
        assert code == 1 and "not a regular file" in err and not (tmp_path / "s.yaml").exists()
        os.mkfifo(tmp_path / "tiny.tests.yaml")
        code, out, err = run_cli(["test", str(tmp_path)])
        assert code == 1 and "tiny.tests.yaml:1:1: warning: skipped: not a regular file [skipped-entry]" in out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_the_log_never_writes_through_a_link_at_its_temporary_name(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    log = tmp_path / "run.json"
    for name in (".run.json.tmp", "run.json.tmp", ".run.json.tmp.json"):  # names a writer might predict
        (tmp_path / name).symlink_to(victim)
    script = tmp_path / "s.yaml"
    script.write_text("- choose: crouch\n")
    code, out, err = run_cli(["play", str(PHONE), "--script", str(script), "--log", str(log), "--seed", "1"])
    assert code == 0, err
    assert victim.read_text() == "precious"
    assert json.loads(log.read_text())["scenario"]["id"] == "phone-standoff" and not log.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".") or p.is_symlink()) == sorted(
        [".run.json.tmp", ".run.json.tmp.json", "run.json", "run.json.tmp", "s.yaml", "victim.txt"]
    )


def test_a_log_into_a_folder_or_a_missing_one_is_refused(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text("- choose: crouch\n")
    for log in (tmp_path, tmp_path / "no" / "l.json"):
        code, out, err = run_cli(["play", str(PHONE), "--script", str(script), "--log", str(log)])
        assert code == 1 and "cannot write the run log" in err and "Traceback" not in err


@pytest.mark.parametrize("target", ["../../etc/x.yaml", "/etc/passwd", "..\\\\x", ".hidden"])
def test_a_test_file_may_not_point_outside_its_folder(tmp_path, target):
    (tmp_path / "x.tests.yaml").write_text(f"scenario: '{target}'\ntests:\n  - turns: [wait]\n")
    code, out, _ = run_cli(["test", str(tmp_path)])
    assert code == 1 and "x.tests.yaml:1:11: error:" in out and "points outside the test file's folder" in out


def test_a_test_file_scenario_must_be_an_id(tmp_path):
    (tmp_path / "x.tests.yaml").write_text("scenario: [a, b]\ntests:\n  - turns: [wait]\n")
    code, out, _ = run_cli(["test", str(tmp_path)])
    assert code == 1 and "'scenario:' should be the id of a scenario" in out


def _phone_with_tests(folder):
    folder.mkdir(parents=True)
    (folder / "phone-standoff.yaml").write_text(PHONE.read_text())
    (folder / "phone-standoff.tests.yaml").write_text(
        "tests:\n  - name: crouch\n    turns: [{choose: crouch}]\n    expect: {ending: repaired}\n"
    )


def test_paths_with_a_dot_part_find_tests_and_scenarios(tmp_path, monkeypatch):
    _phone_with_tests(tmp_path / "lib")
    _phone_with_tests(tmp_path / "lib" / ".hidden")  # hidden below the folder named: skipped
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    for path in ("../lib", "../lib/", "./../lib"):
        code, out, _ = run_cli(["test", path])
        assert code == 0 and out.rstrip().endswith("1 passed, 0 failed"), (path, out)
        code, out, err = run_cli(["check", path])
        assert code == 0 and "1 file checked" in err, (path, out, err)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["test", "./lib"])
    assert code == 0 and "1 passed" in out
    code, out, _ = run_cli(["test", "lib/.hidden"])  # named: searched
    assert code == 0 and "1 passed" in out


def test_the_tests_of_a_shipped_scenario_by_id(elsewhere):
    code, out, _ = run_cli(["test", "the-sketchbook"])
    assert code == 0 and " 0 failed" in out and "the-sketchbook.tests.yaml" in out
    code, out, _ = run_cli(["test", "the-sketchbok"])
    assert code == 1 and "did you mean 'the-sketchbook'?" in out


# --- Twee import ------------------------------------------------------------------------------------------


def _import(tmp_path, text: str):
    src = tmp_path / "story.twee"
    src.write_text(text)
    return run_cli(["import", str(src), "-o", str(tmp_path / "story.yaml"), "--force"])


@pytest.mark.parametrize(
    "text",
    [
        ":: " + "\\" * 40 + "a[",  # backtracked for ever in the old header pattern
        ":: " + "\\" * 200_000 + "a[",
        ":: Start\n" + "[[" * 100_000,
        ":: Start\n" + "<<" * 100_000,
        ":: Start\n" + "(set:" * 40_000,
        ":: Start\n" + "{{" * 100_000,
        ":: Start\n" + "<a" * 100_000,
        ":: Start\n" + "[[a\n" * 50_000 + "]]",
        ":: Start {" + " " * 200_000 + "x",
        ":: a\n" * 100_000,
    ],
    ids=[
        "40-backslashes",
        "backslashes",
        "links",
        "sugarcube",
        "harlowe",
        "braces",
        "tags",
        "lines",
        "meta",
        "many",
    ],
)
def test_twee_import_answers_hostile_input(tmp_path, text):
    """Each shape once backtracked or grew quadratically. The answer must be a clean import or a
    clear refusal. That the time is linear is measured in benchmarks/bench_twee.py as a ratio;
    the deadline here only stops a regression from hanging the suite."""
    with deadline(60, "a Twee import"):
        code, out, err = _import(tmp_path, text)
    assert code in (0, 1) and "Traceback" not in err and "internal error" not in err
    assert out.strip() or err.strip()


def test_twee_headers_escapes_and_links(tmp_path):
    text = (
        ':: StoryData\n{"start": "Open \\\\[door\\\\]"}\n\n'
        ':: Open \\[door\\] [tag] {"position": "1,1"}\nIt opens. [[Walk in->Room]] (set: $x to 1) <<if>>\n\n'
        ":: Room\nDone.\n\n:: Room\nA second Room.\n"
    )
    code, out, err = _import(tmp_path, text)
    assert code == 0, err
    from simulator.core.loader import load_file

    sc = load_file(tmp_path / "story.yaml")
    assert sc.start == "open-door" and [c.text for c in sc.scenes["open-door"].choices] == ["Walk in"]
    assert "macros or variables left out (2)" in out and "passage 'Room' appears 2 times" in out


@pytest.mark.parametrize(
    "data, message",
    [
        ("[1, 2]", "StoryData should be a JSON object ({...}), found a list"),
        ("42", "StoryData should be a JSON object ({...}), found a number"),
        ('"Start"', "StoryData should be a JSON object ({...}), found text"),
        ('{"start": 3}', "StoryData's 'start' should be the name of a passage (text), found a number"),
        ('{"start": ["a"]}', "StoryData's 'start' should be the name of a passage (text), found a list"),
        ('{"ifid": "A",}', "StoryData is not valid JSON"),
        ("", "StoryData is not valid JSON"),
        ("[" * 100_000, "StoryData is not JSON that can be read"),
        ("1" * 5000, "StoryData is not JSON that can be read"),
    ],
)
def test_storydata_of_the_wrong_shape_is_a_clean_error(tmp_path, data, message):
    code, out, err = _import(tmp_path, f":: StoryTitle\nT\n\n:: StoryData\n{data}\n\n:: Start\nHi.\n")
    assert code == 1 and f"story.twee:4:1: error: {message}" in err and "Traceback" not in err
    assert "hint: " in err and not (tmp_path / "story.yaml").exists()


# --- typed input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "١", "¹²", "9" * 5000, "1²", "Ⅻ"])
def test_unicode_digits_at_the_prompts_are_asked_again(typed):
    # the cue prompt, then the choice prompt, each get the odd input once, then real numbers
    code, out, err = run_cli(["play", str(PHONE), "--text", "--seed", "5"], stdin=f"{typed}\n\n{typed}\n1\n")
    assert code == 0, err
    assert "Please type cue numbers from 1 to 2" in out and "Please type a number from 1 to 2" in out
    assert "== Debrief ==" in out
