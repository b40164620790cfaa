"""The article record on the real Redis: written and read by store/articles.py only, decoded one way."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from crawler.state import article_stored
from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.redis_conn import redis_url
from newssieve.store.articles import (
    ARTICLE_VIEW_FIELDS,
    CLUSTER_MEMBER_FIELDS,
    COPY_FIELDS,
    EXPORT_FIELDS,
    FEED_ENTRY_FIELDS,
    FIELDS,
    LISTED_PUBLISHED_HEADER,
    Store,
    is_stored,
    published_ts,
)

URL = "http://gazette.example/news/1.html"


def saved(store: Store, page: Page, article: Article) -> str:
    return store.save_article(page, article, exact_hash="0" * 32, shingles=12, feeds=["all", "local"],
                              published=published_ts(article, page))


def listed_page() -> Page:
    return Page(url=URL + "?utm=x", canonical_url=URL, site="gazette", html="<p>a</p>", status=203,
                headers={LISTED_PUBLISHED_HEADER: "2026-11-20T08:00:00Z"}, fetched_at=1_700_000_000.25)


def an_article(**changes) -> Article:
    fields = {"title": "Ferry fares", "authors": ["Mara Lind", "Jo Ek"], "lang": "de", "site_name": "Gazette",
              "text": "One.\nTwo.", "paragraphs": ["One.", "Two."]}
    return Article(**(fields | changes))


def test_load_gives_back_the_page_and_article_that_were_saved(client):
    store = Store()
    page, article = listed_page(), an_article()
    aid = saved(store, page, article)
    loaded_page, loaded_article = store.load(aid)
    assert loaded_article == article
    assert (loaded_page.url, loaded_page.canonical_url, loaded_page.site, loaded_page.status,
            loaded_page.fetched_at, loaded_page.html) == (page.url, URL, "gazette", 203, page.fetched_at, "")
    # the date the listing gave survives storing the pair again (a reclean)
    assert published_ts(loaded_article, loaded_page) == published_ts(article, page) == 1795161600.0
    assert store.load(article_id("http://gazette.example/never")) is None


def test_every_reader_gets_the_same_values(client):
    store = Store()
    aid = saved(store, listed_page(), an_article(published=None, lang=None))
    gone = article_id("http://gazette.example/gone")
    for fields in (FEED_ENTRY_FIELDS, COPY_FIELDS, ARTICLE_VIEW_FIELDS, CLUSTER_MEMBER_FIELDS, EXPORT_FIELDS):
        assert store.rows([aid, gone], fields) == store.feed_rows([aid, gone], fields), fields
    row = store.article(aid)
    assert set(row) == set(FIELDS)
    assert row["authors"] == ["Mara Lind", "Jo Ek"] and row["paragraphs"] == ["One.", "Two."]
    assert row["feeds"] == ["all", "local"] and row["status"] == 203 and row["shingles"] == 12
    assert row["published_ts"] == 1795161600.0 and row["fetched_at"] == 1_700_000_000.25
    # unset optional fields are None; the story index's fields are not written yet
    assert row["published"] is row["lang"] is row["empty_reason"] is row["cluster"] is row["match"] is None
    assert row["jaccard"] is row["seen_seq"] is None
    assert row["site_name"] == "Gazette" and row["title"] == "Ferry fares"
    assert store.articles([gone, aid], ("id", "url")) == [{"id": aid, "url": URL + "?utm=x"}]
    assert store.texts([aid, gone]) == ["One.\nTwo.", ""]


def test_the_known_article_check_asks_the_store(client, prefix):
    store = Store()
    saved(store, listed_page(), an_article())

    async def ask() -> tuple[bool, bool, bool]:
        own = aioredis.Redis.from_url(redis_url(), decode_responses=True)
        try:
            return (await is_stored(own, URL, prefix), await is_stored(own, URL + "/other", prefix),
                    await article_stored(URL))
        finally:
            await own.aclose()

    assert asyncio.run(ask()) == (True, False, True)


def test_match_kind_reads_as_stored_and_is_derived_for_records_from_before_it(client):
    """Records the index wrote before `match_kind` existed: a copy with Jaccard 1.0 is exact, else near."""
    store = Store()
    ids = [store.save_article(Page(url=f"{URL}-{n}", canonical_url=f"{URL}-{n}", site="gazette", html=""),
                              an_article(), exact_hash="0" * 32, shingles=12, feeds=["all"], published=1.0)
           for n in range(5)]
    records = {ids[0]: {},  # no match: the first of its story
               ids[1]: {"match": ids[0], "jaccard": "1.0", "containment": "1.0"},  # before match_kind: exact
               ids[2]: {"match": ids[0], "jaccard": "0.62", "containment": "0.97"},  # before match_kind: near
               ids[3]: {"match": ids[0], "jaccard": "0.05", "match_kind": "translation"},
               ids[4]: {"match_kind": "near"}}  # left behind without a match: no match
    for aid, fields in records.items():
        if fields:
            client.hset(store.keys.article(aid), mapping=fields)
    wanted = [None, "exact", "near", "translation", None]
    assert [row["match_kind"] for row in store.rows(ids, ("match_kind",))] == wanted
    assert [row["match_kind"] for row in store.feed_rows(ids, ("id", "match_kind"))] == wanted
    assert [store.article(aid)["match_kind"] for aid in ids] == wanted
    client.zadd(store.keys.cluster("c1"), {aid: n for n, aid in enumerate(ids)})
    assert [r["match_kind"] for r in store.copies([(ids[0], "c1")], ("match_kind",))[0]] == wanted[1:]
    assert [r["match_kind"] for r in store.cluster_rows(["c1", "nope"], ("match_kind",))[0]] == wanted
    assert store.cluster_rows(["nope"], ("id",)) == [[]]
