"""The article page and the story page in headless Chromium at a phone's and a desktop's width: readable,
and each copy's changes marked (cut paragraphs, changed words, added paragraphs, a translation beside
its original). Screenshots go to var/test-artifacts/screenshots/."""

from __future__ import annotations

import httpx
import pytest

from tests.browser_helper import newsroom_site, screenshot
from tests.feeds_helper import story
from tests.test_web_page import SIZES, chromium, readable


@pytest.fixture
def site(client, tmp_path, monkeypatch):
    with newsroom_site(client, tmp_path, monkeypatch) as (url, room, extended):
        cluster = httpx.get(f"{url}/articles/{room.flood}").json()["cluster"]["id"]
        yield url, room, extended, cluster


def painted(element) -> bool:
    """Shown, with a background of its own (the highlight)."""
    colour = element.value_of_css_property("background-color")
    return element.is_displayed() and colour not in ("rgba(0, 0, 0, 0)", "transparent")


@pytest.mark.parametrize("size", SIZES)
def test_the_story_page_shows_each_copy_beside_the_original_with_its_changes_marked(site, size):
    from selenium.webdriver.common.by import By

    url, room, extended, cluster = site
    with chromium(SIZES[size]) as browser:
        browser.get(f"{url}/clusters/{cluster}")
        sections = {s.get_attribute("id").removeprefix("copy-"): s
                    for s in browser.find_elements(By.CSS_SELECTOR, "section.version")}
        assert len(sections) == 4 and room.flood_gazette in sections and extended in sections
        changes = {aid: [c.text.split()[0] for c in s.find_elements(By.CSS_SELECTOR, "li.change")]
                   for aid, s in sections.items()}
        assert changes[room.flood_gazette] == ["trimmed"]
        assert changes[room.flood_courier] == ["edited"]
        assert changes[extended] == ["extended"]
        assert [c for aid, c in changes.items() if aid not in (room.flood_gazette, room.flood_courier,
                                                                extended)] == [["translated", "trimmed"]]

        cut = sections[room.flood_gazette].find_elements(By.CSS_SELECTOR, ".row.trimmed .orig del")
        assert [c.text for c in cut] == story(1, 10)[7:] and all(painted(c) for c in cut)
        edited = sections[room.flood_courier]
        marks = edited.find_elements(By.CSS_SELECTOR, ".row.edited del, .row.edited ins")
        assert marks and all(painted(e) for e in marks)
        assert all("councillors" in e.text for e in edited.find_elements(By.CSS_SELECTOR, ".row.edited ins"))
        added = sections[extended].find_elements(By.CSS_SELECTOR, ".row.added .copy ins")
        assert [a.text for a in added] == story(9, 2) and all(painted(a) for a in added)
        same = sections[extended].find_element(By.CSS_SELECTOR, "details.same")
        assert same.find_element(By.TAG_NAME, "summary").text == "10 paragraphs the same in both"
        assert not same.find_element(By.CSS_SELECTOR, ".row").is_displayed()  # folded until asked
        translated = next(s for aid, s in sections.items() if changes[aid][0] == "translated")
        pairs = translated.find_elements(By.CSS_SELECTOR, ".row.pair")
        assert len(pairs) == 9
        assert pairs[0].find_element(By.CSS_SELECTOR, ".copy p").get_attribute("lang") == "de"

        row = pairs[0].find_elements(By.CSS_SELECTOR, ".orig, .copy")
        left, right = (cell.rect for cell in row)
        if size == "desktop":  # side by side
            assert left["y"] == right["y"] and left["x"] + left["width"] <= right["x"]
        else:  # one above the other, each labelled
            assert right["y"] >= left["y"] + left["height"] - 2 and right["x"] == left["x"]
        readable(browser, url)
        assert screenshot(browser, f"story-{size}").stat().st_size > 10_000
        browser.execute_script("arguments[0].scrollIntoView()", sections[room.flood_courier])
        screenshot(browser, f"story-edited-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_the_article_page_reads_well_and_leads_to_its_story(site, size):
    from selenium.webdriver.common.by import By

    url, room, _, cluster = site
    with chromium(SIZES[size]) as browser:
        browser.get(f"{url}/articles/{room.flood_gazette}")
        title = browser.find_element(By.CSS_SELECTOR, "article.record h2").text
        assert title == "Gazette: river floods harbour"
        paragraphs = browser.find_elements(By.CSS_SELECTOR, "article.record .text p")
        assert [p.text for p in paragraphs] == story(1, 10)[:7]
        assert "a copy (near) in a story with 4 other versions" in browser.page_source
        readable(browser, url)
        screenshot(browser, f"article-{size}")
        browser.find_element(By.LINK_TEXT, "See what each copy changed").click()
        assert browser.current_url.endswith(f"/clusters/{cluster}")
        browser.find_element(By.CSS_SELECTOR, "article.story-page h2 a").click()  # the original's page
        assert browser.current_url.endswith(f"/articles/{room.flood}")
        source = browser.find_element(By.CSS_SELECTOR, "article.record .meta a.source")
        assert source.get_attribute("href") == "http://wire.test/news/flood"
