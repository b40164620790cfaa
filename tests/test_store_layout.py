"""The article record's layout: the text stored once, compressed, and records of the older layout
(text and paragraphs plain) read the same by every reader."""

from __future__ import annotations

import json

import brotli
from redis.client import NEVER_DECODE

from newssieve.models import Article, Page
from newssieve.store.articles import (
    ARTICLE_VIEW_FIELDS,
    EXPORT_FIELDS,
    FEED_ENTRY_FIELDS,
    RECORD_FIELDS,
    Store,
    published_ts,
)
from newssieve.store.data_errors import DataErrors
from newssieve.store.record_layout import BODY

URL = "http://zeitung.example/2026/fähre.html"
PARAGRAPHS = ["Die Fähre fährt wieder — «ab Montag».", "Zweiter Absatz: 東京 ☃ naïve " * 40, "Dritter."]


def an_article(**changes) -> Article:
    fields = {"title": "Fähre", "authors": ["Mara Lind"], "lang": "de", "site_name": None,
              "text": "\n".join(PARAGRAPHS), "paragraphs": PARAGRAPHS}
    return Article(**(fields | changes))


def a_page(url: str = URL) -> Page:
    return Page(url=url, canonical_url=url, site="zeitung", html="", fetched_at=1_700_000_000.5)


def save(store: Store, page: Page, article: Article) -> str:
    return store.save_article(page, article, exact_hash="f" * 32, shingles=40, feeds=["all"],
                              published=published_ts(article, page))


def save_old_layout(client, store: Store, page: Page, article: Article) -> str:
    """A record as store/articles.py wrote it before issue 18: every field, the text twice, plain."""
    aid = save(store, page, article)
    key = store.keys.article(aid)
    client.delete(key)
    client.hset(key, mapping={
        "id": aid, "url": page.url, "canonical_url": page.canonical_url, "site": page.site,
        "status": page.status, "fetched_at": page.fetched_at, "processed_at": 1_700_000_001.0,
        "title": article.title, "authors": json.dumps(article.authors, ensure_ascii=False),
        "published": article.published or "", "published_ts": published_ts(article, page),
        "lang": article.lang or "", "site_name": article.site_name or "", "text": article.text,
        "paragraphs": json.dumps(article.paragraphs, ensure_ascii=False),
        "empty_reason": article.empty_reason or "", "exact_hash": "f" * 32, "shingles": 40, "feeds": "all"})
    return aid


def readings(store: Store, aid: str) -> list:
    without_time = [f for f in RECORD_FIELDS if f != "processed_at"]
    return [store.rows([aid], tuple(without_time)), store.feed_rows([aid], FEED_ENTRY_FIELDS + ("text",)),
            store.rows([aid], ARTICLE_VIEW_FIELDS), store.feed_rows([aid], EXPORT_FIELDS),
            store.texts([aid]), store.rows([aid], ("id", "paragraphs", "text")), store.load(aid)[1]]


def test_the_text_is_stored_once_compressed_and_reads_back_exactly(client):
    store = Store()
    aid = save(store, a_page(), an_article())
    raw = client.execute_command("HGETALL", store.keys.article(aid), **{NEVER_DECODE: True})
    stored = {k.decode(): v for k, v in raw.items()}
    assert "text" not in stored and "paragraphs" not in stored
    assert json.loads(brotli.decompress(stored[BODY])) == PARAGRAPHS
    assert len(stored[BODY]) < len("\n".join(PARAGRAPHS).encode()) / 3
    # empty optional fields and a canonical URL that is the URL are not stored, and read as before
    assert not {"site_name", "empty_reason", "published", "canonical_url"} & set(stored)
    row = store.article(aid)
    assert row["text"] == "\n".join(PARAGRAPHS) and row["paragraphs"] == PARAGRAPHS
    assert row["site_name"] == "" and row["canonical_url"] == URL and row["published"] is None
    assert store.load(aid)[1] == an_article()
    searched = store.feed_rows([aid], FEED_ENTRY_FIELDS + ("text",))[0]
    assert searched["text"] == "\n".join(PARAGRAPHS) and searched["title"] == "Fähre"


def test_a_record_of_the_older_layout_reads_as_the_same_record_in_the_new(client):
    store = Store()
    new = save(store, a_page(), an_article())
    expected = readings(store, new)
    old = save_old_layout(client, store, a_page(), an_article())
    assert old == new and client.hexists(store.keys.article(old), "paragraphs")
    assert readings(store, old) == expected
    old_bytes = client.memory_usage(store.keys.article(old), samples=0)
    save(store, a_page(), an_article())  # stored again (a reclean): the plain copies go
    assert not client.hexists(store.keys.article(new), "text")
    assert not client.hexists(store.keys.article(new), "paragraphs")
    assert readings(store, new) == expected
    assert client.memory_usage(store.keys.article(new), samples=0) < old_bytes / 2


def test_an_empty_article_and_a_distinct_canonical_url(client):
    store = Store()
    page = Page(url=URL + "?utm=1", canonical_url=URL, site="zeitung", html="", fetched_at=1.0)
    aid = save(store, page, Article(title="", empty_reason="no text"))
    assert not client.hexists(store.keys.article(aid), BODY)
    row = store.article(aid)
    assert (row["text"], row["paragraphs"], row["empty_reason"]) == ("", [], "no text")
    assert (row["url"], row["canonical_url"]) == (URL + "?utm=1", URL)


def test_a_damaged_body_costs_its_own_record_only(client):
    store = Store()
    good = save(store, a_page(), an_article())
    bad = save(store, a_page(URL + "2"), an_article())
    client.hset(store.keys.article(bad), BODY, b"\xff\xfenot brotli")
    assert store.rows([good, bad], ("id", "text"))[1] is None
    assert store.feed_rows([good, bad], ("id", "text"))[0]["text"] == "\n".join(PARAGRAPHS)
    assert store.article(bad, ("id", "title")) is not None  # fields without the body still read
    reported = DataErrors(client, store.keys.prefix).summary()["latest"]
    assert store.keys.article(bad) in {entry["key"] for entry in reported}
