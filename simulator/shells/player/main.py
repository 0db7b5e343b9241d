"""Starting the graphical player: interactively, or headless through a script with screenshots."""

from __future__ import annotations

import os
from pathlib import Path


def play_window(
    scenarios,
    *,
    mode="coach",
    seed=None,
    timed=False,
    saving=None,
    watch=None,
    resume=None,
    data=None,
    size=None,
    prepare=None,
) -> int:
    """Open the window and run the loop until the teacher closes it: the one way every command
    (play, the picker, resume, workshop) opens it. `prepare(player)` sets the player up before the
    loop (a workshop starts its room) and may return a function to call when the window closes."""
    import pygame

    from simulator.shells.player.app import Player

    kw = {"size": size} if size else {}
    player = Player(scenarios, mode=mode, seed=seed, timed=timed, saving=saving, watch=watch, data=data, **kw)
    if resume is not None:  # continue a run from the records
        player.scenario, player.run = resume.scenario, resume
        player.keep(resume)  # a no-op when the caller attached it to its record already
        player.ui.screen = "debrief" if resume.ended else "scene"
        player._enter_scene()
    cleanup = prepare(player) if prepare is not None else None
    try:
        player.loop()
    finally:
        if cleanup is not None:
            cleanup()
        pygame.quit()
    return 0


def play_script_with_screenshots(
    scenario, turns, out_dir: str, *, mode="coach", seed=None, size=(1280, 800), contrast=False
) -> list[str]:
    """Play `turns` (a read script) in the graphical player and save a PNG of every screen shown."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from simulator.shells.player.app import Player

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    player = Player([scenario], mode=mode, seed=seed, size=size)
    if contrast:
        player.act(("contrast",))

    def shot(name: str) -> None:
        path = folder / f"{len(saved) + 1:02d}-{name}.png"
        player.save(str(path))
        saved.append(str(path))

    try:
        if player.ui.screen == "note":
            shot("intro")
            player.act(("continue",))
        for t in turns:
            if player.run.ended:
                break
            for cue in t.noticed:
                player.act(("toggle", cue))
            shot(f"scene-{player.run.view().scene.id}")
            if player.ui.phase == "notice":
                player.act(("continue",))
            if t.kind == "wait":
                player.act(("wait",))
            else:
                player.act(("choose", player.run.find_choice(t.choice).id))
            if player.ui.screen == "reflect":
                player.ui.reflection = t.reflection or ""
                shot("reflect")
                player.act(("reflect_done",))
            if player.ui.screen == "feedback":
                shot("coach")
                player.act(("continue",))
        if player.run is not None and player.run.ended:
            player.ui.screen = "debrief"
            shot("debrief")
            player.act(("resources",))
            shot("resources")
    finally:
        pygame.quit()
    return saved
