"""Raw, min, max and percent for one run (format: Scoring dimensions)."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.analysis import Analysis, analyze
from simulator.core.played import Played


@dataclass(frozen=True, slots=True)
class DimensionScore:
    name: str
    raw: int
    min: int | None
    max: int | None

    @property
    def percent(self) -> float | None:
        """100 * (raw - min) / (max - min); 100 when max = min; None without bounds."""
        if self.min is None or self.max is None:
            return None
        return percent_of_range(self.raw, self.min, self.max)

    def as_log(self) -> dict[str, int | float | None]:
        if self.min is None:
            return {"raw": self.raw}
        return {"raw": self.raw, "min": self.min, "max": self.max, "percent": self.percent}


@dataclass(frozen=True, slots=True)
class RunScore:
    dimensions: tuple[DimensionScore, ...]
    hits: int
    misses: int
    false_alarms: int
    exact: bool  # whether min and max come from a complete search
    weighted: float | None  # the rubric's weighted percent, when the scenario gives weights

    def __getitem__(self, name: str) -> DimensionScore:
        for d in self.dimensions:
            if d.name == name:
                return d
        raise KeyError(name)

    def as_log(self) -> dict[str, object]:
        out: dict[str, object] = {
            "dimensions": {d.name: d.as_log() for d in self.dimensions},
            "noticing": {"hits": self.hits, "misses": self.misses, "false_alarms": self.false_alarms},
        }
        if not self.exact and self.dimensions and self.dimensions[0].min is not None:
            out["bounds_exact"] = False
        if self.weighted is not None:
            out["weighted_percent"] = self.weighted
        return out


def percent_of_range(raw: int, low: int, high: int) -> float:
    """100 * (raw - low) / (high - low), rounded to 0.1 and kept within 0..100; 100 when high = low."""
    if high == low:
        return 100.0
    # A run that loops back to a moment it was in can pass the bounds (which count no
    # repeats); `check` warns about such loops. Keep the percent within 0..100.
    return min(100.0, max(0.0, round(100.0 * (raw - low) / (high - low), 1)))


_cache: dict[tuple[object, ...], Analysis] = {}


def run_analysis(run: Played) -> Analysis:
    """The search from the run's starting state (bounds, best futures), cached per scenario and mood."""
    key = (run.scenario.sha256, run.scenario.path, run.engine.key(run.start_state), run.start_state.mood)
    if key not in _cache:
        if len(_cache) > 64:
            _cache.clear()
        _cache[key] = analyze(run.engine, run.start_state, paths=False)
    return _cache[key]


def score_run(run: Played, *, bounds: bool = True) -> RunScore:
    """Each dimension the scenario uses, with raw, min, max and percent.

    With bounds=False, min and max are left out (None): raw scores only, with no search."""
    if not bounds:
        raw = run.raw_scores()
        unbounded = tuple(DimensionScore(n, raw[n], None, None) for n in run.engine.dims)
        return RunScore(unbounded, len(run.hits), len(run.misses), len(run.false_alarms), False, None)
    b = run_analysis(run).bounds
    raw = run.raw_scores()
    shown = run.cues_shown
    dims: list[DimensionScore] = []
    percents: list[float] = []  # of dims, from the ints, so no None reaches the weighting
    for name in run.engine.dims:
        lo, hi = b.range(name)
        if name == "noticing":
            # format: "For noticing, min is minus the number of red-herring cues and max the number
            # of sign cues on the run's scenes" (plus what choices score on noticing, if any).
            lo -= sum(1 for c in shown if not c.sign)
            hi += sum(1 for c in shown if c.sign)
        dims.append(DimensionScore(name, raw[name], lo, hi))
        percents.append(percent_of_range(raw[name], lo, hi))
    weights = run.scenario.rubric.weights
    weighted = None
    if weights:
        total = sum(weights.get(d.name, 0.0) for d in dims)
        if total > 0:
            weighted = round(sum(weights.get(d.name, 0.0) * p for d, p in zip(dims, percents)) / total, 1)
    return RunScore(tuple(dims), len(run.hits), len(run.misses), len(run.false_alarms), b.exact, weighted)
