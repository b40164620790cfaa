"""The worker's round trips: a page (or a batch of pages) costs one round trip for the site boilerplate
and one MULTI/EXEC for store + index + re-check + pending; a batch stores what the same pages one by one
store, with the same clusters; a page processed twice is stored once; counters are exact after a flush."""

from __future__ import annotations

import pytest

from newssieve.ids import article_id
from newssieve.redis_conn import delete_prefix, get_client, reset_caches
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.pending import PendingPages
from newssieve.store.stats import Count, Stage, Stats
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import assert_exactly_once
from tests.test_stats_batching import CountingClient
from workers.process import PageProcessor

SKIPPED_FIELDS = {"processed_at"}


@pytest.fixture
def no_translation(monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_TRANSLATION_MATCHING", "false")
    reset_caches()
    yield
    monkeypatch.undo()
    reset_caches()


def test_a_page_costs_two_round_trips_and_a_batch_the_same_two(prefix, client, no_translation, monkeypatch):
    pages = synthetic_pages(17, seed=3, run="trips/")
    processor = PageProcessor(flush_seconds=60)  # counters: flushed by hand below
    processor.process(pages[0].page)  # warm: scripts loaded
    trips = CountingClient(monkeypatch)
    processor.process(pages[1].page)
    assert trips.count == 2
    before = trips.count
    processor.process_many([item.page for item in pages[2:10]])
    assert trips.count - before == 2
    before = trips.count
    processor.flush()
    assert trips.count - before == 1
    assert Stats(client, prefix).total(Stage.STORE, Count.SEEN) == 10


def test_pages_leave_the_pending_pages_in_the_same_round_trip(prefix, client, no_translation):
    pages = [item.page for item in synthetic_pages(6, seed=4, run="pending/")]
    pending = PendingPages()
    pending.add_all(pages)
    assert pending.count() == 6
    PageProcessor().process_many(pages[:4])
    assert pending.count() == 2
    left = {article_id(p.canonical_url) for p in pages[4:]}
    assert set(client.zrange(Keys(prefix).pending_since, 0, -1)) == left


def test_a_page_read_by_id_leaves_the_pending_pages_only_if_not_filed_again_since(prefix, client,
                                                                                    no_translation):
    """A batch by id (workers.tasks.process_pending) reads the pages; a sender that files one of them again
    before the batch is stored has a newer copy whose message holds only its id: that one stays."""
    first, again = [item.page for item in synthetic_pages(2, seed=5, run="refiled/")]
    pending = PendingPages()
    ids = pending.add_all([first, again])
    read = pending.get_many(ids)
    assert [raw for raw, _ in read] == [client.hget(Keys(prefix).pending, aid) for aid in ids]
    pending.add(again)  # filed again while the batch is being processed
    PageProcessor().process_many([first, again], [at for _, at in read])
    assert set(client.hkeys(Keys(prefix).pending)) == {ids[1]} and pending.count() == 1
    assert pending.get_many([ids[0]]) == [None]
    assert Store(client, prefix).article(ids[1]) is not None  # stored all the same, from the copy read


def _records(client, prefix: str) -> dict[str, dict]:
    keys = Keys(prefix)
    out = {}
    for aid in client.zrange(keys.articles, 0, -1):
        record = Store(client, prefix).article(aid)  # decoded: the body is compressed bytes
        out[aid] = {k: v for k, v in record.items() if k not in SKIPPED_FIELDS}
    return out


def _clusters(client, prefix: str) -> set[frozenset[str]]:
    """Each story's members, as the store lists them (a story of one article has no cluster keys)."""
    store = Store(client, prefix)
    named = {row["cluster"] for row in store.rows(client.zrange(Keys(prefix).articles, 0, -1), ("cluster",))}
    return {frozenset(members) for members in store.cluster_ids(sorted(named))}


def test_batches_store_what_pages_one_by_one_store_with_the_same_clusters(prefix, client, no_translation,
                                                                         monkeypatch):
    """Boilerplate found within a batch included (its pages share a site's template and bio)."""
    items = synthetic_pages(60, seed=11, copy_rate=0.4, run="same/")
    one_by_one = PageProcessor()
    for item in items:
        one_by_one.process(item.page)
    expected_records, expected_clusters = _records(client, prefix), _clusters(client, prefix)
    expected_counts = {stage: Stats(client, prefix).totals(stage) for stage in Stage}

    other = prefix + "batched:"
    monkeypatch.setenv("NEWSSIEVE_PREFIX", other)
    reset_caches()
    try:
        batched = PageProcessor(flush_seconds=60)
        for start in range(0, len(items), 8):
            batched.process_many([item.page for item in items[start:start + 8]])
        batched.close()
        records, clusters = _records(client, other), _clusters(client, other)
        assert records.keys() == expected_records.keys()
        for aid, record in expected_records.items():
            assert records[aid] == record, aid
        assert clusters == expected_clusters
        assert_exactly_once(client, other, items)
        for stage in (Stage.RECEIVED, Stage.CLEAN, Stage.DEDUP, Stage.STORE):
            got = Stats(client, other).totals(stage)
            want = expected_counts[stage]
            assert {k: v for k, v in got.items() if k != "seconds"} == \
                {k: v for k, v in want.items() if k != "seconds"}, stage
    finally:
        delete_prefix(get_client(), other)


def test_a_batch_processed_twice_is_stored_once(prefix, client, no_translation):
    items = synthetic_pages(12, seed=5, run="twice/")
    processor = PageProcessor()
    processor.process_many([item.page for item in items])
    results = processor.process_many([item.page for item in items])
    assert {r.status for r in results} == {"unchanged"}
    assert_exactly_once(client, prefix, items)
    stats = Stats(client, prefix)
    assert stats.total(Stage.RECEIVED, Count.SEEN) == 24
    assert stats.total(Stage.DEDUP, Count.UNCHANGED) == 12
    sites = stats.site_counts()
    assert sum(site["pages"] for site in sites.values()) == 24
    assert sum(site["stored"] for site in sites.values()) == 24
