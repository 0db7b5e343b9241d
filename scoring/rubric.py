"""The rubric's dimensions: names, what each means, and how to read a percent of range.

content-guide.md Part 2 maps seven rubric dimensions onto the format's six standard ones.
May import: simulator.model, the standard library."""

from __future__ import annotations

from simulator.model import STANDARD_DIMENSIONS, Scenario

TITLES = {
    "noticing": "Noticing",
    "de_escalation": "De-escalation",
    "relationship": "Relationship",
    "restorative": "Restorative accountability",
    "safety": "Safety and referral",
    "equity": "Equity and bias awareness",
}
DESCRIPTIONS = {
    "noticing": "Noticing real signs against the student's own baseline, without over-reading red herrings.",
    "de_escalation": "Matching the response to the student's phase: calm, no audience, choices, face saved.",
    "relationship": "Open questions and reflections, following the student's lead, warmth without fixing.",
    "restorative": "Calm first, the harmed person heard, a concrete repair agreed, and follow-up.",
    "safety": "Asking directly when signs warrant, declining secrecy kindly, a same-day in-person handoff.",
    "equity": "Observable behaviour over labels, a pause before deciding, the same rule for every student.",
}
assert set(TITLES) == set(STANDARD_DIMENSIONS)


def title(dim: str) -> str:
    return TITLES.get(dim, dim.replace("_", " ").capitalize())


def description(dim: str, scenario: Scenario | None = None) -> str:
    if scenario is not None and dim in scenario.rubric.dimensions:
        return scenario.rubric.dimensions[dim]
    return DESCRIPTIONS.get(dim, "")


def reading(percent: float) -> str:
    """A one-line reading of a percent of the reachable range (never a verdict on the person)."""
    if percent >= 85:
        return "close to the strongest this scenario allows"
    if percent >= 60:
        return "solid, with room to go further"
    if percent >= 35:
        return "mixed: some moves helped, some cost ground"
    return "the area with the most to gain on another run"
