"""The graphical player: one event loop, screens drawn from the Run and the debrief.

Idle, the loop sleeps in `pygame.event.wait` until the next timer deadline; it redraws only when
something changed. Screens: picker, content note, conversation (notice, then choose), coach
feedback, reflection, debrief (with rewind), help/resources overlay."""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field, replace

import pygame

from simulator.core.faces import face_for
from simulator.core.paths import assets_dir
from simulator.shells.player.actions import Action, Context, actions_for, key_action, slot_action
from simulator.shells.player.layout import layout
from simulator.shells.player.portraits import render_png

IDLE_SLEEP = 0.05  # seconds between looks at the event queue while nothing happens (input feels instant)
ASSETS = assets_dir()
FONTS = ASSETS / "fonts"

THEMES = {
    "calm": {
        "bg": (246, 244, 239),
        "panel": (255, 255, 255),
        "text": (34, 38, 46),
        "muted": (92, 98, 110),
        "accent": (46, 96, 140),
        "accent_text": (255, 255, 255),
        "button": (232, 238, 244),
        "focus": (46, 96, 140),
        "good": (58, 122, 84),
        "mixed": (176, 128, 40),
        "poor": (168, 70, 60),
        "face_bg": (220, 231, 238),
        "bar_bg": (226, 226, 222),
        "marked": (252, 240, 200),
    },
    "contrast": {
        "bg": (0, 0, 0),
        "panel": (0, 0, 0),
        "text": (255, 255, 255),
        "muted": (235, 235, 235),
        "accent": (255, 214, 0),
        "accent_text": (0, 0, 0),
        "button": (30, 30, 30),
        "focus": (255, 214, 0),
        "good": (120, 230, 140),
        "mixed": (255, 214, 0),
        "poor": (255, 140, 120),
        "face_bg": (60, 60, 60),
        "bar_bg": (70, 70, 70),
        "marked": (70, 60, 0),
    },
}


@dataclass
class Hit:
    """A drawn button and what a click on it does now."""

    rect: pygame.Rect
    action: tuple


@dataclass
class UI:
    """What the player is showing (the run holds everything else)."""

    screen: str = "picker"  # picker | note | scene | feedback | reflect | debrief | resources
    marked: set = field(default_factory=set)
    focus: int = 0
    phase: str = "choose"  # notice | choose (in the conversation)
    reflection: str = ""
    pending: tuple | None = None  # (choice or None for wait) waiting for the reflection
    last_turn: object = None
    topic: str | None = None  # picker filter
    band: str | None = None  # picker filter
    first: int = 0  # the first scenario card shown (the picker scrolls)
    debrief_scroll: int = 0
    previous: str = "scene"  # where the resources overlay returns to


