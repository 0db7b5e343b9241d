"""The content rules that tools check, as data in one place (docs/content-rules.md says why).

The lint (simulator/authoring/lint.py) reads these lists, and so do the library's own tests; a
phrase or a word is added here, once."""

from __future__ import annotations

# docs/content-rules.md (Wording table): phrase -> preferred wording (whole words, case-insensitive)
WORDING = {
    "committed suicide": "died by suicide",
    "successful suicide": "died by suicide",
    "failed attempt": "suicide attempt",
    "unsuccessful suicide": "suicide attempt",
    "suicide epidemic": "rising rates of suicide",
    "attention-seeking": "asking for help, in distress",
    "attention seeker": "asking for help, in distress",
    "cutter": "a student who self-harms",
    "crazy": "name the behaviour or feeling",
    "psycho": "name the behaviour or feeling",
    "insane": "name the behaviour or feeling",
    "nuts": "name the behaviour or feeling",
    "suffers from": "has",
    "victim of": "name what happened",
    "confined to a wheelchair": "uses a wheelchair",
    "special needs": "disabled; has an IEP; the specific need",
    "high-functioning": "describe the support needed",
    "low-functioning": "describe the support needed",
    "thug": "describe the observable behaviour",
    "ghetto": "describe the observable behaviour",
    "ratchet": "describe the observable behaviour",
    "aggressive": "loud, animated; the observable act",
    "hostile": "loud, animated; the observable act",
    "defiant": "what the student said or did, observably",
    "disrespectful": "what the student said or did, observably",
    "attitude": "what the student said or did, observably",
    "insubordinate": "what the student said or did, observably",
    "bad kid": "the student's name; the specific behaviour",
    "troublemaker": "the student's name; the specific behaviour",
    "problem child": "the student's name; the specific behaviour",
    "at-risk youth": "the student's name; the specific behaviour",
    "broken home": "single-parent family",
    "illegals": "undocumented",
    "normal kids": "other students; non-disabled students",
    "regular kids": "other students; non-disabled students",
    "preferred pronouns": "pronouns",
    "transgendered": "transgender student",
    "tranny": "transgender student",
    "retarded": "name the specific difficulty",
    "spaz": "name the specific difficulty",
    "oriental": "the specific heritage, when it matters",
    "exotic": "the specific heritage, when it matters",
    "man up": "name the feeling or behaviour",
    "boys will be boys": "name the feeling or behaviour",
    "drama queen": "name the feeling or behaviour",
}

# docs/content-rules.md (Writing students without stereotypes): identity words that must not describe
# only the students who cause trouble, across a library (whole words, case-insensitive).
IDENTITY_WORDS = (
    "black",
    "white",
    "latino",
    "latina",
    "hispanic",
    "mexican",
    "guatemalan",
    "asian",
    "filipino",
    "vietnamese",
    "indian",
    "native",
    "syrian",
    "afghan",
    "somali",
    "polish",
    "italian",
    "muslim",
    "jewish",
    "immigrant",
    "refugee",
    "disabled",
    "autistic",
    "adhd",
    "poor",
    "rural",
)

# The topics in which the student is the one causing trouble (a student in distress is not).
TROUBLE_TOPICS = frozenset({"de-escalation", "restorative"})
