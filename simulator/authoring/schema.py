"""The JSON Schema of the scenario format (rehearse/1), for editors and `rehearse schema`.

The schema describes shapes and vocabularies; the loader checks everything else (references
between scenes, guards, content notes). Descriptions are written for authors: they show as hover
text in editors that use the YAML language server."""

from __future__ import annotations

from simulator.core import faces as pt
from simulator.core.model import OUTCOMES, STANDARD_DIMENSIONS, TOPICS

SCHEMA_ID = "https://rehearse.invalid/schema/rehearse-1.json"

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
_NAME = {"type": "string", "pattern": "^[a-z_][a-z0-9_]*$"}
_TEXT = {"type": "string"}
_X = {"^x-": {"description": "Free for authors and tools; Rehearse ignores it."}}


def _effect_props() -> dict:
    return {
        "goto": {**_ID, "description": "The scene the run goes to next."},
        "mood": {
            "type": "object",
            "description": "How this moves the student's hidden mood: dimension -> change (-1..+1), e.g. "
            "{stress: -0.2, trust: +0.1}. Values are clipped to 0..1.",
            "propertyNames": _NAME,
            "additionalProperties": {"type": "number", "minimum": -1, "maximum": 1},
        },
        "score": {
            "type": "object",
            "description": "Rubric dimension -> whole number from -3 to +3. Score the one to three "
            "dimensions the move touches; anchors in docs/content-rules.md (The six dimensions).",
            "propertyNames": _NAME,
            "additionalProperties": {"type": "integer", "minimum": -3, "maximum": 3},
        },
        "set": {
            "type": "object",
            "description": "Flag -> new value (true/false or a whole number). Flags must be declared under flags:.",
            "additionalProperties": {"type": ["boolean", "integer"]},
        },
        "add": {
            "type": "object",
            "description": "Whole-number flag -> amount added, for counting (e.g. {attempts: 1}).",
            "additionalProperties": {"type": "integer"},
        },
        "feedback": {
            **_TEXT,
            "description": "Why this helps or hurts, in 1-3 sentences: the move, why "
            "(name the framework), the better move. Shown in the debrief, and at once in coach mode.",
        },
    }


