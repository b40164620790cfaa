"""SSRF: a sites entry cannot turn the crawler against internal services.

Real crawls (the Scrapy spider in its child process) of sites on 127.0.0.1, with an
"internal service" on another loopback port that counts every request it gets. Without
`allow_private`, neither a name that resolves to loopback (`localhost`) nor a loopback IP
is fetched; with it, only the listed host:port is, and redirects or meta refreshes to
another port of the same host are refused.
"""

from __future__ import annotations

import pytest

from crawler.addresses import NonPublicAddress, non_public_reason, refuse_unless_public
from newssieve.ops.crawl_runner import run_crawl
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401
    FixtureServer,
    article_html,
    crawl_env_fixture,
    rss,
    server_fixture,
)

RSS = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def internal():
    """An internal service on its own loopback port: it must never be asked anything."""
    service = FixtureServer().start()
    service.html("/", "secret admin page", "internal data")
    service.html("/news/secret.html", "Internal", "internal data " * 20)
    yield service
    service.stop()


def listing(server, urls: list[str]) -> None:
    server.route("/feed.xml", rss([(url, "item") for url in urls]), headers=RSS)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_loopback_site_is_refused_without_the_opt_in(crawl_env, internal, host):
    netloc = f"{host}:{internal.port}"
    internal.route("/feed.xml", rss([(f"http://{netloc}/news/secret.html", "secret")]), headers=RSS)
    crawl_env.write_sites(f"""sites:
  - name: internal
    domains: ["{netloc}"]
    feeds: ["http://{netloc}/feed.xml"]
    article: ['/news/']
""")
    summary = run_crawl("internal", timeout=60)
    assert internal.hits == {}, "the internal service was reached"
    assert summary["pages"] == 0 and summary["articles_new"] == 0
    refused = [e for e in summary["errors"] if e["kind"] == "refused_address"]
    assert refused and "loopback" in refused[0]["reason"], summary["errors"]
    assert crawl_env.queued() == []


def test_opted_in_site_reaches_only_its_own_port(crawl_env, server, internal):
    other = f"http://127.0.0.1:{internal.port}"
    server.html("/news/ok.html", "Fine story", "A story the site really publishes. " * 20)
    server.route("/news/to-internal.html", b"", status=302, headers={"Location": f"{other}/news/secret.html"})
    server.route("/news/refresh.html", (f'<html><head><meta http-equiv="refresh" content="0; url={other}/">'
                                        "</head><body>moved</body></html>").encode(),
                 headers={"Content-Type": "text/html"})
    listing(server, [server.url(p) for p in ("/news/ok.html", "/news/to-internal.html", "/news/refresh.html")]
            + [f"{other}/news/secret.html"])
    crawl_env.write_sites([{"name": "site", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": ["/news/"], "allow_private": True}])
    summary = run_crawl("site", timeout=60)
    assert internal.hits == {}, "a redirect, meta refresh or listed URL reached another port"
    assert summary["articles_new"] == 1, summary
    assert [p["page"]["url"] for p in crawl_env.queued()] == [server.url("/news/ok.html")]
    assert any(e["kind"] == "offsite_redirect" for e in summary["errors"]), summary["errors"]


NON_HTTP = {"/news/to-file.html": "file:///etc/passwd", "/news/to-ftp.html": "ftp://127.0.0.1/secret.txt",
            "/news/to-gopher.html": "gopher://127.0.0.1:70/_INFO", "/news/to-js.html": "javascript:alert(1)"}


def test_a_redirect_to_a_non_http_url_is_refused_and_reported_as_such(crawl_env, server):
    server.html("/news/ok.html", "Fine story", "A story the site really publishes. " * 20)
    for path, target in NON_HTTP.items():
        server.route(path, b"", status=302, headers={"Location": target})
    server.route("/news/no-location.html", b"", status=302)
    listing(server, [server.url(p) for p in ["/news/ok.html", "/news/no-location.html", *NON_HTTP]])
    crawl_env.write_sites([{"name": "site", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": ["/news/"]}])
    summary = run_crawl("site", timeout=60)
    assert [p["page"]["url"] for p in crawl_env.queued()] == [server.url("/news/ok.html")]
    errors = {e["url"]: e for e in summary["errors"]}
    for path, target in NON_HTTP.items():
        error = errors[server.url(path)]
        assert error["kind"] == "offsite_redirect", error
        assert error["reason"] == f"redirect to a non-http(s) URL, not followed: {target}"
    assert errors[server.url("/news/no-location.html")]["kind"] == "bad_redirect"
    assert "http_4xx" not in summary["error_counts"], summary["error_counts"]


@pytest.mark.parametrize("address,reason", [
    ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("fd00::1", "private"),
    ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "not globally routable"),
    ("224.0.0.1", "multicast"),
])
def test_non_public_addresses_are_named(address, reason):
    assert non_public_reason(address) == reason
    with pytest.raises(NonPublicAddress, match=reason):
        refuse_unless_public("example.org", address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert non_public_reason(address) is None
    refuse_unless_public("example.org", address)
