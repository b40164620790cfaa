"""The reader page in headless Chromium (Debian's chromium + chromium-driver) against a real server.

Chromium missing is a failure, not a skip: install `chromium chromium-driver` (apt).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from unittest import mock
from urllib.parse import urlsplit

import pytest

from newssieve.api.app import create_app
from tests.feeds_helper import add_translated_copy, build_newsroom, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = (390, 844)


@contextlib.contextmanager
def chromium():
    """Headless Chromium under chromedriver; opened inside the test so that a missing one fails it."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found: apt-get install -y chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is not installed: pip install selenium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(flag)
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": PHONE[0], "height": PHONE[1], "pixelRatio": 2, "touch": True}})
    with mock.patch.dict(os.environ, SE_OFFLINE="true"):  # Selenium Manager must never download anything
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def site_url(client, tmp_path, monkeypatch):
    room = build_newsroom(client, tmp_path, monkeypatch)
    add_translated_copy(client, room)
    with running_server(create_app()) as url:
        yield url, room


def test_stories_and_folded_copies_render_readably_on_a_phone(site_url, tmp_path):
    with chromium() as browser:
        check_reader_page(browser, *site_url, tmp_path)


def check_reader_page(browser, url: str, room, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(url + "/")
    stories = browser.find_elements(By.CSS_SELECTOR, "li.story")
    titles = [s.find_element(By.CSS_SELECTOR, "h2").text for s in stories]
    assert len(stories) == 4 and titles[0] == "Budget passes" and titles[-1] == "River floods the harbour"

    flood = browser.find_element(By.ID, f"story-{room.flood}")
    copies = flood.find_elements(By.CSS_SELECTOR, "li.copy")
    assert len(copies) == 3 and not any(c.is_displayed() for c in copies)  # folded
    flood.find_element(By.CSS_SELECTOR, "details.copies summary").click()
    assert all(c.is_displayed() for c in copies)
    texts = " ".join(c.text for c in copies)
    assert "gazette" in texts and "Courier: floods & <harbour>" in texts and "% similar" in texts
    labels = [c.find_element(By.CSS_SELECTOR, ".meta .match") for c in copies]  # how each matched
    assert [label.text for label in labels] == ["translation · de", "near · en", "near · en"]
    assert all(label.is_displayed() and label.size["height"] < 30 for label in labels)  # a small label

    layout = browser.execute_script(
        "return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,"
        " font: parseFloat(getComputedStyle(document.body).fontSize),"
        " assets: [...document.querySelectorAll('link[href], script[src]')].map(e => e.href || e.src)}")
    assert layout["scroll"] <= layout["width"], "the page scrolls sideways on a phone"
    assert layout["font"] >= 16
    assert all(urlsplit(a).netloc == urlsplit(url).netloc for a in layout["assets"])  # nothing from a CDN
    browser.execute_script("arguments[0].scrollIntoView()", flood)
    shot = tmp_path / "reader-page-phone.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000

    Select(browser.find_element(By.NAME, "site")).select_by_value("gazette")  # the script submits the form
    WebDriverWait(browser, 10).until(lambda b: "site=gazette" in b.current_url)
    titles = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "li.story h2")]
    assert titles == ["Abstimmung"]
    Select(browser.find_element(By.NAME, "feed")).select_by_value("wires")
    WebDriverWait(browser, 10).until(lambda b: "feed=wires" in b.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "p.empty").text == "No stories here yet."
