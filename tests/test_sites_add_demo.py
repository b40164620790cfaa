"""Every demo site onboarded by `newssieve sites add` alone: the entry it writes crawls the same
articles as the site's hand-written entry in config/demo_sites.yaml (real discovery child, real
cleaner for the samples, real crawls of both entries)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from demo.network import DemoNetwork, load_ground_truth
from newssieve.cli import main as cli
from newssieve.ops.crawl_runner import run_crawl
from newssieve.sites import load_sites
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture  # noqa: F401

TRUTH = load_ground_truth()


@pytest.fixture(scope="module")
def network():
    with DemoNetwork(base_port=0) as running:
        yield running


def crawled(crawl_env, site: str) -> set[str]:
    summary = run_crawl(site)
    assert summary["status"] == "ok" and summary["errors"] == [], summary
    urls = {message["page"]["canonical_url"] for message in crawl_env.queued()}
    crawl_env.redis.delete(f"{crawl_env.prefix}process")
    for key in crawl_env.redis.scan_iter(f"{crawl_env.prefix}http:*"):  # feed validators: read in full again
        crawl_env.redis.delete(key)
    return urls


@pytest.mark.parametrize("site", sorted(TRUTH["sites"]))
def test_sites_add_onboards_a_demo_site_into_an_entry_crawling_the_same_articles(crawl_env, network, site):
    path = crawl_env.write_sites(network.sites_yaml())
    before = path.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["sites", "add", network.base_url(site) + "/", "--name", f"{site}-auto",
                                      "--allow-private", "--follow-links", "--write", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "ok" and report["written"] == str(path)
    assert path.read_text(encoding="utf-8").startswith(before.rstrip("\n"))  # comments and order kept
    assert len([s for s in report["samples"] if s.get("title") and s["chars"] > 200]) == 3
    entry = load_sites(path).site(f"{site}-auto")
    assert entry.allow_private and entry.domains == [urlsplit(network.base_url(site)).netloc]
    way = {"links": "start_urls", "sitemap": "sitemaps"}.get(TRUTH["sites"][site]["discovery"], "feeds")
    assert getattr(entry, way)

    by_hand = crawled(crawl_env, site)
    onboarded = crawled(crawl_env, f"{site}-auto")
    truth = {network.base_url(site) + page["path"] for page in TRUTH["pages"] if page["site"] == site}
    assert onboarded == by_hand == truth
