"""The whole pipeline on real components: `newssieve demo` crawls the demo network with the real
Scrapy spider, a real Celery worker cleans and dedupes, Redis stores; the result is checked
against the demo network's ground truth."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from demo.network import load_ground_truth
from newssieve.redis_conn import delete_prefix, get_client, reset_caches
from newssieve.settings import PROJECT_ROOT
from newssieve.store.articles import Store
from tests.conftest import new_prefix

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run():
    prefix = new_prefix()
    env = {**os.environ, "NEWSSIEVE_PREFIX": prefix}
    result = subprocess.run([sys.executable, "-m", "newssieve", "demo"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    previous = os.environ.get("NEWSSIEVE_PREFIX")
    os.environ["NEWSSIEVE_PREFIX"] = prefix
    reset_caches()
    try:
        yield result, Store()
    finally:
        delete_prefix(get_client(), prefix)
        os.environ["NEWSSIEVE_PREFIX"] = previous or ""
        reset_caches()


def stored_by_page(store: Store) -> dict[tuple[str, str], dict]:
    """Stored articles keyed by (site, path), the ground truth's key."""
    ids = store.client.zrange(store.keys.articles, 0, -1)
    rows = store.articles(ids, fields=("id", "canonical_url", "site", "cluster", "text"))
    return {(row["site"], urlsplit(row["canonical_url"]).path): row for row in rows}


def test_demo_command_succeeds_and_prints_the_feed(demo_run):
    result, store = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("pages crawled:"), result.stdout[-2000:]
    truth = load_ground_truth()
    stories = {page["story"] for page in truth["pages"]}
    assert f"stories: {len(stories)}" in summary
    assert f"articles stored: {len(truth['pages'])}" in summary


def test_every_ground_truth_page_is_stored_once(demo_run):
    _, store = demo_run
    truth = load_ground_truth()
    stored = stored_by_page(store)
    expected = {(page["site"], page["path"]) for page in truth["pages"]}
    assert set(stored) == expected
    assert all(row["text"] for row in stored.values())


def test_multi_site_stories_are_one_feed_entry_and_no_stories_merge(demo_run):
    _, store = demo_run
    truth = load_ground_truth()
    stored = stored_by_page(store)
    clusters_of_story: dict[str, set[str]] = defaultdict(set)
    stories_of_cluster: dict[str, set[str]] = defaultdict(set)
    for page in truth["pages"]:
        cluster = stored[(page["site"], page["path"])]["cluster"]
        clusters_of_story[page["story"]].add(cluster)
        stories_of_cluster[cluster].add(page["story"])
    split = {story: c for story, c in clusters_of_story.items() if len(c) > 1}
    merged = {cluster: s for cluster, s in stories_of_cluster.items() if len(s) > 1}
    assert not split, f"stories split over several clusters: {split}"
    assert not merged, f"different stories merged: {merged}"
    sites_of_story: dict[str, set[str]] = defaultdict(set)
    for page in truth["pages"]:
        sites_of_story[page["story"]].add(page["site"])
    multi_site = [story for story, sites in sites_of_story.items() if len(sites) > 1]
    assert len(multi_site) >= 8
    feed = store.feed_ids("all", limit=10_000)
    assert len(feed) == len(clusters_of_story)
    feed_clusters = [row["cluster"] for row in store.articles(feed)]
    assert sorted(feed_clusters) == sorted(c for cs in clusters_of_story.values() for c in cs)
