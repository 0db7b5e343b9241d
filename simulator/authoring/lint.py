"""Authoring warnings beyond the format's errors, each with a stable code (docs/authoring.md).

Static checks read the loaded scenario; reachability checks read the walk `check` made through
every reachable state. Any warning can be silenced on its line with `# rehearse: ignore[code]`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.authoring.content_rules import IDENTITY_WORDS, TROUBLE_TOPICS, WORDING
from simulator.core.errors import ScenarioError
from simulator.core.model import Pos, Scenario

if TYPE_CHECKING:
    from simulator.authoring.walk import Walk

# What fits the player's panels at the default size (characters).
MAX_CHARS = {"narration": 1000, "student": 400, "choice": 420, "cue": 220, "feedback": 700}

# The lookahead changes no match (every phrase starts with one of those letters): it lets the
# regex engine skip, in C, the places no phrase can start, instead of trying each phrase there.
_WORDING_RE = re.compile(
    "(?=[" + "".join(sorted({p[0] for p in WORDING})) + "])"
    r"\b(" + "|".join(re.escape(p) for p in sorted(WORDING, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_WORDING_LOWER = re.compile(_WORDING_RE.pattern)  # for lowered ASCII text
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def _warn(file: str, at: Pos, code: str, message: str, hint: str | None = None, **subjects: str) -> ScenarioError:
    """A warning about `subjects` (scene=, choice=, cue=, flag=, ending=, dimension=, word=)."""
    return ScenarioError(file, at.line, at.col, message, hint, code, subjects=subjects)


def lint_scenario(sc: Scenario, walk: Walk | None = None) -> list[ScenarioError]:
    """Every authoring warning for one scenario."""
    out = _static(sc)
    if walk is not None and walk.complete:
        out.extend(_reachability(sc, walk))
    else:
        out.extend(_graph_only(sc))
    return out


def _graph_only(sc: Scenario) -> list[ScenarioError]:
    """When the state space is too large to walk: what the scene graph alone proves, ignoring
    guards (a scene with no route to it at all; a scene with no route to any ending at all)."""
    f, out = sc.path, []
    succ = {
        sid: {c.goto for c in s.choices or ()}
        | {r.goto for r in s.next or ()}
        | ({s.timeout.goto} if s.timeout else set())
        for sid, s in sc.scenes.items()
    }
    seen, todo = {sc.start}, [sc.start]
    while todo:
        for t in succ.get(todo.pop(), ()):
            if t in sc.scenes and t not in seen:
                seen.add(t)
                todo.append(t)
    pred: dict[str, set[str]] = {sid: set() for sid in sc.scenes}
    for a, bs in succ.items():
        for b in bs:
            if b in pred:
                pred[b].add(a)
    ok = {sid for sid, s in sc.scenes.items() if s.ending}
    todo = list(ok)
    while todo:
        for p in pred[todo.pop()]:
            if p not in ok:
                ok.add(p)
                todo.append(p)
    for sid, s in sc.scenes.items():
        if sid not in seen:
            out.append(
                _warn(
                    f,
                    s.at,
                    "unreachable-scene",
                    f"no route leads to scene '{sid}'",
                    "add a choice or route that goes to it, or remove it",
                    scene=sid,
                )
            )
        elif sid not in ok:
            out.append(
                _warn(
                    f,
                    s.at,
                    "dead-end",
                    f"from scene '{sid}' no route leads to an ending",
                    "give it a way on to an ending",
                    scene=sid,
                )
            )
    return out


def _static(sc: Scenario) -> list[ScenarioError]:
    f = sc.path
    out: list[ScenarioError] = []
    read: set[str] = set()
    for scene in sc.scenes.values():
        guards = [c.guard for c in scene.choices or ()] + [r.guard for r in scene.next or ()]
        for g in guards:
            if g is not None:
                read.update(n for n, _ in g.names)
    written: set[str] = set()
    effects = []
    for scene in sc.scenes.values():
        for c in scene.choices or ():
            effects.append((scene, c))
        if scene.timeout:
            effects.append((scene, scene.timeout))
    for _, e in effects:
        written.update(e.set)
        written.update(e.add)
    for flag in sc.flags:
        if flag not in read and flag in written:
            out.append(
                _warn(
                    f,
                    sc.student.at,
                    "flag-never-read",
                    f"flag '{flag}' is set but no guard reads it",
                    "read it in an `if:` or a `next` route, or remove it",
                    flag=flag,
                )
            )
        elif flag in read and flag not in written:
            out.append(
                _warn(
                    f,
                    sc.student.at,
                    "flag-never-set",
                    f"flag '{flag}' is read by a guard but no choice sets or adds to it",
                    "add `set:` or `add:` to a choice, or the guard can never change",
                    flag=flag,
                )
            )
    raises = {d for _, e in effects for d, v in e.score.items() if v > 0}
    used = {d for _, e in effects for d in e.score}
    for d in sorted(used - raises - {"noticing"}):
        out.append(
            _warn(
                f,
                sc.student.at,
                "dimension-cannot-rise",
                f"no choice raises '{d}': every run scores 0 or less on it",
                "give the strong move on this dimension a positive score",
                dimension=d,
            )
        )
    for scene in sc.scenes.values():
        for c in scene.choices or ():
            if not (c.feedback and c.feedback.strip()):
                out.append(
                    _warn(
                        f,
                        c.at,
                        "choice-without-feedback",
                        f"choice '{c.id}' in scene '{scene.id}' has no feedback",
                        "say in 1-3 sentences what the move does, why, and what to try instead",
                        scene=scene.id,
                        choice=c.id,
                    )
                )
        out.extend(_lengths(sc, scene))
        out.extend(_wording(sc, scene))
    return out


def _lengths(sc: Scenario, scene) -> list[ScenarioError]:
    f, out = sc.path, []
    checks = [("narration", scene.narration, scene.at), ("student", scene.student, scene.at)]
    checks += [("cue", c.text, c.at) for c in scene.cues]
    checks += [("choice", c.text, c.at) for c in scene.choices or ()]
    checks += [("feedback", c.feedback, c.at) for c in scene.choices or ()]
    for kind, text, at in checks:
        if text and len(text) > MAX_CHARS[kind]:
            out.append(
                _warn(
                    f,
                    at,
                    "text-too-long",
                    f"{kind} text in scene '{scene.id}' is {len(text)} characters; the player's panel "
                    f"fits about {MAX_CHARS[kind]}",
                    "split it across scenes, or say it more briefly",
                    scene=scene.id,
                )
            )
    return out


def _wording(sc: Scenario, scene) -> list[ScenarioError]:
    """docs/content-rules.md (Wording table): flag listed phrases, except quoted ones in feedback and cue notes, and a
    choice's text when any of its scores is negative (a poor choice may use a poor phrase on purpose)."""
    f, out = sc.path, []
    places = [(scene.narration, scene.at, "narration"), (scene.student, scene.at, "the student's line")]
    for c in scene.cues:
        places += [(c.text, c.at, f"cue '{c.id}'"), (_QUOTED.sub(" ", c.note), c.at, f"the note of cue '{c.id}'")]
    for c in scene.choices or ():
        if not any(v < 0 for v in c.score.values()):
            places.append((c.text, c.at, f"choice '{c.id}'"))
        places.append((_QUOTED.sub(" ", c.feedback or ""), c.at, f"the feedback of choice '{c.id}'"))
    if scene.ending and scene.ending in sc.endings:
        e = sc.endings[scene.ending]
        places.append((_QUOTED.sub(" ", f"{e.title} {e.debrief or ''}"), e.at, f"ending '{e.id}'"))
    # One search over the scene's texts finds whether there is anything to report at all (the usual
    # answer is no); \0 is no word character, so no phrase spans two texts. ASCII text lowered
    # matches exactly as IGNORECASE would, and twice as fast; other text keeps IGNORECASE (which
    # also lets 'K', the Kelvin sign, match 'k').
    joined = "\0".join(text or "" for text, _, _ in places)
    found = _WORDING_LOWER.search(joined.lower()) if joined.isascii() else _WORDING_RE.search(joined)
    if found is None:
        return out
    for text, at, where in places:
        for m in _WORDING_RE.finditer(text or ""):
            phrase = m.group(1).lower()
            out.append(
                _warn(
                    f,
                    at,
                    "harmful-wording",
                    f"'{m.group(1)}' in {where} of scene '{scene.id}' (see docs/content-rules.md, Wording table)",
                    f"prefer: {WORDING[phrase]}",
                    scene=scene.id,
                    word=phrase,
                )
            )
    return out


