"""Scoring: pure values in, values out: rubric, run scores and their bounds, debrief, compare, reports, charts, xAPI statements."""
