"""What check's walk through the reachable states saw: the facts the lint's warnings are read from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Walk:
    """What the walk through reachable states saw, for the lint (simulator/authoring/lint.py)."""

    complete: bool = True
    scenes: set = field(default_factory=set)  # scene ids shown (entered or passed through)
    offered: set = field(default_factory=set)  # (scene, choice id) offered in some reachable state
    guards: dict = field(default_factory=dict)  # (scene, choice id) -> outcomes seen {True, False}
    edges: dict = field(default_factory=dict)  # state key -> child state keys
    scene_of: dict = field(default_factory=dict)  # state key -> scene id
    endings: set = field(default_factory=set)  # state keys at an ending
