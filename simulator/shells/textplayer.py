"""The text player: a calm terminal conversation over a Run.

Plain lines only (no colours, no cursor tricks), so it works with screen readers and through
pipes. The same renderer serves interactive play and scripted runs: a *driver* decides each
turn (a person at the keyboard, or a script file), the renderer shows what happened."""

from __future__ import annotations

import shutil
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from simulator.core.engine import EngineError
from simulator.core.model import Scenario
from simulator.core.resources import crisis_resources
from simulator.session.run import Run, SceneView, Turn

COMMANDS = {"help": "help", "?": "help", "resources": "resources", "quit": "quit", "q": "quit", "exit": "quit"}


@dataclass
class Decision:
    """What the teacher does at one decision point."""

    kind: str  # "choose", "wait" or "quit"
    choice: str | int | None = None
    noticed: tuple[str, ...] = ()
    reflection: str | None = None
    elapsed_ms: int = 0
    source: object = None  # where the decision came from (a script turn), for error messages


class Left(Exception):
    """The teacher left the run (quit, or the input ended)."""


class Screen:
    """Writes wrapped, plain text."""

    def __init__(self, out: TextIO, width: int | None = None) -> None:
        self.out = out
        self.width = width or min(88, max(40, shutil.get_terminal_size((80, 24)).columns - 2))

    def line(self, text: str = "", indent: str = "", hang: str | None = None) -> None:
        if not text:
            self.out.write("\n")
            return
        for para in text.split("\n"):
            self.out.write(
                textwrap.fill(
                    para, self.width, initial_indent=indent, subsequent_indent=hang if hang is not None else indent
                )
                + "\n"
            )
        self.out.flush()

    def rule(self, title: str = "") -> None:
        self.line()
        self.line(f"== {title} ==" if title else "-" * 20)

    def item(self, label: str, text: str) -> None:
        pad = " " * (len(label) + 3)
        self.line(f"  {label} {text}", hang=pad)


def show_resources(screen: Screen) -> None:
    res = crisis_resources()
    screen.line("Support, if you or someone you know needs it now:")
    for name, how in res.resources:
        screen.item("-", f"{name}: {how}")
    screen.line(res.school_note, indent="  ")


def resources_footer(screen: Screen) -> None:
    screen.line(
        "If this brought something up for you: call or text 988 (US), or type 'resources' in the player for more."
    )


