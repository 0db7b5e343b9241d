"""Workshop mode: a facilitator runs a scenario for a room, with a vote at each decision.

At each decision the room discusses (the scene's cues and choices on the projector), votes
(counts the facilitator types, or phones on the local network: simulator/shells/workshop_web.py), sees
the tally, and the facilitator picks which choice the room takes (usually the majority). The
votes are kept in the run's log beside each turn ("votes", "voters"), so the room's run is stored
and reported like any other."""

from __future__ import annotations

import secrets
import threading
from collections import Counter

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: easy to read from the back of the room


class Workshop:
    """The room's state around one Run. Thread-safe: phones vote from the web server's threads."""

    def __init__(self, run, code: str | None = None) -> None:
        self.run = run
        self.code = code or "".join(secrets.choice(ALPHABET) for _ in range(4))
        self.stage = "discuss"  # discuss | vote | tally
        self.counts: Counter = Counter()  # choice id -> votes, this decision
        self.devices: set[str] = set()  # devices that voted in this decision
        self.decision = 0  # increases with each decision, so a phone votes once per decision
        self._lock = threading.Lock()

    def choices(self):
        return self.run.shown_choices()

    def open_vote(self) -> None:
        with self._lock:
            self.stage = "vote"

    def cast(self, device: str, choice_id: str) -> bool:
        """A phone's vote; False if voting is closed, the choice is not offered, or this device voted."""
        with self._lock:
            if self.stage != "vote" or device in self.devices or choice_id not in {c.id for c in self.choices()}:
                return False
            self.devices.add(device)
            self.counts[choice_id] += 1
            return True

    def adjust(self, choice_id: str, delta: int) -> None:
        """The facilitator types counts (e.g. a show of hands)."""
        with self._lock:
            self.counts[choice_id] = max(0, self.counts[choice_id] + delta)

    def tally(self) -> list[tuple[object, int]]:
        with self._lock:
            return [(c, self.counts.get(c.id, 0)) for c in self.choices()]

    def show_tally(self) -> None:
        with self._lock:
            self.stage = "tally"

    def majority(self):
        tally = self.tally()
        top = max((n for _, n in tally), default=0)
        return next((c for c, n in tally if n == top), tally[0][0] if tally else None)

    def decide(self, choice_id: str | None = None, elapsed_ms: int = 0):
        """The room takes `choice_id` (default: the majority); the votes, and how long the room took
        (`elapsed_ms`, measured by the shell), go into the log."""
        choice = next((c for c in self.choices() if c.id == choice_id), None) if choice_id else self.majority()
        with self._lock:
            votes = {c.id: self.counts.get(c.id, 0) for c in self.choices()}
            voters = len(self.devices)
            self.counts, self.devices = Counter(), set()
            self.stage = "discuss"
            self.decision += 1
        return self.run.choose(choice, elapsed_ms=elapsed_ms, notes={"votes": votes, "voters": voters})
