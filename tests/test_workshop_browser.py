"""The phone voting page in a real headless browser (Chromium through Selenium).

The browser keeps its own cookie, so a second vote from it in the same decision is refused, as on
a phone. Skipped, with the reason, where Chromium or its driver is not installed (.ci/run installs
them from Debian's packages)."""

from __future__ import annotations

import shutil

import pytest
from conftest import SCENARIOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser():
    if not (CHROMIUM and DRIVER):
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(30)
    yield drv
    drv.quit()


def test_a_phone_votes_once_in_a_real_browser(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shows(words: str) -> bool:  # a click starts a navigation; wait for the page it leads to
        WebDriverWait(browser, 15).until(lambda b: words in b.page_source)
        return True

    from simulator.core.loader import load_file
    from simulator.session.run import Run
    from simulator.shells.workshop import Workshop
    from simulator.shells.workshop_web import VoteServer

    ws = Workshop(Run(load_file(SCENARIOS / "phone-standoff.yaml"), seed=7))
    server = VoteServer(ws, host="127.0.0.1", port=0).start()
    try:
        browser.get(server.url())
        browser.find_element(By.NAME, "code").send_keys(ws.code.lower())
        browser.find_element(By.TAG_NAME, "button").click()
        assert shows("Voting opens when the facilitator asks")
        ws.open_vote()
        browser.get(f"{server.url()}r/{ws.code}")
        buttons = browser.find_elements(By.CSS_SELECTOR, "button[name=choice]")
        assert [b.text[:12] for b in buttons] == ["1. Walk over", "2. From the "]
        buttons[1].click()
        assert shows("Your vote is in")
        browser.get(f"{server.url()}r/{ws.code}")  # the same phone comes back
        assert "Your vote is in" in browser.page_source and not browser.find_elements(By.NAME, "choice")
    finally:
        server.stop()
    assert dict((c.id, n) for c, n in ws.tally()) == {"crouch": 0, "public": 1}
