"""The reader page's search and filters, the article and story pages, and /docs offline, over HTTP
(FastAPI TestClient on the real Redis). The same pages in Chromium: test_web_page.py, test_story_page.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.api.docs import ASSET_NAMES
from newssieve.feeds.search import terms
from tests.feeds_helper import add_translated_copy, build_newsroom, story

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    room = build_newsroom(client, tmp_path, monkeypatch)
    add_translated_copy(client, room)
    return room


@pytest.fixture
def api(room):
    with TestClient(create_app()) as test_client:
        yield test_client


def titles(html: str) -> list[str]:
    return re.findall(r'<li class="story"[^>]*><h2><a [^>]*>([^<]*)</a>', html)


def test_search_finds_words_in_titles_and_in_the_text(api, room):
    assert titles(api.get("/", params={"q": "budget passes"}).text) == ["Budget passes"]
    assert titles(api.get("/", params={"q": "STRIKE"}).text) == ["Rail strike"]  # any case
    word = story(3)[5].split()[7]  # a word of the German story's text only
    assert titles(api.get("/", params={"q": word}).text) == ["Abstimmung"]
    assert terms("Flüsse  überFLUTET, flüsse") == ("flusse", "uberflutet")  # accents and case folded


def test_filters_narrow_by_language_site_and_days(api):
    assert titles(api.get("/", params={"lang": "de"}).text) == ["Abstimmung"]
    assert titles(api.get("/", params={"site": "wire", "lang": "en"}).text) == ["Rail strike",
                                                                                "River floods the harbour"]
    assert titles(api.get("/", params={"from": "2026-11-20", "to": "2026-11-20"}).text) == [
        "Budget passes", "Rail strike", "Abstimmung", "River floods the harbour"]
    assert titles(api.get("/", params={"from": "2026-11-21"}).text) == []
    assert titles(api.get("/", params={"to": "2026-11-19"}).text) == []
    # empty fields, as a form without script sends them, mean "not set"
    empty = api.get("/?feed=&q=&site=&lang=&from=&to=")
    assert empty.status_code == 200 and len(titles(empty.text)) == 4


def test_the_form_shows_the_search_back_and_offers_the_stored_languages(api):
    html = api.get("/", params={"q": "budget", "lang": "en", "from": "2026-11-20"}).text
    assert 'name="q" value="budget"' in html and 'name="from" value="2026-11-20"' in html
    assert '<option value="en" selected>English (en)</option>' in html
    assert '<option value="de">German (de)</option>' in html
    assert "matching “budget” · in English (en) · published from 2026-11-20" in html


def test_nothing_matching_is_said_with_a_way_back(api):
    page = api.get("/", params={"q": "volcano", "lang": "de"})
    assert page.status_code == 200 and titles(page.text) == []
    assert "No stories matching “volcano” · in German (de)." in page.text
    assert '<a class="clear" href="http://testserver/">Show all stories</a>' in page.text
    assert "No stories from gazette." in api.get("/", params={"feed": "wires", "site": "gazette"}).text
    assert "No stories here yet." in api.get("/", params={"feed": "wires", "cursor": "MHxub25l"}).text


def test_a_search_it_cannot_read_is_explained_not_run(api):
    page = api.get("/", params={"from": "2026-13-01", "lang": "German", "to": "2026-01-01"})
    assert page.status_code == 422 and titles(page.text) == []
    assert "“2026-13-01” is not a date (YYYY-MM-DD) for “from”." in page.text
    assert "“German” is not a language code" in page.text
    swapped = api.get("/", params={"from": "2026-11-21", "to": "2026-11-20"})
    assert swapped.status_code == 422 and "“to” is earlier than “from”." in swapped.text


def test_search_text_is_escaped(api):
    html = api.get("/", params={"q": '<script>alert(1)</script>"'}).text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in html


def test_reader_links_each_story_to_its_article_page_and_its_story_page(api, room):
    html = api.get("/").text
    cluster = api.get(f"/articles/{room.flood}").json()["cluster"]["id"]
    assert f'href="http://testserver/articles/{room.flood}"' in html
    assert f'href="http://testserver/clusters/{cluster}">See what each copy changed</a>' in html
    assert f'href="http://testserver/articles/{room.flood_gazette}"' in html  # a copy's own page
    assert 'class="source" href="http://wire.test/news/flood"' in html


def test_articles_and_clusters_are_html_for_a_browser_and_json_for_programs(api, room):
    for accept in (None, "*/*", "application/json", "application/json, text/html;q=0.5"):
        headers = {"accept": accept} if accept else {}
        answer = api.get(f"/articles/{room.flood}", headers=headers)
        assert answer.headers["content-type"] == "application/json", accept
        assert answer.json()["id"] == room.flood and answer.headers["vary"] == "Accept"
    page = api.get(f"/articles/{room.flood}", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html") and page.headers["vary"] == "Accept"
    assert "<h2 lang=\"en\">River floods the harbour</h2>" in page.text and "Ann Reporter" in page.text
    assert story(1, 10)[3] in page.text and "See what each copy changed" in page.text
    missing = api.get("/articles/nosuch", headers=BROWSER)
    assert missing.status_code == 404 and "No article “nosuch” is stored" in missing.text
    assert api.get("/articles/nosuch").json() == {"detail": "no article 'nosuch'"}
    assert api.get("/clusters/nosuch", headers=BROWSER).status_code == 404


def test_the_story_page_marks_what_each_copy_changed(api, room):
    cluster = api.get(f"/articles/{room.flood}").json()["cluster"]["id"]
    html = api.get(f"/clusters/{cluster}", headers=BROWSER).text
    sections = dict(re.findall(r'<section class="version" id="copy-([^"]+)">(.*?)</section>', html, re.S))
    trimmed, edited = sections[room.flood_gazette], sections[room.flood_courier]
    assert "<b>trimmed</b> 3 of 10 paragraphs cut" in trimmed and trimmed.count('class="row trimmed"') == 3
    assert "<b>edited</b>" in edited and "<del>" in edited and "<ins>" in edited
    changed = re.findall(r"<ins>([^<]*)</ins>", edited)
    assert changed and all("councillors" in words for words in changed)
    others = (room.flood_gazette, room.flood_courier)
    translated = next(body for aid, body in sections.items() if aid not in others)
    assert "<b>translated</b> English (en) → German (de), 9 sentences side by side" in translated
    assert translated.count('class="row pair"') == 9 and '<p lang="de">' in translated
    assert "Courier: floods &amp; &lt;harbour&gt;" in html  # titles escaped


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_load_swagger_ui_from_this_server_only(api):
    for path in ("/docs", "/redoc"):
        page = api.get(path)
        parser = Assets()
        parser.feed(page.text)
        assert page.status_code == 200 and parser.urls, path
        assert all(urlsplit(url).netloc == "testserver" for url in parser.urls), (path, parser.urls)
        assert not re.search(r"https?://(?!testserver)", page.text), path  # no CDN, no validator
    for name in ASSET_NAMES:
        asset = api.get(f"/docs/assets/{name}")
        assert asset.status_code == 200 and len(asset.content) > 1000, name
    assert "SwaggerUIBundle" in api.get("/docs/assets/swagger-ui-bundle.js").text
    assert api.get("/docs/assets/../app.py").status_code == 404
    assert api.get("/docs/assets/secret.txt").status_code == 404