def _reachability(sc: Scenario, walk: Walk) -> list[ScenarioError]:
    f, out = sc.path, []
    for sid, scene in sc.scenes.items():
        if sid not in walk.scenes:
            out.append(
                _warn(
                    f,
                    scene.at,
                    "unreachable-scene",
                    f"no run can reach scene '{sid}'",
                    "add a choice or route that goes to it, or remove it",
                    scene=sid,
                )
            )
    reached_endings = {sc.scenes[walk.scene_of[k]].ending for k in walk.endings}
    used = {s.ending for s in sc.scenes.values() if s.ending}
    for eid, e in sc.endings.items():
        if eid in used and eid not in reached_endings:
            out.append(
                _warn(
                    f,
                    e.at,
                    "unreachable-ending",
                    f"no run can reach ending '{eid}'",
                    "check the guards and routes on the way to its scene",
                    ending=eid,
                )
            )
    # dead ends: reached scenes from which no ending can be reached in any state
    good = set(walk.endings)
    parents: dict = {}
    for k, kids in walk.edges.items():
        for c in kids:
            parents.setdefault(c, []).append(k)
    todo = list(good)
    while todo:
        k = todo.pop()
        for p in parents.get(k, ()):
            if p not in good:
                good.add(p)
                todo.append(p)
    by_scene: dict[str, bool] = {}
    for k, sid in walk.scene_of.items():
        by_scene[sid] = by_scene.get(sid, False) or k in good
    for sid, ok in by_scene.items():
        if not ok:
            s = sc.scenes[sid]
            out.append(
                _warn(
                    f,
                    s.at,
                    "dead-end",
                    f"from scene '{sid}' no ending can be reached",
                    "give it a way on to an ending",
                    scene=sid,
                )
            )
    for sid, scene in sc.scenes.items():
        if sid not in walk.scenes:
            continue
        for c in scene.choices or ():
            if (sid, c.id) not in walk.offered:
                out.append(
                    _warn(
                        f,
                        c.at,
                        "choice-never-offered",
                        f"choice '{c.id}' in scene '{sid}' is never offered in any reachable state",
                        "loosen its `if`, or remove it",
                        scene=sid,
                        choice=c.id,
                    )
                )
            seen = walk.guards.get((sid, c.id))
            if c.guard is not None and seen == {True} and not c.once:
                out.append(
                    _warn(
                        f,
                        c.at,
                        "guard-always-true",
                        f"the guard of choice '{c.id}' in scene '{sid}' holds in every reachable state",
                        "remove the `if`, or check what it was meant to test",
                        scene=sid,
                        choice=c.id,
                    )
                )
    return out


def library_lint(scenarios: list[Scenario]) -> list[ScenarioError]:
    """Across files: an identity descriptor used only for the students who cause trouble
    (docs/content-rules.md (Writing students without stereotypes): no group is the default for defiance or discipline)."""
    words, trouble = IDENTITY_WORDS, TROUBLE_TOPICS
    uses: dict[str, list[tuple[Scenario, bool]]] = {}
    for sc in scenarios:
        about = (sc.student.about or "").lower()
        for w in words:
            if re.search(rf"\b{w}\b", about):
                uses.setdefault(w, []).append((sc, bool(trouble & set(sc.topics)) and "distress" not in sc.topics))
    out = []
    for w, rows in uses.items():
        if len(rows) >= 2 and all(t for _, t in rows):
            for sc, _ in rows:
                out.append(
                    _warn(
                        sc.path,
                        sc.student.at,
                        "identity-only-for-trouble",
                        f"'{w}' describes students only in scenarios where they cause trouble "
                        f"({len(rows)} across the library)",
                        "vary who is in which role; see docs/content-rules.md (Writing students without stereotypes)",
                        word=w,
                    )
                )
    return out