class Player:
    """The graphical player over a Run. Drive it with events, or headless with `act`."""

    def __init__(
        self,
        scenarios,
        *,
        mode: str = "coach",
        seed: int | None = None,
        timed: bool = False,
        size=(1280, 800),
        saving=None,
        watch: str | None = None,
        data: str | None = None,
    ) -> None:
        pygame.display.init()
        pygame.font.init()
        flags = pygame.RESIZABLE
        self.surface = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("Rehearse")
        self.scenarios = list(scenarios)
        from simulator.records.store import best_results

        self.best = best_results(data)
        self.workshop = None  # simulator.shells.workshop.Workshop in workshop mode
        self.vote_url: str | None = None
        self.saving = saving  # simulator.records.saving.Saving: where each run is kept (None: nowhere)
        self.records = saving.records if saving is not None else None
        self.profile = saving.profile if saving is not None else "me"
        self.mode, self.seed, self.timed = mode, seed, timed
        self.scale = 1.0
        self.theme_name = "calm"
        self.run = None  # the Run being played (simulator.session.run, imported when the first run starts)
        self.scenario = None
        self.previous_run = None  # the run a rewind started from, for comparing
        self.ui = UI()
        # Where the last frame put each button (geometry only): a click names a slot, and the slot's
        # meaning is looked up in the current actions, so it can never act on a stale button.
        self.regions: list[tuple[pygame.Rect, tuple | None]] = []
        self._fonts: dict = {}
        self._faces: dict = {}
        self.dirty = True
        self.deadline: float | None = None
        self.quit = False
        self.watch = watch  # a scenario file to reload when it changes (live authoring)
        self.watch_errors: list = []
        self._watch_mtime = os.stat(watch).st_mtime_ns if watch else None
        self._watch_checked = 0.0
        if len(self.scenarios) == 1:
            self.open(self.scenarios[0])

    # --- resources ----------------------------------------------------------------------------

    @property
    def t(self) -> dict:
        return THEMES[self.theme_name]

    def font(self, px: int, weight: str = "Regular") -> pygame.font.Font:
        key = (px, weight)
        if key not in self._fonts:
            path = FONTS / f"Inter-{weight}.otf"
            self._fonts[key] = pygame.font.Font(str(path) if path.exists() else None, px)
        return self._fonts[key]

    def face(self, size: int) -> pygame.Surface:
        run = self.run
        assert run is not None
        scene = run.view().scene
        f = face_for(run.scenario.student.portrait, run.mood, scene.expression)
        key = (f, size)
        if key not in self._faces:
            self._faces[key] = pygame.image.load(io.BytesIO(render_png(f, size)), "face.png").convert_alpha()
        return self._faces[key]

    # --- state changes ------------------------------------------------------------------------

    def open(self, scenario) -> None:
        """Show the scenario's introduction (with its content note and crisis resources, where it
        has one); the run starts when the teacher goes on.

        `scenario` may be a picker card (simulator.records.cards.Card): the introduction needs only the
        card, and the full scenario loads when the teacher begins."""
        self.previous_run = None
        self.scenario = scenario
        self.run = None
        self.ui = UI(screen="note")
        self.dirty = True

    def keep(self, run, *, record=None, continuing=None) -> None:
        """Save `run` now and after every turn (see simulator.records.saving); `continuing` is the run
        a rewind replaced, `record` a stored run being continued."""
        if self.saving is not None:
            self.saving(run, record, continuing=continuing)

    def _start(self) -> None:
        from simulator.session.run import Run

        if not hasattr(self.scenario, "scenes"):
            from simulator.core.loader import load_file

            self.scenario = load_file(self.scenario.path)

        from simulator.records.store import shuffle_choices

        self.run = Run(self.scenario, seed=self.seed, mode=self.mode, timed=self.timed, shuffle=shuffle_choices())
        self.keep(self.run)
        self.ui = UI(screen="scene")
        if self.workshop is not None:
            self.workshop.run = self.run
            self.ui.screen = "workshop" if not self.run.ended else "debrief"
        self._enter_scene()

    def _enter_scene(self) -> None:
        run = self.run
        self.ui.marked = set()
        self.ui.focus = 0
        if run and not run.ended:
            view = run.view()
            self.ui.phase = "notice" if view.cues else "choose"
            self.deadline = time.monotonic() + view.timeout_seconds if view.timeout_seconds else None
            self._shown_at = time.monotonic()
        else:
            self.deadline = None
        self.dirty = True

    def act(self, action: tuple) -> None:
        """Apply one user action (the same ones keys and clicks produce)."""
        kind = action[0]
        ui, run = self.ui, self.run
        self.dirty = True
        if kind == "quit":
            self.quit = True
        elif kind == "open":
            self.open(action[1])
        elif kind == "continue":
            if ui.screen == "note":
                self._start()
            elif ui.screen == "feedback":
                ui.screen = "debrief" if run.ended else "scene"
                self._enter_scene()
            elif ui.screen == "scene" and ui.phase == "notice":
                ui.phase = "choose"
                ui.focus = 0
            elif ui.screen == "resources":
                self.act(("resources",))
        elif kind == "toggle":
            cue = action[1]
            ui.marked.symmetric_difference_update({cue})
        elif kind == "choose":
            self._choose(action[1])
        elif kind == "wait":
            self._choose(None)
        elif kind == "reflect_done":
            self._apply(ui.pending, ui.reflection or None)
        elif kind == "reflect_skip":
            ui.reflection = ""
            self._apply(ui.pending, None)
        elif kind == "type":
            ui.reflection += action[1]
        elif kind == "backspace":
            ui.reflection = ui.reflection[:-1]
        elif kind == "resources":
            if ui.screen != "resources":
                ui.previous, ui.screen = ui.screen, "resources"
                if self.deadline is not None:  # the run waits while the teacher looks after themself
                    self._paused_left = self.deadline - time.monotonic()
                    self.deadline = None
            else:
                ui.screen = ui.previous
                if getattr(self, "_paused_left", None) is not None:
                    self.deadline = time.monotonic() + self._paused_left
                    self._paused_left = None
        elif kind == "rewind":
            self.previous_run = run
            self.run = run.rewind(action[1])
            self.keep(self.run, continuing=run)
            self.ui = UI(screen="scene")
            self._enter_scene()
        elif kind == "replay":
            self.open(self.scenario)
        elif kind == "picker":
            self.run = self.scenario = None
            self.ui = UI(screen="picker")
        elif kind == "share":
            run.consent(not run.share_reflections)
        elif kind == "ws":
            self._workshop_step(action[1:])
        elif kind == "resume":
            self._resume(action[1])
        elif kind == "page":
            ui.first = max(0, ui.first + action[1])  # draw_picker keeps it within the list
            ui.focus = 0
        elif kind == "filter":
            field_, value = action[1], action[2]
            setattr(ui, field_, None if getattr(ui, field_) == value else value)
            ui.focus = ui.first = 0
        elif kind == "back":
            if run and run.turns and not run.ended:
                self.previous_run = run
                self.run = run.rewind(len(run.turns) - 1)
                self.keep(self.run, continuing=run)  # the same record: a step back leaves no orphan
                self.ui = UI(screen="scene")
                self._enter_scene()
        elif kind == "focus":
            ui.focus = action[1]
        elif kind == "contrast":
            self.theme_name = "contrast" if self.theme_name == "calm" else "calm"
        elif kind == "scale":
            self.scale = min(1.8, max(0.7, self.scale + action[1]))
            self._fonts.clear()
        elif kind == "scroll":
            ui.debrief_scroll = max(0, ui.debrief_scroll + action[1])

    def _choose(self, choice) -> None:
        scene = self.run.view().scene
        self.ui.pending = (choice,)
        if scene.reflect:
            self.ui.screen = "reflect"
            self.ui.reflection = ""
            self.deadline = None
        else:
            self._apply(self.ui.pending, None)

    def _apply(self, pending, reflection) -> None:
        run = self.run
        (choice,) = pending
        elapsed = int((time.monotonic() - getattr(self, "_shown_at", time.monotonic())) * 1000)
        noticed = [c.id for c in run.view().cues if c.id in self.ui.marked]
        if choice is None:
            turn = run.wait(noticed=noticed, reflection=reflection, elapsed_ms=elapsed)
        else:
            turn = run.choose(choice, noticed=noticed, reflection=reflection, elapsed_ms=elapsed)
        self.ui.last_turn = turn
        self.ui.pending = None
        if run.coaching and turn.feedback:
            self.ui.screen = "feedback"
        elif run.ended:
            self.ui.screen = "debrief"
        else:
            self.ui.screen = "scene"
        self._enter_scene()

    # --- input ----------------------------------------------------------------------------------

    def actions(self) -> list[Action]:
        """What every key and button means on the screen as the state is now (not as last drawn)."""
        from simulator.shells.player import screens

        lay = layout(*self.surface.get_size(), self.scale)
        ctx = Context(
            scenarios=self.scenarios,
            unfinished=self.unfinished() if self.ui.screen == "picker" else (),
            best=self.best,
            workshop=self.workshop,
            cols=screens.picker_cols(lay),
        )
        acts = actions_for(self.ui, self.run, ctx)
        if self.ui.screen == "picker":  # the number keys and arrows reach only the cards that fit
            acts = actions_for(self.ui, self.run, replace(ctx, cards_fit=screens.picker_fit(self, lay, acts)))
        return acts

    @property
    def hits(self) -> list[Hit]:
        """The buttons of the last frame that are still offered, with what a click on each does now."""
        acts = self.actions()
        now = [(r, slot_action(acts, slot)) for r, slot in self.regions]
        return [Hit(r, a.action) for r, a in now if a is not None]

    def handle(self, event) -> None:
        ui = self.ui
        if event.type == pygame.QUIT:
            self.act(("quit",))
        elif event.type in (pygame.WINDOWRESIZED, pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE):
            self.dirty = True
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            slot = next((slot for r, slot in self.regions if r.collidepoint(event.pos)), None)
            a = slot_action(self.actions(), slot) if slot is not None else None
            if a is not None:
                self.act(a.action)
        elif event.type == pygame.MOUSEWHEEL and ui.screen == "debrief":
            self.act(("scroll", -event.y * 40))
        elif event.type == pygame.MOUSEWHEEL and ui.screen == "picker":
            self.act(("page", -event.y * 2))
        elif event.type == pygame.TEXTINPUT and ui.screen == "reflect":
            self.act(("type", event.text))
        elif event.type == pygame.KEYDOWN:
            a = key_action(self.actions(), event.key, event.mod)
            if a is not None:
                self.act(a.action)

    # --- the loop -------------------------------------------------------------------------------

    def loop(self) -> None:
        """Wait for input and redraw only on change; idle CPU stays near 0.

        pygame-ce's event.wait polls every millisecond (pygame-ce issue #1541), which costs a few
        percent of a core while nothing happens; so the loop drains the queue and then sleeps
        IDLE_SLEEP between looks (50 ms: input still feels instant) or until the next timer deadline."""
        while not self.quit:
            if self.dirty:
                self.draw()
                pygame.display.flip()
                self.dirty = False
            events = pygame.event.get()
            for event in events:
                self.handle(event)
                if self.quit:
                    return
            now = time.monotonic()
            if self.watch and now - self._watch_checked >= 0.5:
                self._watch_checked = now
                self.check_watched()
            if self.deadline is not None and now >= self.deadline and self.ui.screen == "scene":
                self.act(("wait",))
                continue
            if self.deadline is not None and int(now) != getattr(self, "_last_second", None):
                self._last_second = int(now)  # the gentle countdown redraws once a second
                self.dirty = True
            if not events and not self.dirty:
                sleep = IDLE_SLEEP
                if self.deadline is not None:
                    sleep = min(sleep, max(0.0, self.deadline - now))
                time.sleep(sleep)

    def start_workshop(self, scenario, vote_url: str | None = None) -> None:
        """Projector mode: large text, high contrast, a vote at every decision (after the content
        note, where the scenario has one)."""
        from simulator.shells.workshop import Workshop

        self.theme_name, self.scale = "contrast", 1.3
        self._fonts.clear()
        self.scenarios = [scenario]
        self.vote_url = vote_url
        self.workshop = Workshop(None)  # the room code is known before the run starts
        self.open(scenario)

    def _workshop_step(self, what: tuple) -> None:
        ws = self.workshop
        kind = what[0]
        if kind == "next":
            if ws.stage == "discuss":
                ws.open_vote()
            elif ws.stage == "vote":
                ws.show_tally()
            else:
                self._workshop_decide(None)
        elif kind == "count":
            ws.adjust(what[1], what[2])
        elif kind == "pick":
            self._workshop_decide(what[1])

    def _workshop_decide(self, choice_id) -> None:
        elapsed = int((time.monotonic() - getattr(self, "_shown_at", time.monotonic())) * 1000)
        turn = self.workshop.decide(choice_id, elapsed_ms=elapsed)
        self.ui.last_turn = turn
        self.ui.screen = "debrief" if self.run.ended else "workshop"
        self._enter_scene()

    def unfinished(self) -> list:
        """Unfinished runs in the records, newest first (at most three), for the picker."""
        if self.records is None:
            return []
        rows = self.records.runs(profile=self.profile, unfinished=True)
        return sorted(
            (r for r in rows if r.scenario_path and os.path.exists(r.scenario_path)),
            key=lambda r: r.updated_at,
            reverse=True,
        )[:3]

    def _resume(self, row) -> None:
        from simulator.core.errors import ScenarioError
        from simulator.core.loader import load_file
        from simulator.records.runs import RecordsError
        from simulator.session.run import LogError, replay

        try:
            scenario = load_file(row.scenario_path)
            run = replay(scenario, self.records.log(row.id), shuffle=True).run
        except (ScenarioError, RecordsError, LogError):
            return
        self.previous_run = None
        self.scenario, self.run = scenario, run
        self.keep(run, record=(row.id, row.started_at))
        self.ui = UI(screen="debrief" if run.ended else "scene")
        self._enter_scene()

    # --- live authoring ---------------------------------------------------------------------------

    def check_watched(self) -> bool:
        """Reload the watched file if it changed. A broken version shows its diagnostics and the last
        good version plays on; a good one replaces it, keeping the run where its scenes still exist."""
        from simulator.core.loader import read_file

        try:
            mtime = os.stat(self.watch).st_mtime_ns
        except OSError:
            return False
        if mtime == self._watch_mtime:
            return False
        self._watch_mtime = mtime
        scenario, diags = read_file(self.watch)
        self.dirty = True
        if scenario is None:
            self.watch_errors = [d for d in diags if d.severity == "error"]
            return True
        self.watch_errors = []
        old = self.run
        self.scenarios = [scenario if s.id == scenario.id or len(self.scenarios) == 1 else s for s in self.scenarios]
        self.scenario = scenario
        if old is None:
            return True
        from simulator.session.run import replay

        new = replay(scenario, old.log(bounds=False), shuffle=old.shuffle).run  # as far as the new version allows
        self.keep(new, continuing=old)
        self.run = new
        if self.ui.screen not in ("note", "resources"):
            self.ui.screen = "debrief" if new.ended else "scene"
        self._enter_scene()
        return True

    # --- drawing ----------------------------------------------------------------------------------

    def draw(self) -> None:
        from simulator.shells.player import screens

        w, h = self.surface.get_size()
        lay = layout(w, h, self.scale)
        acts = self.actions()
        self.regions = []
        self.surface.fill(self.t["bg"])
        getattr(screens, f"draw_{self.ui.screen}")(self, lay, acts)
        screens.draw_footer(self, lay)
        if self.watch_errors:
            screens.draw_watch_errors(self, lay)

    def save(self, path: str) -> None:
        self.draw()
        pygame.image.save(self.surface, path)


def has_display() -> bool:
    """Whether a window can open here (a dummy driver, set for screenshots, counts)."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return True
    if os.name == "nt" or os.uname().sysname == "Darwin":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
