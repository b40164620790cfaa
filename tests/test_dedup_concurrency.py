"""Four worker processes index a shuffled set of copies at once: the clusters come out exactly as expected.

Every page is in the work list twice, so the same page is also processed by two workers at the same time.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from collections import defaultdict

from newssieve.redis_conn import get_client, redis_url, reset_caches
from newssieve.settings import get_settings
from newssieve.store.articles import Store
from newssieve.store.story_index import audit
from tests.test_story_index import WORDS, add, story

WORKERS = 4


def copies(seed: int) -> list[list[str]]:
    """An original and four copies: trimmed, extended with a local paragraph, lightly edited, verbatim."""
    rng = random.Random(seed)
    original = story(seed, rng.randint(8, 11))
    local = " ".join(rng.choice(WORDS) for _ in range(40))
    edited = [p.replace(p.split()[3], "changed", 1) if n % 3 == 0 else p for n, p in enumerate(original)]
    return [original, original[:7], original + [local], edited, list(original)]


def pages() -> list[tuple[str, str, list[str], float]]:
    """(story, url, paragraphs, published) for 15 syndicated stories and 10 stories nobody copied."""
    rng = random.Random(5)
    out = []
    for s in range(15):
        for n, paragraphs in enumerate(copies(1000 + s)):
            out.append((f"story{s}", f"http://site{n}/{s}", paragraphs, rng.uniform(0, 1e6)))
    for s in range(15, 25):
        out.append((f"story{s}", f"http://site0/{s}", story(1000 + s), rng.uniform(0, 1e6)))
    return out


def work(prefix: str, url: str, items: list, barrier) -> None:
    os.environ["NEWSSIEVE_PREFIX"] = prefix
    os.environ["NEWSSIEVE_REDIS_URL"] = url
    reset_caches()
    client = get_client()
    barrier.wait()
    for _, page_url, paragraphs, published in items:
        add(client, page_url, paragraphs, published)


def race(prefix: str, url: str, seed: int) -> None:
    """WORKERS processes index pages() twice over, shuffled, starting together."""
    tasks = pages() * 2
    random.Random(seed).shuffle(tasks)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    procs = [ctx.Process(target=work, args=(prefix, url, tasks[n::WORKERS], barrier)) for n in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0


def test_four_processes_build_exactly_the_expected_clusters(client, prefix):
    race(prefix, redis_url(), seed=7)
    assert_expected_clusters(client, prefix)


def assert_expected_clusters(client, prefix: str) -> None:
    """Every story of pages() in one cluster of its own, its earliest copy in the feed, each article filed
    once in the band tables."""
    store = Store(client, prefix)
    ids = client.zrange(store.keys.articles, 0, -1)
    assert len(ids) == len(pages())
    stories_of_cluster, clusters_of_story = defaultdict(set), defaultdict(set)
    earliest = {}
    by_url = {url: (story_id, published) for story_id, url, _, published in pages()}
    for row in store.articles(ids, fields=("id", "url", "cluster")):
        story_id, published = by_url[row["url"]]
        stories_of_cluster[row["cluster"]].add(story_id)
        clusters_of_story[story_id].add(row["cluster"])
        if story_id not in earliest or published < earliest[story_id][0]:
            earliest[story_id] = (published, row["id"])
    assert all(len(c) == 1 for c in clusters_of_story.values()), clusters_of_story
    assert all(len(s) == 1 for s in stories_of_cluster.values()), stories_of_cluster
    assert sorted(store.feed_ids("all", limit=100)) == sorted(aid for _, aid in earliest.values())

    found = audit(client, prefix)
    numbers = {store.article(aid)["seen_seq"] for aid in ids}
    assert found.records == numbers == set(found.filed)
    assert set(found.filed.values()) == {get_settings().lsh_bands + 1}
