"""Real crawls (child process, real Scrapy, real Redis) of purpose-built servers on 127.0.0.1.

Each test writes its own sites file and uses its own key prefix; no worker is
needed: the tests read the Celery messages off the process queue.
"""

from __future__ import annotations

import gzip
import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from newssieve.ids import article_id
from newssieve.ops.crawl_runner import run_crawl
from newssieve.settings import get_settings
from newssieve.store.keys import Keys
from newssieve.taskqueue import PROCESS_PAGE
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (the *_fixture names are pytest fixtures)
    PeakRSS,
    article_html,
    crawl_env_fixture,
    gz,
    rss,
    server_fixture,
    sitemap_index,
    urlset,
)

RSS = {"Content-Type": "application/rss+xml"}
XML = {"Content-Type": "application/xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def feed_site(server, paths, name="fx", **extra) -> dict:
    server.route("/feed.xml", rss([(server.url(p), p) for p in paths]), headers=RSS, etag='"feed-1"')
    return {
        "name": name,
        "domains": [server.netloc],
        "feeds": [server.url("/feed.xml")],
        "article": [r"/news/"],
        **extra,
    }


def pages_of(env) -> dict[str, dict]:
    return {m["page"]["canonical_url"]: m["page"] for m in env.queued()}


def test_feed_crawl_hands_each_article_to_the_process_queue_once(crawl_env, server):
    for i in range(3):
        server.html(f"/news/{i}.html", f"Story {i}")
    server.route(
        "/news/alias.html",
        article_html("Alias", head="<link rel='canonical' href='/news/0.html'>"),
        headers=HTML,
    )
    server.route(
        "/news/elsewhere.html",
        article_html("Syndicated", head="<link rel='canonical' href='http://other.example/news/x.html'>"),
        headers=HTML,
    )
    listed = [
        "/news/0.html",
        "/news/1.html?utm_source=rss&utm_medium=feed",
        "/news/1.html#comments",
        "/news/2.html",
        "/news/alias.html",
        "/news/elsewhere.html",
        "/about.html",
    ]
    crawl_env.write_sites([feed_site(server, listed)])
    summary = run_crawl("fx")

    assert summary["status"] == "ok", summary
    messages = crawl_env.queued()
    assert {m["task"] for m in messages} == {PROCESS_PAGE}
    pages = pages_of(crawl_env)
    base = server.url("")
    assert sorted(pages) == sorted(
        base + p for p in ["/news/0.html", "/news/1.html", "/news/2.html", "/news/elsewhere.html"]
    )
    assert len(messages) == 4  # alias.html names 0.html as canonical: handed off once, not twice
    page = pages[base + "/news/1.html"]
    assert page["site"] == "fx" and page["status"] == 200
    assert page["url"] == base + "/news/1.html"  # tracking parameters never requested
    assert "Story 1" in page["html"]
    assert page["headers"]["content-type"].startswith("text/html")
    assert page["fetched_at"] > 0
    assert summary["articles_new"] == 4
    assert summary["pages"] == 5
    assert server.hits["/about.html"] == 0  # not an article, not fetched
    assert server.hits["/news/1.html"] == 1
    assert summary["errors"] == []
    for key in ("site", "started", "finished", "pages", "articles_new", "articles_known", "errors", "status"):
        assert key in summary


def test_user_agent_and_robots_txt(crawl_env, server):
    server.route(
        "/robots.txt", "User-agent: *\nDisallow: /news/private\n", headers={"Content-Type": "text/plain"}
    )
    server.html("/news/open.html", "Open")
    server.html("/news/private-1.html", "Private")
    crawl_env.write_sites([feed_site(server, ["/news/open.html", "/news/private-1.html"])])
    summary = run_crawl("fx")
    assert summary["status"] == "ok"
    assert server.hits["/news/private-1.html"] == 0
    assert list(pages_of(crawl_env)) == [server.url("/news/open.html")]
    assert summary["robots_forbidden"] == 1 and summary["errors"] == []  # obeyed: counted, not an error
    agents = {headers.get("user-agent") for path, headers in server.requests}
    assert agents == {get_settings().effective_user_agent}


# -- bad input: each case is a crawl of its own; the good article next to it still goes through --------


def _big(n: int) -> bytes:
    return article_html("Big", "<p>" + "x" * n + "</p>").encode()


BAD_CASES = {
    "non_html": dict(
        routes={"/news/report.pdf": (b"%PDF-1.4 binary", {"Content-Type": "application/pdf"}, 200)},
        listed=["/news/report.pdf"],
        error_url="/news/report.pdf",
        kind="non_html",
    ),
    "plain_text": dict(
        routes={"/news/notes.txt": (b"just text", {"Content-Type": "text/plain"}, 200)},
        listed=["/news/notes.txt"],
        error_url="/news/notes.txt",
        kind="non_html",
    ),
    "http_404": dict(routes={}, listed=["/news/gone.html"], error_url="/news/gone.html", kind="http_4xx"),
    "http_500_retried": dict(
        routes={"/news/broken.html": (b"oops", HTML, 503)},
        listed=["/news/broken.html"],
        error_url="/news/broken.html",
        kind="http_5xx",
        hits=3,
    ),
    "redirect_off_site": dict(
        routes={"/news/moved.html": (b"", {"Location": "http://localhost:{port}/news/elsewhere.html"}, 301)},
        listed=["/news/moved.html"],
        error_url="/news/moved.html",
        kind="offsite_redirect",
        never=["/news/elsewhere.html"],
    ),
    "over_size_limit": dict(
        routes={"/news/huge.html": (_big(300_000), HTML, 200)},
        listed=["/news/huge.html"],
        error_url="/news/huge.html",
        kind="too_large",
    ),
    "compressed_bomb_page": dict(
        routes={
            "/news/zip.html": (gzip.compress(_big(3_000_000)), {**HTML, "Content-Encoding": "gzip"}, 200)
        },
        listed=["/news/zip.html"],
        error_url="/news/zip.html",
        kind="too_large",
    ),
    "timeout": dict(
        routes={"/news/slow.html": (article_html("Slow").encode(), HTML, 200, 3.0)},
        listed=["/news/slow.html"],
        error_url="/news/slow.html",
        kind="timeout",
        scrapy={"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 0},
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_pages_are_counted_and_reported_and_the_run_goes_on(crawl_env, server, monkeypatch, case):
    spec = BAD_CASES[case]
    monkeypatch.setenv("NEWSSIEVE_MAX_PAGE_BYTES", "100000")
    crawl_env.scrapy_settings(**spec.get("scrapy", {}))
    for path, route in spec["routes"].items():
        body, headers, status, *delay = route
        headers = {k: v.format(port=server.port) for k, v in headers.items()}
        server.route(path, body, headers=headers, status=status, delay=delay[0] if delay else 0)
    server.html("/news/good.html", "Good")
    crawl_env.write_sites([feed_site(server, ["/news/good.html", *spec["listed"]])])

    summary = run_crawl("fx")

    assert summary["status"] == "ok", summary
    assert list(pages_of(crawl_env)) == [server.url("/news/good.html")]
    errors = [e for e in summary["errors"] if e["url"] == server.url(spec["error_url"])]
    assert errors and errors[0]["kind"] == spec["kind"], summary["errors"]
    assert errors[0]["reason"]
    assert summary["error_counts"][spec["kind"]] >= 1
    if "hits" in spec:
        assert server.hits[spec["error_url"]] == spec["hits"]
    for path in spec.get("never", []):
        assert server.hits[path] == 0


DOC_CASES = {
    "malformed_feed": ("feed", b"<rss><channel><item><title>unclosed", RSS, "malformed_feed"),
    "html_as_feed": ("feed", b"<html><body>a page, not a feed</body></html>", HTML, "malformed_feed"),
    "malformed_sitemap": ("sitemap", b"<urlset><url><loc>http://x/news/1</loc>", XML, "malformed_sitemap"),
    "gzip_bomb_sitemap": (
        "sitemap",
        gzip.compress(b" " * 20_000_000, 9),
        {"Content-Type": "application/x-gzip"},
        "decompression_bomb",
    ),
    "entity_bomb_sitemap": (
        "sitemap",
        b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
        <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&c;</loc></url></urlset>""",
        XML,
        "xml_unsafe",
    ),
    "entity_bomb_feed": (
        "feed",
        b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
        <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title>
        </channel></rss>""",
        RSS,
        "xml_unsafe",
    ),
}


@pytest.mark.parametrize("case", sorted(DOC_CASES))
def test_bad_feeds_and_sitemaps_are_reported_and_the_others_still_read(crawl_env, server, case):
    where, body, headers, kind = DOC_CASES[case]
    crawl_env.scrapy_settings(SITEMAP_MAX_BYTES=1_000_000)
    server.route("/bad", body, headers=headers)
    server.html("/news/good.html", "Good")
    server.route("/good-sitemap.xml", urlset([server.url("/news/good.html")]), headers=XML)
    site = {
        "name": "fx",
        "domains": [server.netloc],
        "article": [r"/news/"],
        "sitemaps": [server.url("/good-sitemap.xml")],
    }
    if where == "feed":
        site["feeds"] = [server.url("/bad")]
    else:
        site["sitemaps"].append(server.url("/bad"))
    crawl_env.write_sites([site])

    summary = run_crawl("fx")

    assert summary["status"] == "ok", summary
    assert list(pages_of(crawl_env)) == [server.url("/news/good.html")]
    assert [e["kind"] for e in summary["errors"] if e["url"] == server.url("/bad")] == [kind], summary[
        "errors"
    ]


def test_errors_list_is_capped_but_counted(crawl_env, server):
    missing = [f"/news/missing-{i}.html" for i in range(130)]
    crawl_env.write_sites([feed_site(server, missing, concurrency=16)])
    summary = run_crawl("fx")
    assert summary["status"] == "ok"
    assert len(summary["errors"]) == 100
    assert summary["error_counts"]["http_4xx"] == 130
    assert summary["errors_total"] == 130


# -- ways in -----------------------------------------------------------------------------------------


def test_robots_sitemap_index_gzip_and_news_sitemap_with_conditional_get(crawl_env, server):
    server.route(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {server.url('/sitemap-index.xml')}\n",
        headers={"Content-Type": "text/plain"},
    )
    server.route(
        "/sitemap-index.xml",
        sitemap_index([server.url("/s1.xml.gz"), server.url("/news.xml"), "http://offsite.example/s.xml"]),
        headers=XML,
        etag='"idx-1"',
    )
    server.route(
        "/s1.xml.gz",
        gz(urlset([server.url(f"/news/{i}.html") for i in range(3)] + [server.url("/section/politics")])),
        headers={"Content-Type": "application/x-gzip"},
        etag='"s1-1"',
    )
    server.route("/news.xml", urlset([server.url("/news/3.html")], news=True), headers=XML, etag='"n-1"')
    for i in range(4):
        server.html(f"/news/{i}.html", f"Story {i}")
    crawl_env.write_sites(
        [
            {
                "name": "fx",
                "domains": [server.netloc],
                "sitemaps": [server.url("/robots.txt")],
                "article": [r"/news/\d+\.html$"],
            }
        ]
    )

    first = run_crawl("fx")
    assert first["status"] == "ok", first
    pages = pages_of(crawl_env)
    assert sorted(pages) == [server.url(f"/news/{i}.html") for i in range(4)]
    assert (
        pages[server.url("/news/3.html")]["headers"]["x-newssieve-listed-published"] == "2025-01-06T10:00:00Z"
    )
    assert server.hits["/section/politics"] == 0
    assert crawl_env.store_articles() == 4

    second = run_crawl("fx")
    assert second["status"] == "ok", second
    assert second["pages"] == 0 and second["articles_new"] == 0
    assert second["not_modified"] == 3  # index, s1, news: children of an unchanged index still asked
    for path in ("/sitemap-index.xml", "/s1.xml.gz", "/news.xml"):
        conditional = [h for p, h in server.requests if p == path][-1]
        assert "if-none-match" in conditional
    assert all(server.hits[f"/news/{i}.html"] == 1 for i in range(4))


def test_link_following_with_allow_deny_and_depth(crawl_env, server):
    def page(links):
        return "".join(f"<a href='{href}'>{href}</a>" for href in links)

    server.html(
        "/",
        body=page(
            [
                "/section/a",
                "/tag/x",
                "/news/1.html",
                "http://offsite.example/news/9.html",
                "mailto:x@example.com",
                "/news/1.html#c",
            ]
        ),
    )
    server.html("/section/a", body=page(["/section/b", "/news/2.html", "/news/3.html?utm_source=x"]))
    server.html("/section/b", body=page(["/section/c", "/news/4.html"]))
    server.html("/section/c", body=page(["/news/5.html"]))
    server.html("/tag/x", body=page(["/news/6.html"]))
    for i in range(1, 7):
        server.html(f"/news/{i}.html", f"Story {i}", body=page(["/news/7.html"]))
    server.html("/news/7.html", "Story 7")
    crawl_env.write_sites(
        [
            {
                "name": "fx",
                "domains": [server.netloc],
                "start_urls": [server.url("/")],
                "follow": {"allow": ["/section/"], "deny": ["/tag/"], "depth": 2},
                "article": [r"/news/\d+\.html$"],
            }
        ]
    )
    summary = run_crawl("fx")
    assert summary["status"] == "ok", summary
    got = sorted(pages_of(crawl_env))
    # depth 0: "/", 1: /section/a, 2: /section/b; /section/c would be depth 3.
    assert got == sorted(server.url(f"/news/{i}.html") for i in (1, 2, 3, 4, 7))
    assert server.hits["/section/c"] == 0 and server.hits["/tag/x"] == 0
    assert server.hits["/news/5.html"] == 0 and server.hits["/news/6.html"] == 0


def test_max_pages_leaves_the_rest_for_the_next_run(crawl_env, server):
    paths = [f"/news/{i}.html" for i in range(8)]
    for path in paths:
        server.html(path, path)
    crawl_env.write_sites([feed_site(server, paths, max_pages=3)])
    first = run_crawl("fx")
    assert first["status"] == "ok"
    assert first["pages"] == 3 and first["articles_new"] == 3 and first["over_budget"] == 5
    crawl_env.store_articles()
    second = run_crawl("fx")  # the feed did not change, but it is read in full again: pages were left over
    assert second["not_modified"] == 0
    assert second["articles_new"] == 3 and second["articles_known"] == 3
    crawl_env.store_articles()
    third = run_crawl("fx")
    assert third["articles_new"] == 2 and third["articles_known"] == 6
    assert all(server.hits[p] == 1 for p in paths)


def dated_urlset(server, numbers: list[int]) -> str:
    """A sitemap listing /news/{i}.html in the given order, the higher i the newer its <lastmod>."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    entries = "".join(
        f"<url><loc>{server.url(f'/news/{i}.html')}</loc>"
        f"<lastmod>{(start + timedelta(minutes=i)).isoformat()}</lastmod></url>"
        for i in numbers
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def test_a_big_sitemap_costs_the_budget_not_the_listing(crawl_env, server):
    """200,000 listed URLs (19 MB, in no order), max_pages 50, the 5 newest already stored: the next 50
    newest are fetched, with no request for the rest and the crawl's memory bounded by the budget; the
    rest is left for the next run. Before: every URL became a request, dropped one by one after a Redis
    EXISTS (200 s, 650 MB for this listing). The time it takes is bench/big_sitemap.py's to measure."""
    n, budget, stored = 200_000, 50, 5
    order = list(range(n))
    random.Random(12).shuffle(order)
    server.route("/big.xml", dated_urlset(server, order), headers=XML, etag='"big-1"')
    wanted = [f"/news/{i}.html" for i in range(n - stored - budget, n - stored)]
    for path in wanted:
        server.html(path, path)
    keys = Keys()
    for i in range(n - stored, n):
        crawl_env.redis.hset(keys.article(article_id(server.url(f"/news/{i}.html"))), "id", "x")
    crawl_env.write_sites([{"name": "fx", "domains": [server.netloc], "sitemaps": [server.url("/big.xml")],
                            "article": [r"/news/"], "max_pages": budget}])

    started = time.monotonic()
    with PeakRSS() as rss:
        summary = run_crawl("fx", timeout=120)
    seconds = time.monotonic() - started
    print(f"big sitemap: {seconds:.1f} s, crawl child peak RSS {rss.peak / 2**20:.0f} MB")

    assert summary["status"] == "ok", summary
    assert sorted(p for p in server.hits if p.startswith("/news/")) == sorted(wanted)
    assert summary["pages"] == budget and summary["articles_new"] == budget
    assert summary["requests"] <= budget + 2  # robots.txt and the sitemap
    assert summary["articles_known"] == stored and summary["over_budget"] == n - budget - stored
    assert not crawl_env.redis.keys(f"{crawl_env.prefix}http:*")  # read in full next time
    assert rss.peak < 200 * 2**20


def test_the_budget_takes_the_newest_across_listings_and_leaves_the_rest(crawl_env, server):
    """Two sitemaps and a feed, max_pages 4: the 4 newest of all their unknown articles, whichever lists
    them; the next run (nothing changed) takes the next 4, then the last one."""
    server.route("/a.xml", dated_urlset(server, [0, 5, 2, 7]), headers=XML, etag='"a"')
    server.route("/b.xml", dated_urlset(server, [1, 6, 3]), headers=XML, etag='"b"')
    feed = rss([(server.url("/news/4.html"), "four"), (server.url("/news/8.html"), "eight")])
    server.route("/feed.xml", feed, headers=RSS, etag='"f"')  # dated 2025: the newest
    for i in range(9):
        server.html(f"/news/{i}.html", f"Story {i}")
    crawl_env.write_sites([{"name": "fx", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "sitemaps": [server.url("/a.xml"), server.url("/b.xml")],
                            "article": [r"/news/"], "max_pages": 4}])
    runs = []
    for _ in range(3):
        before = dict(server.hits)
        summary = run_crawl("fx")
        assert summary["status"] == "ok", summary
        runs.append(sorted(p for p in server.hits if p.startswith("/news/") and p not in before))
        crawl_env.store_articles()
    assert runs == [["/news/4.html", "/news/6.html", "/news/7.html", "/news/8.html"],
                    ["/news/1.html", "/news/2.html", "/news/3.html", "/news/5.html"],
                    ["/news/0.html"]]
    # the third run reads only /a.xml again (it listed /news/0.html); the feed and /b.xml answer 304
    assert summary["not_modified"] == 2 and summary["articles_known"] == 3 and summary["over_budget"] == 0


def test_enqueue_failure_is_reported_per_page(crawl_env, server, monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setenv("NEWSSIEVE_BROKER_TIMEOUT", "0.5")
    server.html("/news/a.html", "A")
    server.html("/news/b.html", "B")
    crawl_env.write_sites([feed_site(server, ["/news/a.html", "/news/b.html"])])
    summary = run_crawl("fx")
    assert summary["status"] == "failed"
    assert "could not be handed to the process queue" in summary["reason"]
    assert summary["enqueue_failed"] == 2 and summary["articles_new"] == 0
    assert sorted(e["url"] for e in summary["errors"] if e["kind"] == "enqueue") == [
        server.url("/news/a.html"),
        server.url("/news/b.html"),
    ]
    # The feed's validators were not kept: the next run reads it in full and tries again.
    assert not crawl_env.redis.keys(f"{crawl_env.prefix}http:*")
    keys = Keys()
    assert not crawl_env.redis.exists(keys.article(article_id(server.url("/news/a.html"))))
