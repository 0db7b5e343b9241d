"""The student's portrait: what `portrait:` and `expression:` accept, and how mood shows in a face.

This module only chooses the parts, so it stays pure and `rehearse check` can validate a
scenario's portrait without a display; simulator/shells/player/portraits.py draws them. The
vocabulary is documented in docs/portraits.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Skin tones 1 (lightest) to 7 (deepest): natural tones, not the library's cartoon yellow/orange.
SKIN = {1: "#F9DCC4", 2: "#EDB98A", 3: "#D8A27A", 4: "#C68B59", 5: "#A86B43", 6: "#8D5524", 7: "#5C3A21"}
HAIR = {
    "short-flat": "SHORT_FLAT",
    "short-round": "SHORT_ROUND",
    "short-waved": "SHORT_WAVED",
    "short-curly": "SHORT_CURLY",
    "buzzcut": "BUZZCUT",
    "caesar": "CAESAR",
    "side-part": "CAESAR_SIDE_PART",
    "shaved-sides": "SHAVED_SIDES",
    "sides": "SIDES",
    "shaggy": "SHAGGY",
    "quiff": "QUIFF",
    "pixie": "PIXIE",
    "bob": "BOB",
    "bun": "BUN",
    "curly": "CURLY",
    "long-curly": "LONG_HAIR_CURLY",
    "curvy": "CURVY",
    "long": "LONG_NOT_TOO_LONG",
    "straight": "STRAIGHT_1",
    "straight-2": "STRAIGHT_2",
    "loose": "LOOSE_HAIR",
    "braids": "BRAIDS",
    "cornrows": "CORNROWS",
    "dreadlocks": "DREADLOCKS",
    "short-dreads": "SHORT_DREADS_1",
    "twists": "TWIST_LONG_HAIR",
    "fro": "FRO",
    "fro-band": "FRO_BAND",
    "frizzle": "FRIZZLE",
    "big-hair": "BIG_HAIR",
    "mohawk": "MOHAWK",
    "none": "NONE",
}
HEADWEAR = {"hijab": "HIJAB", "turban": "TURBAN", "winter-hat": "WINTER_HAT_1", "cap": "HAT"}
HAIR_COLOR = {
    "black": "BLACK",
    "dark-brown": "BROWN_DARK",
    "brown": "BROWN",
    "auburn": "AUBURN",
    "red": "RED",
    "blonde": "BLONDE",
    "golden": "BLONDE_GOLDEN",
    "gray": "SILVER_GRAY",
    "pink": "PASTEL_PINK",
}
TOP = {
    "hoodie": "HOODIE",
    "t-shirt": "SHIRT_CREW_NECK",
    "v-neck": "SHIRT_V_NECK",
    "scoop-neck": "SHIRT_SCOOP_NECK",
    "sweater": "COLLAR_SWEATER",
    "blazer": "BLAZER_SHIRT",
    "blazer-sweater": "BLAZER_SWEATER",
    "overall": "OVERALL",
    "graphic-tee": "GRAPHIC_SHIRT",
}
COLOR = {
    "black": "BLACK",
    "blue": "BLUE_02",
    "navy": "BLUE_03",
    "light-blue": "PASTEL_BLUE",
    "gray": "GRAY_01",
    "dark-gray": "HEATHER",
    "green": "PASTEL_GREEN",
    "orange": "PASTEL_ORANGE",
    "yellow": "PASTEL_YELLOW",
    "pink": "PINK",
    "red": "RED",
    "white": "WHITE",
}
GLASSES = {"none": "NONE", "round": "ROUND", "square": "PRESCRIPTION_2", "classic": "PRESCRIPTION_1"}
KEYS = {
    "skin": "a whole number 1 (lightest) to 7 (deepest)",
    "hair": "a hair style",
    "hair_color": "a hair colour",
    "headwear": "hijab, turban, winter-hat or cap",
    "headwear_color": "a clothing colour",
    "top": "what the student wears",
    "top_color": "a clothing colour",
    "glasses": "none, round, square or classic",
}
DEFAULTS = {
    "skin": 3,
    "hair": "short-flat",
    "hair_color": "brown",
    "top": "t-shirt",
    "top_color": "blue",
    "glasses": "none",
}

# Expressions authors may name in a scene's `expression:`, each as (eyebrows, eyes, mouth).
EXPRESSIONS = {
    "calm": ("DEFAULT_NATURAL", "DEFAULT", "DEFAULT"),
    "warm": ("DEFAULT_NATURAL", "HAPPY", "SMILE"),
    "smiling": ("DEFAULT_NATURAL", "DEFAULT", "SMILE"),
    "relieved": ("RAISED_EXCITED_NATURAL", "HAPPY", "DEFAULT"),
    "guarded": ("FLAT_NATURAL", "SIDE", "SERIOUS"),
    "flat": ("FLAT_NATURAL", "DEFAULT", "SERIOUS"),
    "worried": ("SAD_CONCERNED_NATURAL", "DEFAULT", "CONCERNED"),
    "anxious": ("SAD_CONCERNED_NATURAL", "SQUINT", "GRIMACE"),
    "sad": ("SAD_CONCERNED_NATURAL", "SIDE", "SAD"),
    "tearful": ("SAD_CONCERNED_NATURAL", "CRY", "SAD"),
    "frustrated": ("ANGRY_NATURAL", "SQUINT", "SERIOUS"),
    "angry": ("ANGRY_NATURAL", "DEFAULT", "GRIMACE"),
    "surprised": ("RAISED_EXCITED_NATURAL", "SURPRISED", "DISBELIEF"),
    "withdrawn": ("FLAT_NATURAL", "CLOSED", "SERIOUS"),
}
OPTIONS = {
    "hair": HAIR,
    "hair_color": HAIR_COLOR,
    "headwear": HEADWEAR,
    "headwear_color": COLOR,
    "top": TOP,
    "top_color": COLOR,
    "glasses": GLASSES,
}


def check_portrait(portrait: Mapping[str, object]) -> list[tuple[str, str, str | None]]:
    """Problems in a `portrait:` mapping, as (key, message, hint); empty when it is valid."""
    import difflib

    out: list[tuple[str, str, str | None]] = []
    for key, value in portrait.items():
        if key.startswith("x-"):
            continue
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.7)
            out.append(
                (
                    key,
                    f"unknown portrait key '{key}'",
                    f"did you mean '{close[0]}'?" if close else f"portrait keys: {', '.join(KEYS)}",
                )
            )
        elif key == "skin":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
                out.append((key, f"skin should be {KEYS['skin']}, found {value!r}", None))
        else:
            options = OPTIONS[key]
            if not isinstance(value, str) or value not in options:
                close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
                out.append(
                    (
                        key,
                        f"{key} '{value}' is not in the portrait vocabulary",
                        f"did you mean '{close[0]}'?" if close else f"choose from {', '.join(options)}",
                    )
                )
    return out


@dataclass(frozen=True)
class Face:
    """The parts of one face: enough to draw it and to cache it."""

    look: tuple[tuple[str, object], ...]
    eyebrows: str
    eyes: str
    mouth: str


def face_for(portrait: Mapping[str, object], mood: Mapping[str, float], expression: str | None = None) -> Face:
    """The face the student shows: a named `expression`, or one read from stress, trust, openness.

    Body language, not caricature: stress shows in brows and mouth, low trust in a gaze that
    slides away, openness in a softer mouth and a straight gaze."""
    look = tuple(sorted({**DEFAULTS, **{k: v for k, v in portrait.items() if k in KEYS}}.items()))
    if expression and expression in EXPRESSIONS:
        return Face(look, *EXPRESSIONS[expression])
    stress = mood.get("stress", 0.4)
    trust = mood.get("trust", 0.5)
    openness = mood.get("openness", 0.5)
    if stress >= 0.65:
        brows, mouth = "SAD_CONCERNED_NATURAL", "CONCERNED"
    elif stress >= 0.45:
        brows, mouth = "FLAT_NATURAL", "SERIOUS"
    else:
        brows, mouth = "DEFAULT_NATURAL", "DEFAULT"
    if trust < 0.3:
        eyes = "SIDE"  # looks away
    elif stress >= 0.75:
        eyes = "SQUINT"
    else:
        eyes = "DEFAULT"
    if stress < 0.45 and trust >= 0.6 and openness >= 0.5:
        mouth = "SMILE" if openness >= 0.7 else "DEFAULT"
    elif openness < 0.25 and mouth == "DEFAULT":
        mouth = "SERIOUS"
    return Face(look, brows, eyes, mouth)