class TextPlayer:
    """Renders a run as plain text and applies a driver's decisions to it."""

    def __init__(self, run: Run, screen: Screen) -> None:
        self.run = run
        self.s = screen

    # --- before the run ----------------------------------------------------------------------

    def intro(self) -> None:
        sc = self.run.scenario
        st = sc.student
        self.s.rule(sc.title)
        self.s.line(sc.summary.strip())
        who = ", ".join(x for x in (st.pronouns, f"age {st.age}" if st.age else None) if x)
        self.s.line()
        self.s.line(f"Student: {st.name}" + (f" ({who})" if who else ""))
        if st.about:
            self.s.line(st.about.strip(), indent="  ")
        if sc.learning_goals:
            self.s.line()
            self.s.line("You are practising:")
            for g in sc.learning_goals:
                self.s.item("-", g)
        mode = (
            "Coach mode: you see feedback after each choice."
            if self.run.coaching
            else "Assess mode: feedback waits until the end."
        )
        self.s.line()
        self.s.line(mode + (" Timed: some moments will not wait for you." if self.run.timed else ""))

    def content_note(self, confirm: Callable[[], bool] | None) -> bool:
        """The content note and crisis resources, with an explicit continue. False: the teacher left."""
        sc = self.run.scenario
        if not sc.content_note:
            return True
        self.s.rule("Content note")
        self.s.line(sc.content_note.strip())
        self.s.line()
        show_resources(self.s)
        self.s.line()
        self.s.line(crisis_resources().educator_note)
        self.s.line("You can leave at any moment by typing 'quit'; nothing counts against you.")
        if confirm is None:
            return True
        return confirm()

    # --- a decision ----------------------------------------------------------------------------

    def show_view(self, view: SceneView) -> None:
        name = self.run.scenario.student.name
        self.s.rule()
        for kind, text in view.lines:
            text = text.strip()
            if kind == "student":
                quoted = text if text[:1] in "\"'“‘" else f"\u201c{text}\u201d"
                self.s.line(f"{name}: {quoted}", hang="  ")
            else:
                self.s.line(text)
        if view.ending is not None:
            return
        if view.cues:
            self.s.line()
            self.s.line("What you can see:")
            for i, cue in enumerate(view.cues, 1):
                self.s.item(f"[{i}]", cue.text)
        self.s.line()
        self.s.line("What do you do?")
        for i, c in enumerate(view.choices, 1):
            self.s.item(f"{i}.", c.text)
        if view.timeout_seconds:
            self.s.line(f"(This moment lasts about {view.timeout_seconds:g} seconds.)")

    def show_decision(self, view: SceneView, d: Decision) -> None:
        """Echo a scripted decision, so a transcript reads like a session."""
        if d.noticed:
            names = [f"[{i}] {c.text}" for i, c in enumerate(view.cues, 1) if c.id in d.noticed]
            self.s.line("You noticed: " + "; ".join(names), hang="  ")
        if d.kind == "wait":
            self.s.line("You wait.")
        else:
            try:
                c = self.run.find_choice(d.choice)  # type: ignore[arg-type]
                num = next(i for i, x in enumerate(view.choices, 1) if x is c)
                self.s.line(f"You choose {num}: {c.text}", hang="  ")
            except (EngineError, StopIteration):
                pass
        if d.reflection:
            self.s.line(f"You reflect: {d.reflection}", hang="  ")

    def after_turn(self, turn: Turn) -> None:
        if self.run.coaching and turn.feedback:
            self.s.line()
            self.s.line(f"Coach: {turn.feedback.strip()}", hang="  ")
        if turn.critical and self.run.coaching:
            self.s.line(
                "This choice is a critical safety error in most district protocols; the debrief explains why.",
                hang="  ",
            )

    def play(self, driver: Callable[[SceneView], Decision]) -> None:
        """Play until the ending; raises Left if the teacher leaves, EngineError on a bad decision."""
        while not self.run.ended:
            view = self.run.view()
            self.show_view(view)
            d = driver(view)
            if d.kind == "quit":
                raise Left()
            kw = dict(noticed=d.noticed, reflection=d.reflection, elapsed_ms=d.elapsed_ms)
            turn = self.run.wait(**kw) if d.kind == "wait" else self.run.choose(d.choice, **kw)  # type: ignore[arg-type]
            self.after_turn(turn)
        self.show_view(self.run.view())

    # --- after the run -------------------------------------------------------------------------

    def debrief(self) -> None:
        from scoring.feedback import build_debrief

        db = build_debrief(self.run.played())
        self.s.rule("Debrief")
        if db.ending:
            self.s.line(f"Ending: {db.ending.title} ({db.ending.outcome})")
            if db.ending.debrief:
                self.s.line(db.ending.debrief.strip(), indent="  ")
        if db.critical:
            self.s.line()
            self.s.line(
                "Needs another run: this run took a step that district protocols treat as a critical "
                "safety error. The feedback below explains it; try the scenario again."
            )
        if db.dimensions:
            self.s.line()
            self.s.line("Scores (your raw score, within the range this scenario allows):")
            for r in db.dimensions:
                d = r.score
                self.s.item(
                    "-", f"{r.title}: {d.raw:+d} (range {d.min:+d} to {d.max:+d}, {d.percent:.0f}%): {r.reading}"
                )
            if db.score.weighted is not None:
                self.s.line(f"Overall (weighted): {db.score.weighted:.0f}%")
        if db.turning_points:
            self.s.line()
            self.s.line("Turning points:")
            for tp in db.turning_points:
                self.s.item(f"Turn {tp.turn}:", tp.text)
                if tp.feedback:
                    self.s.line(tp.feedback.strip(), indent="     ")
                if tp.better is not None:
                    self.s.line(f"Another choice here: {tp.better.text.strip()}", indent="     ", hang="       ")
                    if tp.better.feedback:
                        self.s.line(tp.better.feedback.strip(), indent="       ")
        sc = db.score
        if sc.hits or sc.misses or sc.false_alarms:
            self.s.line()
            self.s.line(
                f"Cues: {sc.hits} noticed, {sc.misses} missed, {sc.false_alarms} false alarm"
                f"{'s' if sc.false_alarms != 1 else ''}."
            )
        for cue in db.misses:
            self.s.item("- missed:", f"{cue.text} {cue.note}")
        for cue in db.false_alarms:
            self.s.item("- false alarm:", f"{cue.text} {cue.note}")
        if db.choices:
            self.s.line()
            self.s.line("Your choices:")
            for n in db.choices:
                self.s.item(f"{n.turn}.", n.text + (" [critical safety error]" if n.critical else ""))
                if n.feedback:
                    self.s.line(n.feedback.strip(), indent="     ")
        if db.reflections:
            self.s.line()
            self.s.line("Your reflections:")
            for r in db.reflections:
                self.s.item("-", f"{r.prompt} {r.text}")
        if db.discussion:
            self.s.line()
            self.s.line("To think about or discuss:")
            for p in db.discussion:
                self.s.item("-", p)
        self.s.line()
        resources_footer(self.s)


