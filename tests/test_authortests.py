"""rehearse test: playthroughs written beside a scenario, reported like a test runner."""

from __future__ import annotations

from conftest import SCENARIOS, run_cli

PHONE_TESTS = """\
scenario: phone-standoff
tests:
  - name: crouching repairs it
    seed: 7
    turns:
      - choose: crouch
        notice: [jaw]
    expect:
      ending: repaired
      score: {de_escalation: 2, restorative: ">= 0"}
      percent: {de_escalation: 100}
      cues: {hits: 1, false_alarms: 0}
  - name: this expectation is wrong on purpose
    turns:
      - wait
      - choose: 2
    expect:
      ending: repaired
      score: {de_escalation: "1..2"}
"""


def test_pass_and_fail_are_reported_with_a_non_zero_exit(tmp_path):
    (tmp_path / "phone-standoff.yaml").write_text((SCENARIOS / "phone-standoff.yaml").read_text())
    (tmp_path / "phone-standoff.tests.yaml").write_text(PHONE_TESTS)
    code, out, _ = run_cli(["test", str(tmp_path)])
    assert code == 1
    assert "PASS  phone-standoff.tests.yaml:3  crouching repairs it" in out
    assert "FAIL  phone-standoff.tests.yaml:13  this expectation is wrong on purpose" in out
    assert "expected ending 'repaired', got 'escalated'" in out and "expected de_escalation score 1..2, got -1" in out
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_a_choice_not_offered_fails_the_test_cleanly(tmp_path):
    (tmp_path / "phone-standoff.yaml").write_text((SCENARIOS / "phone-standoff.yaml").read_text())
    (tmp_path / "phone-standoff.tests.yaml").write_text(
        "tests:\n  - name: bad\n    turns: [{choose: public}, {choose: 2}]\n    expect: {ending: escalated}\n"
    )
    code, out, _ = run_cli(["test", str(tmp_path / "phone-standoff.yaml")])
    assert code == 1 and "turn 2: choice '2' is not offered now in scene 'standoff'" in out


def test_malformed_test_file(tmp_path):
    (tmp_path / "x.tests.yaml").write_text("tests:\n  - name: a\n    turn: []\n")
    code, out, _ = run_cli(["test", str(tmp_path)])
    assert code == 1 and "unknown key 'turn' in test 1" in out and "did you mean 'turns'" in out


def test_the_shipped_library_passes_its_own_tests():
    code, out, _ = run_cli(["test", str(SCENARIOS)])
    assert code == 0, out
    assert " 0 failed" in out


def test_test_files_are_not_checked_as_scenarios():
    code, out, err = run_cli(["check", str(SCENARIOS / "tests")])
    assert "0 files checked" in err
