"""One crawled date cannot break the reader page or the syndication feeds.

A hostile site on 127.0.0.1 lists undated articles in a news sitemap with dates no article has
(9999-12-31, year 1, next century); a real crawl and a real worker store them. The articles are
dated by their fetch time, and `/`, `/feeds/all`, `/feeds/all.atom` and `/feeds/all.rss` answer
200. A record stored before this was fixed (published_ts in year 10000) does not break them either.
"""

from __future__ import annotations

import time

import feedparser
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.ids import article_id
from newssieve.ops.crawl_runner import run_crawl
from newssieve.store.articles import Store
from tests.fixtures.crawl.crawl_fixtures import article_html, crawl_env_fixture, server_fixture  # noqa: F401
from tests.reliability_support import idle, stored_count, wait_for
from tests.workers_helper import celery_worker

CLAIMED = {"/news/far-future.html": "9999-12-31T23:59:59-14:00",
           "/news/year-one.html": "0001-01-01T00:00:00Z",
           "/news/next-century.html": "2199-05-01T00:00:00Z"}
ROUTES = ("/", "/feeds/all", "/feeds/all.atom", "/feeds/all.rss")


def news_sitemap(entries: dict[str, str]) -> str:
    urls = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>H</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>{date}"
        f"</news:publication_date><news:title>T</news:title></news:news></url>"
        for loc, date in entries.items())
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            f' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


def story(n: int) -> str:
    words = "harbour council budget ferry tide storm school river bridge market".split()
    return " ".join(f"Paragraph {i} of story {n} tells of the {words[(n + i) % 10]} {i * n}."
                    for i in range(30))


def assert_routes_answer(api: TestClient) -> None:
    for route in ROUTES:
        response = api.get(route)
        assert response.status_code == 200, (route, response.text[:500])
    assert not feedparser.parse(api.get("/feeds/all.atom").text).bozo


def test_listed_dates_out_of_range_are_not_stored(crawl_env, server):
    for n, path in enumerate(CLAIMED):
        server.html(path, f"Undated story {n}", f"<p>{story(n)}</p>")
    server.route("/news-sitemap.xml", news_sitemap({server.url(p): d for p, d in CLAIMED.items()}),
                 headers={"Content-Type": "application/xml"})
    crawl_env.write_sites([{"name": "far", "domains": [server.netloc], "article": ["/news/"],
                            "sitemaps": [server.url("/news-sitemap.xml")]}])
    before = time.time()
    with celery_worker(1, queues="process"):
        summary = run_crawl("far", timeout=60)
        assert summary["articles_new"] == len(CLAIMED), summary
        client, prefix = crawl_env.redis, crawl_env.prefix
        assert wait_for(lambda: stored_count(client, prefix) == len(CLAIMED) and idle(client, prefix),
                        60, 0.2)
    store = Store(crawl_env.redis, crawl_env.prefix)
    for path in CLAIMED:
        stored = float(store.client.hget(store.keys.article(article_id(server.url(path))), "published_ts"))
        assert before - 5 <= stored <= time.time() + 5, (path, stored)
    with TestClient(create_app()) as api:
        assert_routes_answer(api)


def test_a_stored_year_10000_does_not_break_the_routes(crawl_env, server):
    """Records written before the range check: the readers skip the bad date, not the page."""
    server.html("/news/one.html", "A story", f"<p>{story(1)}</p>")
    server.route("/feed.xml", news_sitemap({server.url("/news/one.html"): "2026-11-01T10:00:00Z"}),
                 headers={"Content-Type": "application/xml"})
    crawl_env.write_sites([{"name": "far", "domains": [server.netloc], "sitemaps": [server.url("/feed.xml")],
                            "article": ["/news/"]}])
    with celery_worker(1, queues="process"):
        run_crawl("far", timeout=60)
        client, prefix = crawl_env.redis, crawl_env.prefix
        assert wait_for(lambda: stored_count(client, prefix) == 1 and idle(client, prefix), 60, 0.2)
    store = Store(crawl_env.redis, crawl_env.prefix)
    key = store.keys.article(article_id(server.url("/news/one.html")))
    store.client.hset(key, "published_ts", "253402351199")
    with TestClient(create_app()) as api:
        assert_routes_answer(api)
