"""Hostile input to the crawler, each case handled and reported, nothing crashing.

What tests/test_crawl_* already cover is not repeated here (entity bombs in sitemaps and feeds,
gzip bombs, a page over the size limit with its length declared, a redirect to another loopback
host name). Added here: a 50 MB body streamed without a length and one announcing 50 MB, an
endless redirect chain, invalid UTF-8 in a page and in a feed, 100,000 nested elements in a page
(crawled, then cleaned by a real worker) and in a sitemap, and redirects to other hosts, loopback
and private addresses, checked at the crawler's decision, never by connecting to them.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.middlewares import SiteOffsiteMiddleware
from crawler.report import CrawlReport, Handled
from newssieve.ids import article_id
from newssieve.ops.crawl_runner import run_crawl
from newssieve.redis_conn import reset_caches
from newssieve.settings import get_settings
from newssieve.sites import Site
from newssieve.store.articles import Store
from newssieve.store.deadletters import DeadLetters
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture, rss  # noqa: F401  (pytest fixture)
from tests.reliability_hostile import MB, HostileSite, article, invalid_utf8_html, nested_html, nested_sitemap
from tests.reliability_support import idle, stored_count, wait_for
from tests.workers_helper import celery_worker

NESTING = 100_000
SITE = Site(name="news", domains=["news.example.org"], feeds=["https://news.example.org/rss"],
            article=["/"])
REFUSED = [
    "http://10.0.0.1/news/x.html", "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/",
    "http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://2130706433/",
    "http://0x7f000001/", "http://[fd00::1]/", "http://other.example.com/news/x.html",
    "http://news.example.org.evil.test/", "http://evilnews.example.org/",
    "http://news.example.org:80@10.0.0.1/news/x.html",  # user info: the host is 10.0.0.1
    "http://news.example.org@10.0.0.1/", "http://news.example.org%2F@10.0.0.1/",
    "http://10.0.0.1\\@news.example.org/",  # a backslash ends the host, as Scrapy reads it
    "file:///etc/passwd", "ftp://news.example.org.evil.test/", "ftp://news.example.org/",
    "http://news.example.org:6379/", "http://www.news.example.org:8080/x",  # a bare domain: default ports
]
ALLOWED = ["https://news.example.org/2024/story.html", "http://www.news.example.org/x",
           "http://news.example.org:80/x"]


def offsite_middleware():
    crawler = get_crawler()
    crawler.spider = SimpleNamespace(site=SITE)
    crawler.stats.open_spider()
    return crawler, SiteOffsiteMiddleware(crawler)


@pytest.mark.parametrize("target", REFUSED)
def test_a_redirect_off_the_site_or_to_a_private_or_loopback_address_is_not_followed(target):
    """The decision is made before any download: the request never reaches the downloader."""
    crawler, middleware = offsite_middleware()
    redirected = Request(target, meta={"redirect_urls": ["https://news.example.org/2024/story.html"]})
    with pytest.raises(Handled):
        middleware.process_request(redirected)
    errors = CrawlReport.of(crawler).errors
    assert [e["kind"] for e in errors] == ["offsite_redirect"]
    assert errors[0]["url"] == "https://news.example.org/2024/story.html"
    assert not SITE.allows_url(target)


def test_the_site_itself_is_still_allowed():
    _, middleware = offsite_middleware()
    for url in ALLOWED:
        assert SITE.allows_url(url)
        assert middleware.process_request(Request(url, meta={"redirect_urls": [ALLOWED[0]]})) is None


def test_hostile_site_every_case_reported_the_rest_crawled_cleaned_and_stored(crawl_env):
    crawl_env.monkeypatch.setenv("NEWSSIEVE_MAX_PAGE_BYTES", str(2 * MB))  # the nested page is 1.1 MB
    reset_caches()
    limit = get_settings().max_page_bytes
    with HostileSite() as site, celery_worker(2, queues="process"):
        pages = ["/news/good.html", "/news/endless.html", "/news/endless-declared.html", "/news/loop-0.html",
                 "/news/bad-utf8.html", "/news/nested.html"]
        site.route("/feed.xml", rss([(site.url(p), p) for p in pages]), "application/rss+xml")
        bad_feed = rss([(site.url("/news/good.html"), "good")]).encode().replace(b"good</title>",
                                                                                 b"go\xff\xfeod</title>")
        site.route("/feed-bad-utf8.xml", bad_feed, "application/rss+xml; charset=utf-8")
        site.route("/sitemap-nested.xml", nested_sitemap(NESTING), "application/xml")
        site.route("/news/good.html", article("Good"))
        site.route("/news/bad-utf8.html", invalid_utf8_html())
        site.route("/news/nested.html", nested_html(NESTING))
        crawl_env.write_sites([{
            "name": "hx", "domains": [site.netloc], "article": [r"/news/"],
            "feeds": [site.url("/feed.xml"), site.url("/feed-bad-utf8.xml")],
            "sitemaps": [site.url("/sitemap-nested.xml")],
        }])

        started = time.monotonic()
        summary = run_crawl("hx", timeout=120)
        crawl_seconds = time.monotonic() - started

        client, prefix = crawl_env.redis, crawl_env.prefix
        stored = wait_for(lambda: stored_count(client, prefix) == 3 and idle(client, prefix), 90, 0.2)
        assert stored, (stored_count(client, crawl_env.prefix), summary)

    assert summary["status"] == "ok", summary
    assert crawl_seconds < 60
    kinds = {e["url"]: e["kind"] for e in summary["errors"]}
    print("hostile crawl:", round(crawl_seconds, 1), "s;", kinds, {p: site.sent[p] for p in site.sent})
    # 50 MB bodies: refused on the announced length, cut off when unannounced
    assert kinds[site.url("/news/endless.html")] == "too_large"
    assert kinds[site.url("/news/endless-declared.html")] == "too_large"
    assert site.sent["/news/endless.html"] < limit + 8 * MB
    assert site.sent["/news/endless-declared.html"] < limit + 8 * MB
    # an endless redirect chain: given up after REDIRECT_MAX_TIMES, reported against the listed URL
    loop_hits = sum(n for path, n in site.hits.items() if path.startswith("/news/loop-"))
    assert 1 < loop_hits <= 6
    loop_errors = [e for e in summary["errors"] if "/news/loop-" in e["url"]]
    assert len(loop_errors) == 1 and "redirect" in loop_errors[0]["reason"], summary["errors"]
    # 100,000 nested elements in a sitemap: read (expat has no depth limit; no URL in it counts),
    # within the crawl's time, and the other listings still read
    assert site.hits["/sitemap-nested.xml"] == 1
    # a feed with invalid UTF-8 still lists its page (read once across both feeds)
    assert site.hits["/feed-bad-utf8.xml"] == 1 and site.hits["/news/good.html"] == 1

    store = Store(crawl_env.redis, crawl_env.prefix)
    by_path = {path: store.article(article_id(site.url(path))) for path in
               ("/news/good.html", "/news/bad-utf8.html", "/news/nested.html")}
    assert all(by_path.values()), by_path
    broken = by_path["/news/bad-utf8.html"]
    assert "Bad bytes" in broken["text"] and "harbour council" in broken["text"]
    broken["text"].encode("utf-8")  # stored as valid UTF-8: no lone surrogates from the bad bytes
    nested = by_path["/news/nested.html"]
    assert "harbour council" in nested["text"] or nested["empty_reason"], nested
    assert DeadLetters(crawl_env.redis, crawl_env.prefix).count() == 0
