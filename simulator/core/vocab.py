"""The format's fixed vocabularies (format: Top-level keys; Scoring dimensions).

A module of its own, with no imports, so that screens can use it without loading the model."""

STANDARD_DIMENSIONS = ("noticing", "de_escalation", "relationship", "restorative", "safety", "equity")
TOPICS = ("distress", "safety", "de-escalation", "restorative", "relationship", "equity")
OUTCOMES = ("good", "mixed", "poor")
SENSITIVE_TOPICS = ("distress", "safety")  # format: Top-level keys, `content_note`
GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
