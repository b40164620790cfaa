"""JSON Feed 1.0 and 1.1 read like RSS and Atom: by the real spider from a local server (conditional GET,
error reports), and by the pure reader (versions, wrong content types, BOMs, relative links, no dates)."""

from __future__ import annotations

import json

import pytest

from crawler.documents import DocumentError, parse_feed, stream_sitemap
from newssieve.ops.crawl_runner import run_crawl
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture, server_fixture  # noqa: F401

HTML = {"Content-Type": "text/html; charset=utf-8"}


def json_feed(items: list[dict], version: str = "https://jsonfeed.org/version/1.1") -> str:
    return json.dumps({"version": version, "title": "Fixture JSON Feed", "home_page_url": "http://x/",
                       "items": items})


def test_json_feed_versions_dates_and_fallbacks():
    feed = parse_feed(json_feed([
        {"id": "1", "url": "https://a.org/news/1", "date_published": "2025-01-06T10:00:00+01:00"},
        {"id": "https://a.org/news/2", "date_modified": "2025-01-07T10:00:00Z"},
        {"id": "3", "url": "/news/3"},
        {"id": "no-url"},
        "not an item",
    ], version="https://jsonfeed.org/version/1").encode())
    assert feed.version == "json1" and feed.title == "Fixture JSON Feed" and feed.bozo is None
    assert [(link.url, link.published) for link in feed.links] == [
        ("https://a.org/news/1", "2025-01-06T09:00:00Z"),
        ("https://a.org/news/2", "2025-01-07T10:00:00Z"),
        ("/news/3", None),
    ]
    assert parse_feed(json_feed([{"url": "https://a.org/x"}]).encode()).version == "json11"


def test_a_json_feed_is_recognised_by_its_content_whatever_its_type_or_bom():
    body = b"\xef\xbb\xbf\n" + json_feed([{"url": "https://a.org/x"}]).encode()
    assert parse_feed(body, "https://a.org/feed", "text/html").links[0].url == "https://a.org/x"
    with pytest.raises(DocumentError) as caught:
        stream_sitemap(body)
    assert caught.value.kind == "not_sitemap"


@pytest.mark.parametrize("body", [b"{not json", b'{"version": "https://jsonfeed.org/version/1"}',
                                  b'{"version": "nope", "items": [1]}'])
def test_a_broken_json_feed_is_malformed(body):
    with pytest.raises(DocumentError) as caught:
        parse_feed(body)
    assert caught.value.kind == "malformed_feed"


def test_rss_and_sitemaps_with_a_bom_and_leading_space_are_read():
    rss = (b"\xef\xbb\xbf  <?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
           b"<item><title>a</title><link>/news/a</link></item></channel></rss>")
    assert [link.url for link in parse_feed(rss).links] == ["/news/a"]
    sitemap = (b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/"
               b"schemas/sitemap/0.9'><url><loc>https://a.org/n/1</loc></url></urlset>")
    assert [link.url for link in stream_sitemap(sitemap).links] == ["https://a.org/n/1"]


def test_the_spider_crawls_a_json_feed_with_conditional_get_and_reports_a_broken_one(crawl_env, server):
    for i in range(3):
        server.html(f"/news/{i}", f"Story {i}")
    items = [{"id": str(i), "url": server.url(f"/news/{i}") if i else "/news/0",
              "date_published": f"2025-01-0{i + 1}T10:00:00Z"} for i in range(3)]
    server.route("/feed.json", json_feed(items), headers={"Content-Type": "text/plain"}, etag='"j1"')
    server.route("/broken.json", "{oops", headers={"Content-Type": "application/feed+json"})
    crawl_env.write_sites([{"name": "jf", "domains": [server.netloc], "article": ["/news/"],
                            "feeds": [server.url("/feed.json"), server.url("/broken.json")]}])

    first = run_crawl("jf")
    assert first["status"] == "ok", first
    assert sorted(m["page"]["canonical_url"] for m in crawl_env.queued()) == [
        server.url(f"/news/{i}") for i in range(3)]
    dated = {m["page"]["url"]: m["page"]["headers"].get("x-newssieve-listed-published")
             for m in crawl_env.queued()}
    assert dated[server.url("/news/2")] == "2025-01-03T10:00:00Z"
    assert [e["kind"] for e in first["errors"]] == ["malformed_feed"]
    assert first["errors"][0]["url"] == server.url("/broken.json")

    crawl_env.store_articles()
    second = run_crawl("jf")
    assert second["not_modified"] == 1 and second["pages"] == 0, second
    assert any(headers.get("if-none-match") == '"j1"' for path, headers in server.requests
               if path == "/feed.json")
