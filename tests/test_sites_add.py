"""`newssieve sites add` and `sites check` against local servers: feeds and sitemaps in the shapes real sites
publish, and bad input (not HTML, nothing listed, redirects off the host, timeouts, loopback), each reported
with a non-zero exit and nothing written."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from newssieve.cli import main as cli
from newssieve.sites import load_sites
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401
    FixtureServer,
    article_html,
    crawl_env_fixture,
    gz,
    server_fixture,
)

HTML = {"Content-Type": "text/html; charset=utf-8"}
SLUGS = ["harbour-strike-ends-after-pay-deal", "council-approves-new-budget-plan",
         "storm-floods-the-old-seafront", "library-reopens-after-long-restoration",
         "bridge-repairs-start-next-month", "rail-line-to-reopen-in-spring"]
NOT_ARTICLES = ["/world/", "/tag/harbour", "/author/jane-doe", "/"]


def add(*args: str):
    result = CliRunner().invoke(cli, ["sites", "add", *args, "--json"])
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def real_world_site(server: FixtureServer) -> list[str]:
    paths = [f"/world/2025/01/0{i + 1}/{slug}" for i, slug in enumerate(SLUGS)]
    for path, slug in zip(paths, SLUGS, strict=True):
        server.html(path, slug.replace("-", " ").capitalize())
    nav = "".join(f'<a href="{p}">{p}</a>' for p in ["/world/", "/tag/harbour", "/author/jane-doe", "/de/"])
    head = ('<link rel="alternate" hreflang="de" href="/de/">'
            '<link rel="alternate" type="application/feed+json" title="JSON" href="feed.json">'
            '<link rel="alternate" type="application/rss+xml; charset=utf-8" href="/rss">')
    teasers = "".join(f'<a href="{p}">x</a>' for p in paths[:2])
    server.route("/", article_html("Front page", nav + teasers, head), headers=HTML)
    server.html("/world/", "World", nav)
    items = [{"id": p, "url": p, "date_published": "2025-01-06T10:00:00Z"} for p in paths[:3]]
    server.route("/feed.json", json.dumps({"version": "https://jsonfeed.org/version/1", "title": "J",
                                           "items": items}), headers={"Content-Type": "application/json"})
    items = "".join(f"<item><title>t</title><link>{p}</link></item>" for p in paths[3:])  # relative, no dates
    server.route("/rss", f"\ufeff<?xml version='1.0'?><rss version='2.0'><channel><title>R</title>{items}"
                 "</channel></rss>", headers={"Content-Type": "text/xml"})
    entries = "".join(
        f"<ns0:url><ns0:loc>{server.url(p)}</ns0:loc><xhtml:link rel='alternate' hreflang='de' "
        f"href='{server.url('/de' + p)}'/><n:news><n:publication_date>2025-01-0{i + 1}T08:00:00+01:00"
        "</n:publication_date></n:news></ns0:url>" for i, p in enumerate(paths))
    server.route("/sitemaps/news.xml.gz", gz(
        "\ufeff<?xml version='1.0' encoding='UTF-8'?><ns0:urlset xmlns:ns0='http://www.sitemaps.org/schemas/"
        "sitemap/0.9' xmlns:n='http://www.google.com/schemas/sitemap-news/0.9' "
        f"xmlns:xhtml='http://www.w3.org/1999/xhtml'>{entries}</ns0:urlset>"),
        headers={"Content-Type": "application/gzip"})
    server.route("/robots.txt", "User-agent: *\nDisallow: /search\n\nSitemap: /sitemaps/news.xml.gz\n")
    return [server.url(p) for p in paths]


def test_feeds_and_sitemaps_in_real_world_shapes_then_check(crawl_env, server):
    articles = real_world_site(server)
    path = crawl_env.write_sites([])
    result, report = add(server.url("/"), "--name", "shapes", "--allow-private", "--write")
    assert result.exit_code == 0, result.output
    entry = load_sites(path).site("shapes")
    assert entry.feeds == [server.url("/rss"), server.url("/feed.json")] or entry.feeds == [
        server.url("/feed.json"), server.url("/rss")]
    assert entry.sitemaps == [server.url("/robots.txt")]
    assert all(entry.is_article_url(url) for url in articles)
    assert not any(entry.is_article_url(server.url(p)) for p in NOT_ARTICLES)
    assert report["pattern"]["matched"] == 6 and len(report["samples"]) == 3
    assert {s["format"] for s in report["feeds"]} == {"json", "rss"}
    assert report["sitemaps"][0]["format"] == "news"

    checked = CliRunner().invoke(cli, ["sites", "check", "shapes", "--json"])
    assert checked.exit_code == 0, checked.output
    check = json.loads(checked.stdout)
    kept = {source["url"]: (source["listed"], source["kept"]) for source in check["sources"]}
    assert kept[server.url("/sitemaps/news.xml.gz")] == (6, 6) and kept[server.url("/feed.json")] == (3, 3)
    assert [bool(sample.get("title")) for sample in check["samples"]] == [True, True, True]


def test_check_fails_when_a_source_fails(crawl_env, server):
    real_world_site(server)
    crawl_env.write_sites([{"name": "broken", "domains": [server.netloc], "article": ["/world/"],
                            "feeds": [server.url("/feed.json"), server.url("/gone.xml")]}])
    result = CliRunner().invoke(cli, ["sites", "check", "broken"])
    assert result.exit_code == 1 and "gone.xml" in result.output and "HTTP 404" in result.output
    assert CliRunner().invoke(cli, ["sites", "check", "nope"]).exit_code == 2


def unchanged(crawl_env):
    path = crawl_env.write_sites([{"name": "kept", "domains": ["a.example"], "feeds": ["https://a.example/f"],
                                   "article": ["x"]}])
    return path, path.read_text(encoding="utf-8")


def test_a_home_page_that_is_not_html(crawl_env, server):
    path, text = unchanged(crawl_env)
    server.route("/", b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    result, report = add(server.url("/"), "--allow-private", "--write")
    assert result.exit_code == 1 and "not HTML" in report["reason"] and report["entry"] is None
    assert path.read_text(encoding="utf-8") == text


def test_no_feed_no_sitemap_says_what_it_tried_and_suggests_start_urls(crawl_env, server):
    path, text = unchanged(crawl_env)
    sections = ["/section/city", "/section/sport"]
    server.html("/", "Front", "".join(f'<a href="{s}">s</a>' for s in [*sections, "/tag/x", "/about"]))
    for n, section in enumerate(sections):
        links = "".join(f'<a href="/2025/01/0{i + 1}/{SLUGS[i + 3 * n]}">a</a>' for i in range(3))
        server.html(section, "Section", links + '<a href="/tag/y">t</a>')
    result, report = add(server.url("/"), "--allow-private", "--write")
    assert result.exit_code == 1 and report["status"] == "links_only"
    assert "/rss.xml" in report["reason"] and "/sitemap.xml" in report["reason"]
    assert any("--follow-links" in hint for hint in report["hints"])
    assert report["entry"]["start_urls"] == [server.url("/")]
    assert report["entry"]["follow"] == {"allow": ["/section/"], "deny": ["/tag/"], "depth": 3}
    assert path.read_text(encoding="utf-8") == text

    result, report = add(server.url("/"), "--allow-private", "--follow-links", "--write", "--name", "linked")
    assert result.exit_code == 0 and load_sites(path).site("linked").start_urls == [server.url("/")]


def test_nothing_to_build_on(crawl_env, server):
    path, text = unchanged(crawl_env)
    server.html("/", "Empty", "<p>Nothing here.</p>")
    result, report = add(server.url("/"), "--allow-private", "--follow-links", "--write")
    assert result.exit_code == 1 and "found no feed or sitemap" in report["reason"]
    assert any("start_urls + follow" in hint for hint in report["hints"])
    assert path.read_text(encoding="utf-8") == text


def test_a_redirect_to_another_host_needs_follow_redirect(crawl_env, server):
    path, text = unchanged(crawl_env)
    other = FixtureServer().start()
    try:
        real_world_site(other)
        server.route("/", b"", status=301, headers={"Location": other.url("/")})
        result, report = add(server.url("/"), "--allow-private", "--write")
        assert result.exit_code == 1 and other.netloc in report["reason"]
        assert any("--follow-redirect" in hint for hint in report["hints"])
        assert path.read_text(encoding="utf-8") == text
        result, report = add(server.url("/"), "--allow-private", "--follow-redirect", "--write",
                             "--name", "moved")
        assert result.exit_code == 0, result.output
        assert load_sites(path).site("moved").domains == [other.netloc]
        assert report["redirects"][0]["to"] == other.url("/")
    finally:
        other.stop()


def test_a_timeout_is_reported(crawl_env, server):
    path, text = unchanged(crawl_env)
    crawl_env.scrapy_settings(DOWNLOAD_TIMEOUT=1, RETRY_TIMES=0)
    server.html("/", "Slow", delay=2.5)
    result, report = add(server.url("/"), "--allow-private", "--write")
    assert result.exit_code == 1 and "timed out" in report["reason"]
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://10.1.2.3/"])
def test_a_private_address_needs_allow_private(crawl_env, url):
    path, text = unchanged(crawl_env)
    result, report = add(url, "--write")
    assert result.exit_code == 1 and "--allow-private" in report["reason"]
    assert path.read_text(encoding="utf-8") == text