def scenario_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a rehearse/1 scenario file."""
    effect = _effect_props()
    guard = {
        **_TEXT,
        "description": "A guard: one condition, e.g. stress > 0.6 and not took_phone, "
        'visited("plan"), chose("quiz", "crouch"). Names are moods, flags and turns.',
    }
    cue = {
        "type": "object",
        "description": "Something the teacher can see and mark as noticed before choosing.",
        "required": ["id", "text", "sign", "note"],
        "properties": {
            "id": {**_ID, "description": "Unique in the file."},
            "text": {**_TEXT, "description": "What the teacher sees."},
            "sign": {
                "type": "boolean",
                "description": "true: a real sign (noticing it is a hit). false: a red "
                "herring (noticing it is a false alarm).",
            },
            "note": {
                **_TEXT,
                "description": "One sentence on why, citing the rule (change from baseline, "
                "clusters, context). Shown in the debrief for misses and false alarms.",
            },
        },
        "additionalProperties": False,
        "patternProperties": _X,
    }
    choice = {
        "type": "object",
        "description": "Something the teacher can say or do.",
        "required": ["text", "goto"],
        "properties": {
            "text": {**_TEXT, "description": "What the teacher says or does."},
            "id": {**_ID, "description": "Unique in the scene; defaults to the choice's position (1, 2, ...)."},
            "if": {**guard, "description": "Offer this choice only while the guard holds. " + guard["description"]},
            "once": {"type": "boolean", "description": "true: not offered again after it was taken (for loops)."},
            "tags": {
                "type": "array",
                "items": _TEXT,
                "description": "Free labels for reports; critical-safety "
                "marks a critical safety error (the run then 'needs another run').",
            },
            **effect,
        },
        "additionalProperties": False,
        "patternProperties": _X,
    }
    timeout = {
        "type": "object",
        "description": "What silence does, in timed runs: like a choice, after `seconds`.",
        "required": ["seconds", "goto"],
        "properties": {
            "seconds": {"type": "number", "minimum": 1, "maximum": 3600, "description": "How long the moment lasts."},
            **effect,
        },
        "additionalProperties": False,
        "patternProperties": _X,
    }
    route = {
        "type": "object",
        "description": "One automatic route: the first entry whose `if` holds is taken; the last has no `if`.",
        "required": ["goto"],
        "properties": {"if": guard, "goto": effect["goto"]},
        "additionalProperties": False,
    }
    scene = {
        "type": "object",
        "description": "One moment of the conversation. Exactly one of choices, next or ending.",
        "properties": {
            "narration": {**_TEXT, "description": "What happens, in the present tense."},
            "student": {"type": ["string", "null"], "description": "What the student says, or null."},
            "expression": {
                "enum": list(pt.EXPRESSIONS),
                "description": "Overrides the face the mood would show, for this scene.",
            },
            "cues": {"type": "array", "items": cue, "description": "What the teacher can notice here."},
            "reflect": {**_TEXT, "description": "A free-text reflection prompt; saved, never scored."},
            "choices": {"type": "array", "items": choice, "minItems": 1, "description": "The teacher decides."},
            "next": {"type": "array", "items": route, "minItems": 1, "description": "Automatic routing, e.g. on mood."},
            "ending": {**_ID, "description": "An ending id: the run ends here."},
            "timeout": timeout,
        },
        "oneOf": [{"required": ["choices"]}, {"required": ["next"]}, {"required": ["ending"]}],
        "additionalProperties": False,
        "patternProperties": _X,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Rehearse scenario (rehearse/1)",
        "description": "A conversation a teacher can rehearse with a simulated student.",
        "type": "object",
        "required": ["format", "id", "title", "summary", "topics", "grades", "student", "start", "scenes", "endings"],
        "properties": {
            "format": {"const": "rehearse/1", "description": "The format version: rehearse/1."},
            "id": {
                "type": "string",
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                "description": "Lowercase slug, the same as the file name without .yaml.",
            },
            "title": {**_TEXT, "description": "Shown on the scenario card."},
            "summary": {**_TEXT, "description": "One or two sentences for the scenario card."},
            "topics": {
                "type": "array",
                "minItems": 1,
                "items": {"enum": list(TOPICS)},
                "description": "One or more of: " + ", ".join(TOPICS) + ".",
            },
            "grades": {
                "type": "string",
                "pattern": "^(K|[1-9]|1[0-2])(-(K|[1-9]|1[0-2]))?$",
                "description": 'A grade band such as "K-2", "3-5", "6-8" or "9-12" (quote it).',
            },
            "minutes": {"type": ["number", "null"], "minimum": 0, "description": "Estimated play time."},
            "content_note": {
                "type": ["string", "null"],
                "description": "Required when topics include "
                "distress or safety: shown, with crisis resources, before the run.",
            },
            "learning_goals": {"type": "array", "items": _TEXT},
            "references": {"type": "array", "items": _TEXT, "description": "Frameworks and sources."},
            "student": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": _TEXT,
                    "pronouns": _TEXT,
                    "age": {"type": "integer", "minimum": 3, "maximum": 25},
                    "about": _TEXT,
                    "portrait": {
                        "type": "object",
                        "description": "The student's look (docs/portraits.md); the face follows the mood.",
                        "properties": {
                            "skin": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 7,
                                "description": "Skin tone, 1 (lightest) to 7 (deepest).",
                            },
                            "hair": {"enum": list(pt.HAIR)},
                            "hair_color": {"enum": list(pt.HAIR_COLOR)},
                            "headwear": {"enum": list(pt.HEADWEAR)},
                            "headwear_color": {"enum": list(pt.COLOR)},
                            "top": {"enum": list(pt.TOP)},
                            "top_color": {"enum": list(pt.COLOR)},
                            "glasses": {"enum": list(pt.GLASSES)},
                        },
                        "additionalProperties": False,
                        "patternProperties": _X,
                    },
                    "mood": {
                        "type": "object",
                        "propertyNames": _NAME,
                        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
                        "description": "Hidden state, 0..1 each. stress, trust and openness show in "
                        "body language; other names are kept in the log.",
                    },
                    "jitter": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 0.5,
                        "description": "Each run starts each mood value up to +/- this much off (seeded).",
                    },
                    "drift": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "description": "After every turn each mood value moves this share of the way back.",
                    },
                },
                "additionalProperties": False,
                "patternProperties": _X,
            },
            "flags": {
                "type": "object",
                "propertyNames": _NAME,
                "additionalProperties": {"type": ["boolean", "integer"]},
                "description": "Flag name -> default (true/false or a whole number).",
            },
            "start": {**_ID, "description": "The first scene."},
            "scenes": {"type": "object", "minProperties": 1, "propertyNames": _ID, "additionalProperties": scene},
            "endings": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": _ID,
                "additionalProperties": {
                    "type": "object",
                    "required": ["title", "outcome"],
                    "properties": {"title": _TEXT, "outcome": {"enum": list(OUTCOMES)}, "debrief": _TEXT},
                    "additionalProperties": False,
                },
            },
            "rubric": {
                "type": "object",
                "properties": {
                    "weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                    "dimensions": {
                        "type": "object",
                        "additionalProperties": _TEXT,
                        "description": "Extra dimensions beyond the standard set ("
                        + ", ".join(STANDARD_DIMENSIONS)
                        + "), with a description each.",
                    },
                },
                "additionalProperties": False,
            },
            "debrief": {
                "type": "object",
                "properties": {"discussion": {"type": "array", "items": _TEXT}},
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
        "patternProperties": _X,
    }
