"""A seeded slice of the fuzz campaign (benchmarks/fuzz_check.py): the campaign's first inputs
for seed 1, each through `rehearse check` in-process. Any input gets a clean answer: exit 0 or 1,
never an internal error or a traceback. The full campaign (20,000 inputs) is run by hand."""

from __future__ import annotations

import importlib.util
import sys
import warnings

import pytest
from conftest import ROOT, SCENARIOS, run_cli

SLICE = 150


def _campaign():
    spec = importlib.util.spec_from_file_location("fuzz_check", ROOT / "benchmarks" / "fuzz_check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_check", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def texts():
    return [p.read_text(encoding="utf-8") for p in sorted(SCENARIOS.glob("*.yaml"))]


def test_the_slice_mutates_the_shipped_scenarios(texts):
    fc = _campaign()
    made = [fc.make_input(1, i, texts) for i in range(SLICE)]
    assert made == [fc.make_input(1, i, texts) for i in range(SLICE)], "the campaign is not reproducible"
    originals = {t.encode() for t in texts}
    assert len(set(made)) == SLICE and not originals & set(made)


def test_a_seeded_slice_of_the_fuzz_campaign_gets_clean_answers(tmp_path, texts):
    fc = _campaign()
    failures = []
    codes = set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(SLICE):
            path = tmp_path / f"input-{i}.yaml"
            path.write_bytes(fc.make_input(1, i, texts))
            code, out, err = run_cli(["check", str(path)])
            codes.add(code)
            if fc.is_failure(code, out + err):
                failures.append(f"input {i}: exit {code}\n{(out + err)[-2000:]}")
    assert not failures, "\n\n".join(failures[:3])
    assert codes <= {0, 1} and 1 in codes  # mutations break files: the slice reaches the error paths
    assert not [w for w in caught if issubclass(w.category, (SyntaxWarning, DeprecationWarning))]
