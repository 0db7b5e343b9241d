"""`rehearse new`: a scenario skeleton that passes `rehearse check` at once.

It is full of short comments saying what to write where, and follows the context, anticipate,
enact, reflect pattern."""

from __future__ import annotations

from simulator.core.model import SENSITIVE_TOPICS

# The schema sits beside the scenario (`rehearse new` and `import` write it there when it is missing,
# and `rehearse schema -o` refreshes it), so the modeline resolves wherever the file is.
SCHEMA_FILE = "rehearse.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"


def skeleton(sid: str, topics: list[str], grades: str) -> str:
    sensitive = any(t in SENSITIVE_TOPICS for t in topics)
    note = (
        "content_note: >-\n  TODO: say plainly what the scenario includes (for example: a student who shares\n"
        "  thoughts of suicide). No method details, ever. Crisis resources are shown with this note.\n"
        if sensitive
        else "content_note: null      # needed when topics include distress or safety\n"
    )
    return f"""{SCHEMA_LINE}
# A Rehearse scenario (format: rehearse/1). Edit the TODOs; run `rehearse check` after each save
# and `rehearse explore` to see every path. In the Rehearse repository, docs/authoring.md walks
# through it all and docs/content-rules.md gives the rules every cue, score and feedback follows.
format: rehearse/1
id: {sid}                 # the same as the file name
title: TODO a short title
summary: >-
  TODO one or two sentences for the scenario card: the situation, not the right answer.
topics: [{", ".join(topics)}]
grades: "{grades}"
minutes: 8
{note}learning_goals:
  - TODO what a teacher practises here, as a move they can make
references:
  - TODO the frameworks you draw on (name them honestly)

student:
  name: TODO
  pronouns: they/them
  age: 14
  about: >-
    TODO a specific person: interests, strengths, a goal, the people in their life.
  portrait: {{skin: 3, hair: short-curly, top: hoodie}}   # docs/portraits.md lists the options
  mood: {{stress: 0.5, trust: 0.4, openness: 0.3}}        # hidden, 0..1; the face follows it
  jitter: 0.03
  drift: 0.1

flags:
  checked_in: false      # declare every flag with its default

start: context

scenes:
  # 1. Context: what the teacher sees. Cues are real signs (sign: true) or red herrings.
  context:
    narration: TODO where we are and what the teacher notices.
    cues:
      - id: change
        text: TODO something that changed from this student's usual.
        sign: true
        note: TODO one sentence on why it matters (change from baseline, clusters, context).
      - id: ordinary
        text: TODO something ordinary that might be misread.
        sign: false
        note: TODO one sentence on why it is not a sign (their baseline; style is not threat).
    choices:
      - id: plan-private
        text: TODO the strong first move (for example, plan a private check-in).
        goto: anticipate
        score: {{noticing: 2}}
        feedback: TODO the move, why it helps (name the framework), what to keep doing.
      - id: wait-and-see
        text: TODO a weak first move.
        goto: anticipate
        mood: {{stress: +0.1}}
        score: {{noticing: -2}}
        feedback: TODO the move, why it costs, and the better move with a line to try.

  # 2. Anticipate: how the teacher opens the conversation.
  anticipate:
    student: TODO what the student says first.
    choices:
      - id: open-question
        text: TODO an open question or a specific, kind observation.
        goto: enact
        mood: {{trust: +0.25, openness: +0.2}}
        set: {{checked_in: true}}
        score: {{relationship: 2}}
        feedback: TODO why this opens the conversation.
      - id: lecture
        text: TODO a lecture or a closed, leading question.
        goto: enact
        mood: {{trust: -0.1, openness: -0.15}}
        score: {{relationship: -1}}
        feedback: TODO why this closes it, and what to try instead.

  # 3. Enact: the mood decides what the student is ready to say (rapport, not a magic phrase).
  enact:
    next:
      - if: trust > 0.55 and checked_in
        goto: opens-up
      - goto: holds-back

  opens-up:
    student: TODO what the student shares when they trust you.
    choices:
      - id: connect
        text: TODO the right next step (for example, connect them to the right person today).
        goto: reflect
        score: {{relationship: 2}}
        feedback: TODO why.
      - id: fix-it-yourself
        text: TODO a tempting misstep.
        goto: end-mixed
        score: {{relationship: -1}}
        feedback: TODO why it falls short, and the better move.

  holds-back:
    student: TODO what the student says when they are not ready.
    choices:
      - id: door-open
        text: TODO keep the door open and follow up later.
        goto: end-mixed
        score: {{relationship: 1}}
        feedback: TODO why this is still worth doing.
      - id: push
        text: TODO push harder.
        goto: end-poor
        mood: {{stress: +0.2}}
        score: {{relationship: -2}}
        feedback: TODO why pushing backfires, and what to try.

  # 4. Reflect: a moment for the teacher to think; saved, never scored.
  reflect:
    narration: TODO the moment after.
    reflect: TODO a question for the teacher to think about.
    choices:
      - id: follow-up
        text: TODO follow up the next day.
        goto: end-good
        score: {{relationship: 1}}
        feedback: TODO why follow-through matters.

  end-good:
    narration: TODO what happens after the best path.
    ending: good
  end-mixed:
    narration: TODO safe, but strained.
    ending: mixed
  end-poor:
    narration: TODO a realistic, non-lethal cost (never a death or an attempt).
    ending: poor

endings:
  good: {{title: TODO, outcome: good, debrief: "TODO what the teacher did that helped."}}
  mixed: {{title: TODO, outcome: mixed, debrief: "TODO what held, and what was missed."}}
  poor: {{title: TODO, outcome: poor, debrief: "TODO what it cost, and what to try next time."}}

debrief:
  discussion:
    - TODO a question a facilitator can ask the room.
"""
