"""The rubric's dimensions: their titles, and how to read a percent of range.

docs/content-rules.md, "The six dimensions": the guide's seven rubric dimensions map onto the format's six."""

from __future__ import annotations

from simulator.core.model import STANDARD_DIMENSIONS

TITLES = {
    "noticing": "Noticing",
    "de_escalation": "De-escalation",
    "relationship": "Relationship",
    "restorative": "Restorative accountability",
    "safety": "Safety and referral",
    "equity": "Equity and bias awareness",
}
assert set(TITLES) == set(STANDARD_DIMENSIONS)


def title(dim: str) -> str:
    return TITLES.get(dim, dim.replace("_", " ").capitalize())


def reading(percent: float) -> str:
    """A one-line reading of a percent of the reachable range (never a verdict on the person)."""
    if percent >= 85:
        return "close to the strongest this scenario allows"
    if percent >= 60:
        return "solid, with room to go further"
    if percent >= 35:
        return "mixed: some moves helped, some cost ground"
    return "the area with the most to gain on another run"
