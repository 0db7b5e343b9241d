"""A run of a scenario: Run (the host API a shell drives), replay of a log, and play scripts. Pure, above the core and scoring."""
