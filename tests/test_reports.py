"""Reports, progress and xAPI export over stored runs."""

from __future__ import annotations

import json

from conftest import SCENARIOS, run_cli

PHONE = str(SCENARIOS / "phone-standoff.yaml")


def play(data, stdin, seed):
    run_cli(["play", PHONE, "--text", "--seed", str(seed), "--data", str(data)], stdin=stdin)


def test_report_tables_csv_and_escaped_html(tmp_path):
    play(tmp_path / "d", "\n2\n1\n\n", 1)  # public, then 1 -> repaired
    play(tmp_path / "d", "1\n1\n", 3)  # crouch -> repaired, noticed jaw
    out_html = tmp_path / "r" / "report.html"
    out_html.parent.mkdir()
    code, out, err = run_cli(["report", "-o", str(out_html), "--data", str(tmp_path / "d")])
    assert code == 0 and "from 2 run(s)" in out
    html = out_html.read_text()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    endings = (tmp_path / "r" / "report-endings.csv").read_text().splitlines()
    assert endings[0] == "scenario,ending,outcome,runs,share of finished"
    assert endings[1] == "phone-standoff,repaired,good,2,100%"
    choices = (tmp_path / "r" / "report-choices.csv").read_text()
    assert "phone-standoff,quiz,public,1,50%" in choices and "phone-standoff,quiz,crouch,1,50%" in choices


def test_everything_in_html_is_escaped_and_reflections_need_consent(tmp_path):
    from scoring.reports import build_tables, render_html

    log = {
        "scenario": {"id": "x<script>"},
        "ending": "e",
        "outcome": "good",
        "critical": False,
        "turns": [{"scene": "s", "choice": "<b>c</b>", "reflection": "<script>alert(1)</script>"}],
        "score": {"dimensions": {}},
        "share_reflections": True,
    }
    private = dict(log, share_reflections=False, turns=[{"scene": "s", "choice": "c", "reflection": "keep me private"}])
    html = render_html(build_tables([log, private]))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "keep me private" not in html


def test_report_from_a_folder_of_logs_with_since(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    run_cli(
        [
            "play",
            PHONE,
            "--script",
            str(SCENARIOS.parent / "tests/data/golden/phone-standoff-best-7.script.yaml"),
            "--log",
            str(logs / "a.json"),
        ]
    )
    (logs / "junk.json").write_text("{")
    code, out, err = run_cli(["report", "-o", str(tmp_path / "r.html"), "--logs", str(logs)])
    assert code == 0 and "from 1 run(s)" in out and "skipped" in err
    code, out, err = run_cli(["report", "-o", str(tmp_path / "r.html"), "--logs", str(logs), "--since", "tomorrow"])
    assert code == 1 and "YYYY-MM-DD" in err


def test_progress_text_and_chart(tmp_path):
    play(tmp_path, "\n2\n1\n\n", 1)
    play(tmp_path, "1\n1\n", 3)
    code, out, _ = run_cli(["progress", "--data", str(tmp_path), "-o", str(tmp_path / "p.svg")])
    assert code == 0 and "de_escalation" in out and "up" in out
    assert (tmp_path / "p.svg").read_text().startswith("<svg")


def test_xapi_export_is_stable(tmp_path):
    play(tmp_path, "1\n1\n", 3)
    run_cli(["export", "--xapi", "-o", str(tmp_path / "a.jsonl"), "--data", str(tmp_path)])
    run_cli(["export", "--xapi", "-o", str(tmp_path / "b.jsonl"), "--data", str(tmp_path)])
    a = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert (tmp_path / "a.jsonl").read_text() == (tmp_path / "b.jsonl").read_text()
    assert [s["verb"]["display"]["en-US"] for s in a] == ["answered", "completed"]
    assert a[0]["result"]["response"] == "crouch" and a[0]["result"]["extensions"]
    assert a[1]["result"]["success"] is True and len({s["id"] for s in a}) == 2


def test_an_unreachable_lrs_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    play(tmp_path, "1\n1\n", 3)
    code, out, err = run_cli(["export", "--xapi", "--lrs", "http://127.0.0.1:9/xAPI/", "--data", str(tmp_path)])
    assert code == 1 and "cannot reach the LRS" in err and "Traceback" not in err


def test_shared_reflections_need_the_teachers_yes_and_workshop_tallies_appear(tmp_path):
    d = tmp_path / "d"
    # reflect at the standoff, then agree to share
    run_cli(["play", PHONE, "--text", "--seed", "1", "--data", str(d)], stdin="\n2\n1\nIt is not about me.\ny\n")
    run_cli(["play", PHONE, "--text", "--seed", "2", "--data", str(d)], stdin="\n2\n1\nPrivate thought.\nn\n")
    from simulator.core.loader import load_file
    from simulator.records.runs import Records
    from simulator.session.run import Run
    from simulator.shells.workshop import Workshop

    rec = Records.open(d)
    ws = Workshop(Run(load_file(PHONE), seed=3))
    rec.track(ws.run, "workshop")
    ws.open_vote()
    ws.adjust("crouch", 4)
    ws.adjust("public", 1)
    ws.decide()
    rec.close()
    run_cli(["report", "-o", str(tmp_path / "r.html"), "--data", str(d)])
    html = (tmp_path / "r.html").read_text()
    assert "It is not about me." in html and "Private thought." not in html
    assert "phone-standoff,quiz,crouch,4,yes" in (tmp_path / "r-workshop.csv").read_text()
