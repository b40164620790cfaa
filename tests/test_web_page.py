"""The reader page in headless Chromium (Debian's chromium + chromium-driver) against a real server,
at a phone's width (390) and a desktop's (1280): readable, its links working, search and filters
narrowing the list. Screenshots go to var/test-artifacts/screenshots/.

Chromium missing is a failure, not a skip: install `chromium chromium-driver` (apt).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_helper import DESKTOP, PHONE, layout, newsroom_site, screenshot
from tests.browser_helper import chromium as browser_at
from tests.feeds_helper import running_server  # noqa: F401  (other page tests import it from here)

SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def site_url(client, tmp_path, monkeypatch):
    with newsroom_site(client, tmp_path, monkeypatch) as (url, room, _):
        yield url, room


def chromium(size=PHONE):
    """Chromium at a size (the status and hardening tests use it too)."""
    return browser_at(size)


def readable(browser, url: str) -> None:
    """No sideways scrolling, a body font of 16px or more, and nothing loaded from another host."""
    found = layout(browser)
    assert found["scroll"] <= found["width"], f"{browser.current_url} scrolls sideways"
    assert found["font"] >= 16
    host = urlsplit(url).netloc
    assert all(urlsplit(a).netloc == host for a in found["assets"] + found["loaded"]), found["loaded"]


def story_titles(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [h.text for h in browser.find_elements(By.CSS_SELECTOR, "li.story h2")]


@pytest.mark.parametrize("size", SIZES)
def test_stories_and_folded_copies_render_readably(site_url, size):
    from selenium.webdriver.common.by import By

    url, room = site_url
    with chromium(SIZES[size]) as browser:
        browser.get(url + "/")
        titles = story_titles(browser)
        assert len(titles) == 4 and titles[0] == "Budget passes" and titles[-1] == "River floods the harbour"
        flood = browser.find_element(By.ID, f"story-{room.flood}")
        copies = flood.find_elements(By.CSS_SELECTOR, "li.copy")
        assert len(copies) == 4 and not any(c.is_displayed() for c in copies)  # folded
        flood.find_element(By.CSS_SELECTOR, "details.copies summary").click()
        assert all(c.is_displayed() for c in copies)
        texts = " ".join(c.text for c in copies)
        assert "gazette" in texts and "Courier: floods & <harbour>" in texts and "% similar" in texts
        labels = [c.find_element(By.CSS_SELECTOR, ".meta .match") for c in copies]  # how each matched
        assert [label.text for label in labels] == ["translation · de", "near · en", "near · en", "near · en"]
        assert all(label.is_displayed() and label.size["height"] < 30 for label in labels)  # a small label
        readable(browser, url)
        browser.execute_script("arguments[0].scrollIntoView()", flood)
        assert screenshot(browser, f"reader-{size}").stat().st_size > 10_000


@pytest.mark.parametrize("size", SIZES)
def test_reader_links_open_the_article_and_story_pages(site_url, size):
    from selenium.webdriver.common.by import By

    url, room = site_url
    with chromium(SIZES[size]) as browser:
        browser.get(url + "/")
        browser.find_element(By.LINK_TEXT, "Rail strike").click()
        assert browser.find_element(By.CSS_SELECTOR, "article.record h2").text == "Rail strike"
        assert urlsplit(browser.current_url).path == f"/articles/{room.rail}"
        browser.back()
        flood = browser.find_element(By.ID, f"story-{room.flood}")
        flood.find_element(By.CSS_SELECTOR, "details.copies summary").click()
        flood.find_element(By.LINK_TEXT, "See what each copy changed").click()
        heading = browser.find_element(By.CSS_SELECTOR, "article.story-page h2").text
        assert heading == "River floods the harbour"
        assert urlsplit(browser.current_url).path.startswith("/clusters/")
        browser.find_element(By.PARTIAL_LINK_TEXT, "All stories").click()
        assert len(story_titles(browser)) == 4


@pytest.mark.parametrize("size", SIZES)
def test_search_and_filters_narrow_the_list_in_a_url_to_share(site_url, size):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    url, _ = site_url
    with chromium(SIZES[size]) as browser:
        browser.get(url + "/")
        box = browser.find_element(By.NAME, "q")
        box.send_keys("budget passes")
        box.submit()
        WebDriverWait(browser, 10).until(lambda b: "q=" in b.current_url)
        query = parse_qs(urlsplit(browser.current_url).query)
        assert query == {"q": ["budget passes"]}  # the empty fields are left out
        assert story_titles(browser) == ["Budget passes"]
        shared = browser.current_url
        browser.get(url + "/")
        browser.get(shared)  # the URL alone gives the same list
        assert story_titles(browser) == ["Budget passes"]

        browser.get(url + "/")
        Select(browser.find_element(By.NAME, "lang")).select_by_value("de")  # the script submits the form
        WebDriverWait(browser, 10).until(lambda b: "lang=de" in b.current_url)
        assert story_titles(browser) == ["Abstimmung"]
        Select(browser.find_element(By.NAME, "site")).select_by_value("wire")
        WebDriverWait(browser, 10).until(lambda b: "site=wire" in b.current_url)
        empty = browser.find_element(By.CSS_SELECTOR, "p.empty")
        assert empty.text.startswith("No stories from wire · in German (de).") and empty.is_displayed()
        readable(browser, url)
        screenshot(browser, f"reader-nothing-matches-{size}")
        empty.find_element(By.LINK_TEXT, "Show all stories").click()
        assert len(story_titles(browser)) == 4

        browser.get(url + "/?from=2026-11-20&to=2026-11-20&site=wire")
        assert browser.find_element(By.NAME, "from").get_attribute("value") == "2026-11-20"
        assert story_titles(browser) == ["Rail strike", "River floods the harbour"]
        browser.get(url + "/?from=2026-11-21")
        assert story_titles(browser) == [] and "No stories published from 2026-11-21" in browser.page_source


def test_api_documentation_renders_from_this_server_alone(site_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, _ = site_url
    with chromium(DESKTOP) as browser:
        browser.get(url + "/docs")
        WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".opblock-summary-path"))
        paths = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
        assert {"/feeds", "/articles/{article_id}", "/clusters/{cluster_id}"} <= {p.replace("\u200b", "")
                                                                                 for p in paths}
        loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        host = urlsplit(url).netloc
        assert loaded and all(urlsplit(name).netloc == host for name in loaded), loaded
        screenshot(browser, "docs-desktop")
