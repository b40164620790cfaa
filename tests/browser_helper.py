"""Headless Chromium (Debian's chromium + chromium-driver) for the page tests and the README screenshots.

Chromium missing is a failure, not a skip: install `chromium chromium-driver` (apt). Screenshots the
tests take are kept under var/test-artifacts/screenshots/ (gitignored) to look at after a run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from unittest import mock

from newssieve.api.app import create_app
from newssieve.settings import PROJECT_ROOT
from tests.feeds_helper import BASE, add_article, add_translated_copy, build_newsroom, running_server, story

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)
DESKTOP = (1280, 900)
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "screenshots"


class BrowserMissing(RuntimeError):
    pass


@contextlib.contextmanager
def chromium(size: tuple[int, int] = PHONE):
    """A headless Chromium at `size`: a phone (touch, pixel ratio 2) up to 500 pixels wide, else a desktop
    window. Raises BrowserMissing (with the install command) when Chromium or Selenium is not there."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        raise BrowserMissing(f"{' and '.join(missing)} not found: "
                             "apt-get install -y chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        raise BrowserMissing("selenium is not installed: pip install selenium") from None
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"):
        options.add_argument(flag)
    if size[0] <= 500:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 2, "touch": True}})
    else:
        options.add_argument(f"--window-size={size[0]},{size[1]}")
    with mock.patch.dict(os.environ, SE_OFFLINE="true"):  # Selenium Manager must never download anything
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


def layout(browser) -> dict:
    """How the page lies: its scroll width against the window's, its font size, the assets it loaded."""
    return browser.execute_script(
        "return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,"
        " font: parseFloat(getComputedStyle(document.body).fontSize),"
        " assets: [...document.querySelectorAll('link[href], script[src], img[src]')]"
        ".map(e => e.href || e.src),"
        " loaded: performance.getEntriesByType('resource').map(e => e.name)}")


def screenshot(browser, name: str, directory: Path = ARTIFACTS, full_page: bool = False) -> Path:
    """Save what the browser shows as directory/name.png (the whole page's height with full_page)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    if full_page:
        width = browser.execute_script("return window.innerWidth")
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(height, 4000))
    assert browser.save_screenshot(str(path)), f"no screenshot {path}"
    return path


@contextlib.contextmanager
def newsroom_site(client, tmp_path, monkeypatch):
    """The feeds_helper newsroom, its flood story with every kind of copy (trimmed, edited, extended,
    translated), served by the real app under uvicorn: yields (base URL, newsroom, extended copy id)."""
    room = build_newsroom(client, tmp_path, monkeypatch)
    add_translated_copy(client, room)
    extended = add_article(client, "courier", "flood-more", story(1, 10) + story(9, 2), BASE + 3 * 3600 + 60,
                           title="Courier: the flood, and what came after")
    with running_server(create_app()) as url:
        yield url, room, extended
