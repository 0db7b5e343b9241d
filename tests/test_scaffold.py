"""rehearse new and rehearse import: starting points that load and pass check."""

from __future__ import annotations

from conftest import run_cli

TWEE = """:: StoryTitle
The Late Essay

:: StoryData
{"ifid": "ABC", "format": "Harlowe", "start": "Start"}

:: Start [intro] {"position":"100,100"}
Sam hands in the essay late again. (set: $late to true)
[[Ask what's going on->Talk]]
[[Give a zero|Zero]]
[[Broken link->Nowhere]]

:: Talk
Sam says they work evenings. <b>Listen.</b>
[[Offer an extension->Good end]]

:: Zero
Sam shrugs and leaves.

:: Good end
They agree on a plan.

:: UserScript [script]
alert(1)
"""


def test_new_skeleton_passes_check_strictly(tmp_path):
    f = tmp_path / "my-first.yaml"
    code, out, _ = run_cli(
        ["new", "my-first", "--topic", "distress", "--topic", "relationship", "--grades", "6-8", "-o", str(f)]
    )
    assert code == 0 and f.exists()
    text = f.read_text()
    assert text.startswith("# yaml-language-server: $schema=") and "TODO" in text and "content_note: >-" in text
    code, out, err = run_cli(["check", "--strict", str(f)])
    assert code == 0, out
    code, out, _ = run_cli(["explore", str(f)])
    assert "Every scene is reached" in out


def test_new_refuses_bad_ids_topics_and_overwrites(tmp_path):
    assert run_cli(["new", "My First", "--topic", "equity", "--grades", "6-8", "-o", str(tmp_path / "x.yaml")])[0] == 2
    code, _, err = run_cli(["new", "x", "--topic", "equality", "--grades", "6-8", "-o", str(tmp_path / "x.yaml")])
    assert code == 2 and "did you mean 'equity'" in err
    (tmp_path / "x.yaml").write_text("keep me")
    code, _, err = run_cli(["new", "x", "--topic", "equity", "--grades", "6-8", "-o", str(tmp_path / "x.yaml")])
    assert code == 1 and "--force" in err and (tmp_path / "x.yaml").read_text() == "keep me"


def test_import_twee(tmp_path):
    src = tmp_path / "late-essay.twee"
    src.write_text(TWEE)
    out_file = tmp_path / "late-essay.yaml"
    code, out, _ = run_cli(["import", str(src), "-o", str(out_file)])
    assert code == 0 and "it loads" in out
    assert "link to missing passage 'Nowhere' dropped" in out and "macros or variables left out" in out
    assert "'UserScript': a special, script or stylesheet passage" in out
    from simulator.core.loader import load_file

    sc = load_file(out_file)
    assert sc.start == "start" and [c.goto for c in sc.scenes["start"].choices] == ["talk", "zero"]
    assert sc.scenes["zero"].ending and sc.title == "The Late Essay"


def test_import_rejects_non_twee(tmp_path):
    src = tmp_path / "x.twee"
    src.write_text("just some text\n")
    code, _, err = run_cli(["import", str(src), "-o", str(tmp_path / "x.yaml")])
    assert code == 1 and "no story passages" in err
