"""Crawling the demo news network: every ground-truth article page of a site reaches the process
queue exactly once, nothing outside the site's article regexes does, and a second run fetches no
article again. One test per site (RSS, sitemap index via robots.txt with gzip and Google News,
link following, Atom, plain sitemap)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from demo.network import DemoNetwork, load_ground_truth
from newssieve.ops.crawl_runner import run_crawl
from newssieve.sites import load_sites
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture  # noqa: F401

TRUTH = load_ground_truth()


@pytest.fixture(scope="module")
def network():
    with DemoNetwork(base_port=0) as running:
        yield running


@pytest.mark.parametrize("site", sorted(TRUTH["sites"]))
def test_demo_site_crawl_enqueues_each_article_once(crawl_env, network, site):
    path = crawl_env.write_sites(network.sites_yaml())
    config = load_sites(path).site(site)
    expected = {page["path"] for page in TRUTH["pages"] if page["site"] == site}

    first = run_crawl(site)

    assert first["status"] == "ok", (first.get("reason"), first["errors"][:5])
    assert first["errors"] == [], first["errors"]
    pages = [message["page"] for message in crawl_env.queued()]
    paths = Counter(urlsplit(page["canonical_url"]).path for page in pages)
    assert set(paths) == expected, first
    assert all(count == 1 for count in paths.values()), paths
    assert all(config.is_article_url(page["canonical_url"]) for page in pages)
    assert all(page["site"] == site and page["status"] == 200 for page in pages)
    assert first["articles_new"] == len(expected)

    crawl_env.store_articles()
    second = run_crawl(site)
    assert second["status"] == "ok", second
    assert second["articles_new"] == 0 and crawl_env.queued() == []
    fetched = Counter(
        path.split("?")[0] for _, method, path, status in network.requests(site) if status == 200
    )
    assert all(fetched[p] == 1 for p in expected), {p: fetched[p] for p in expected if fetched[p] != 1}
    if TRUTH["sites"][site]["discovery"] != "links":
        assert second["pages"] == 0 and second["not_modified"] >= 1