# --- drivers -----------------------------------------------------------------------------------


@dataclass
class KeyboardDriver:
    """A person at the keyboard. Reads lines with `ask`; measures time with `clock` (timed runs)."""

    player: TextPlayer
    ask: Callable[[str], str] = input
    clock: Callable[[], float] | None = None  # default: time.monotonic, looked up at each call

    def _ask(self, prompt: str) -> str:
        try:
            return self.ask(prompt).strip()
        except EOFError:
            raise Left() from None

    def _command(self, text: str) -> bool:
        cmd = COMMANDS.get(text.lower())
        if cmd == "quit":
            raise Left()
        if cmd == "resources":
            show_resources(self.player.s)
            return True
        if cmd == "help":
            self.player.s.line(
                "Type the numbers of the cues you notice (or Enter for none), then the number of your choice. "
                "'resources' shows crisis resources; 'quit' leaves the run (it is saved; "
                "nothing counts against you)."
            )
            return True
        return False

    def confirm(self) -> bool:
        while True:
            a = self._ask("Continue? Type y to begin, or q to leave: ").lower()
            if a in ("y", "yes"):
                return True
            if a in ("q", "quit", "n", "no", "exit"):
                return False
            self.player.s.line("Please type y or q.")

    def __call__(self, view: SceneView) -> Decision:
        s = self.player.s
        clock = self.clock or time.monotonic
        start = clock()
        noticed: tuple[str, ...] = ()
        if view.cues:
            k = len(view.cues)
            while True:
                a = self._ask(
                    f"Anything you notice? Type cue numbers (1-{k}, e.g. 1 {min(2, k)}), or press Enter for none: "
                )
                if self._command(a):
                    continue
                marks = parse_numbers(a, k)
                if marks is None:
                    s.line(f"Please type cue numbers from 1 to {k}, separated by spaces, or press Enter.")
                    continue
                noticed = tuple(dict.fromkeys(view.cues[i - 1].id for i in marks))
                break
        n = len(view.choices)
        while True:
            a = self._ask(f"Your choice (1-{n}): ")
            if self._command(a):
                continue
            number = whole_number(a)
            if number is not None and 1 <= number <= n:
                pick = view.choices[number - 1]
                break
            s.line(f"Please type a number from 1 to {n} (or 'help').")
        elapsed_ms = int((clock() - start) * 1000)
        reflection = None
        if view.scene.reflect:
            s.line()
            s.line(f"Reflect: {view.scene.reflect.strip()}")
            reflection = self._ask("A sentence or two (Enter to skip): ") or None
        if view.timeout_seconds and elapsed_ms > view.timeout_seconds * 1000:
            s.line(
                f"More than {view.timeout_seconds:g} seconds passed before you acted: in the room, "
                "silence answered first."
            )
            return Decision("wait", None, noticed, reflection, elapsed_ms)
        return Decision("choose", pick.id, noticed, reflection, elapsed_ms)


def whole_number(text: str) -> int | None:
    """The number typed as ASCII digits ("3"), or None for anything else.

    str.isdigit() is True for "²" and "٣", which int() refuses or reads as another number, and int()
    refuses 4,301+ digits; none of them is a number a person means at a prompt."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def parse_numbers(text: str, k: int) -> list[int] | None:
    """Cue numbers typed as "1 3", "1,3" or (with fewer than ten cues) "13"; None if any is out of range."""
    parts = text.replace(",", " ").replace(";", " ").split()
    if k < 10 and len(parts) == 1 and whole_number(parts[0]) is not None:
        parts = list(parts[0])
    numbers = [n for n in map(whole_number, parts) if n is not None and 1 <= n <= k]
    return numbers if len(numbers) == len(parts) else None


def intro_lines(scenario: Scenario) -> str:
    topics = ", ".join(scenario.topics)
    mins = f", about {scenario.minutes:g} min" if scenario.minutes else ""
    note = "  [content note]" if scenario.content_note else ""
    return f"{scenario.title} (grades {scenario.grades}{mins}; {topics}){note}"
