"""Scoring: rubric dimensions, run scores with their reachable bounds, feedback and analysis.

Never imports pygame; runs headless."""
