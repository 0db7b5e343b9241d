"""Benchmark the graphical player (issue 5), headless with the dummy video driver.

1. Time to first frame (a new process: import, window, fonts, portrait, first scene drawn)
   against a baseline process that only imports pygame and sets up the same fonts. Target <= 2x.
2. Redraw time of each screen at 1280x800. Target <= 8 ms.
3. CPU used over 5 idle seconds while the player waits for the teacher. Target <= 1%."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}

BASELINE = r"""
import time; t = time.perf_counter()
import pygame
pygame.display.init(); pygame.font.init()
s = pygame.display.set_mode((1280, 800))
for px, w in ((19, "Regular"), (27, "SemiBold"), (15, "Regular")):
    pygame.font.Font(f"assets/fonts/Inter-{w}.otf", px).render("Rehearse", True, (0, 0, 0))
pygame.display.flip()
print(time.perf_counter() - t)
"""

FIRST_FRAME = r"""
import time; t = time.perf_counter()
from simulator.records.cards import card_for
from simulator.shells.player.app import Player
p = Player([card_for(SCENARIO)], seed=1)  # as `rehearse play FILE` opens: the introduction, from the card
p.draw()
import pygame; pygame.display.flip()
print(time.perf_counter() - t)
"""

PICKER = r"""
import time; t = time.perf_counter()
from pathlib import Path
from simulator.records.cards import load_cards
from simulator.shells.player.app import Player
p = Player(load_cards(Path("scenarios")), seed=1)
p.draw()
import pygame; pygame.display.flip()
print(time.perf_counter() - t)
"""

IDLE = r"""
import os, threading, time, resource
from simulator.core.loader import load_file
from simulator.shells.player.app import Player
import pygame
p = Player([load_file("scenarios/phone-standoff.yaml")], seed=1)
p.draw(); pygame.display.flip()
def stop():
    time.sleep(5)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
threading.Thread(target=stop, daemon=True).start()
r0 = resource.getrusage(resource.RUSAGE_SELF); t0 = time.perf_counter()
p.loop()
r1 = resource.getrusage(resource.RUSAGE_SELF); t1 = time.perf_counter()
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(cpu / (t1 - t0))
"""


def child(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=ENV, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ok = True
    base = min(child(BASELINE) for _ in range(3))
    for name, first_screen in (
        ("the-sketchbook", "introduction with content note"),
        ("phone-standoff", "introduction"),
    ):
        code = FIRST_FRAME.replace("SCENARIO", repr(f"scenarios/{name}.yaml"))
        child(code)  # the first start fills the card cache, as a teacher's first start does
        first = min(child(code) for _ in range(3))
        r = first / base
        ok &= r <= 2
        print(
            f"1. first frame ({first_screen}) {first * 1000:.0f} ms vs import pygame + fonts {base * 1000:.0f} ms: "
            f"{r:.2f}x (target <= 2x) {'ok' if r <= 2 else 'MISSED'}"
        )

    child(PICKER)  # the first start fills the card cache, as a teacher's first start does
    first = min(child(PICKER) for _ in range(3))
    r = first / base
    ok &= r <= 2
    print(
        f"1. first frame (the picker, {len(list((ROOT / 'scenarios').glob('*.yaml')))} scenarios) "
        f"{first * 1000:.0f} ms vs import pygame + fonts {base * 1000:.0f} ms: {r:.2f}x (target <= 2x) "
        f"{'ok' if r <= 2 else 'MISSED'}"
    )

    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    from simulator.core.loader import load_file
    from simulator.shells.player.app import Player

    sc = load_file(ROOT / "scenarios" / "the-sketchbook.yaml")
    p = Player([sc], seed=7)
    import pygame

    worst = 0.0
    steps = [
        ("note", None),
        ("scene", ("continue",)),
        ("choose", ("continue",)),
        ("feedback", ("choose", "note-baseline")),
    ]

    def redraw_ms(name: str, n: int = 50) -> float:
        p.draw()  # warm caches (fonts, portrait, debrief)
        t0 = time.perf_counter()
        for _ in range(n):
            p.draw()
            pygame.display.flip()
        ms = (time.perf_counter() - t0) / n * 1000
        print(f"2. redraw {name:9} {ms:6.2f} ms")
        return ms

    for name, action in steps:
        if action:
            p.act(action)
        worst = max(worst, redraw_ms(name))
    for t in ("ask-to-stay", "specific-observations", "ask-directly", "accept-fine"):
        if p.ui.screen == "feedback":
            p.act(("continue",))
        if p.ui.phase == "notice":
            p.act(("continue",))
        if not p.run.ended and any(c.id == t for c in p.run.offered_choices()):
            p.act(("choose", t))
    p.ui.screen = "debrief"
    worst = max(worst, redraw_ms("debrief", 20))
    ok &= worst <= 8
    print(f"   worst redraw {worst:.2f} ms (target <= 8 ms) {'ok' if worst <= 8 else 'MISSED'}")
    pygame.quit()

    cpu = child(IDLE)
    print(f"3. idle CPU over 5 s, dummy video driver: {cpu * 100:.2f}%")
    xvfb = shutil.which("Xvfb")
    if xvfb:
        proc = subprocess.Popen(
            [xvfb, ":87", "-screen", "0", "1400x900x24"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            time.sleep(1.0)
            ENV.update(SDL_VIDEODRIVER="x11", DISPLAY=":87")
            cpu = child(IDLE)
        finally:
            proc.terminate()
        ok &= cpu <= 0.01
        print(
            f"3. idle CPU over 5 s, a real X server (Xvfb): {cpu * 100:.2f}% (target <= 1%) "
            f"{'ok' if cpu <= 0.01 else 'MISSED'}"
        )
    else:
        print("3. (install xvfb to measure idle CPU on a real X server: apt-get install xvfb)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
