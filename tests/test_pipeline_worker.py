"""A real worker on pages sent several to a message (store.pending.send_pages): every page stored once,
the pending pages emptied, the counters exact once the worker stopped cleanly; a batch holding a page it
cannot take sends its pages again one by one, so only that page ends in the dead letters."""

from __future__ import annotations

import pytest
from celery.signals import before_task_publish

from newssieve.ids import article_id
from newssieve.ops.drain import idle
from newssieve.store.deadletters import DeadLetters
from newssieve.store.keys import Keys
from newssieve.store.pending import BATCH_PAGES, DEEP, PendingPages, send_pages
from newssieve.store.stats import Count, SiteCount, Stage, Stats
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_PAGES, PROCESS_PENDING, PROCESS_QUEUE, make_celery
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import assert_exactly_once, stored_count, wait_for
from tests.workers_helper import celery_worker
from workers.tasks import pages_of

pytestmark = pytest.mark.slow


def test_batches_through_a_real_worker_store_every_page_once_and_count_exactly(prefix, client):
    items = synthetic_pages(3 * DEEP + 3, seed=21, copy_rate=0.4, run="batches/")
    app = make_celery("test-batch-sender")
    try:
        send_pages(app, [item.page for item in items], PendingPages())
    finally:
        app.close()
    assert PendingPages().count() == len(items)
    with celery_worker(2, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix):
        assert wait_for(lambda: stored_count(client, prefix) == len(items) and idle(client, prefix), 120, 0.2)
    # the worker stopped cleanly: every pool process flushed its counters
    stats = Stats(client, prefix)
    assert stats.total(Stage.RECEIVED, Count.SEEN) == len(items)
    assert stats.total(Stage.STORE, Count.SEEN) == len(items)
    assert stats.total(Stage.CLEAN, Count.SEEN) == len(items)
    sites = stats.site_counts()
    assert sum(site[SiteCount.PAGES] for site in sites.values()) == len(items)
    assert sum(site[SiteCount.STORED] for site in sites.values()) == len(items)
    assert stats.latency_histograms()["fetch_to_stored"]["count"] == len(items)
    assert PendingPages().count() == 0
    assert_exactly_once(client, prefix, items)


def test_a_batch_with_a_page_it_cannot_take_sends_its_pages_one_by_one(prefix, client):
    items = synthetic_pages(BATCH_PAGES - 1, seed=22, run="bad-batch/")
    pages = [item.to_dict() for item in items]
    app = make_celery("test-batch-sender")
    try:
        PendingPages().add_all([item.page for item in items])
        app.send_task(PROCESS_PAGES, args=[[*pages[:3], "not a page", *pages[3:]]], queue=PROCESS_QUEUE)
    finally:
        app.close()
    with celery_worker(1, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix):
        assert wait_for(lambda: stored_count(client, prefix) == len(items) and DeadLetters().count() == 1
                        and idle(client, prefix), 60, 0.2)
    (letter,) = DeadLetters().list()
    assert letter["args"] == ["not a page"]
    assert PendingPages().count() == 0
    assert_exactly_once(client, prefix, items)


def test_batches_carry_article_ids_and_the_worker_reads_the_pages_from_the_pending_pages(prefix, client):
    items = synthetic_pages(2 * DEEP + 1, seed=23, run="by-id/")
    sent: list[tuple[str, list]] = []

    def record(sender=None, body=None, **_kwargs):
        sent.append((sender, body[0]))

    before_task_publish.connect(record)
    app = make_celery("test-batch-sender")
    try:
        send_pages(app, [item.page for item in items], PendingPages())
    finally:
        before_task_publish.disconnect(record)
        app.close()
    ids = [article_id(item.page.canonical_url) for item in items]
    batches = [args[0] for name, args in sent if name == PROCESS_PENDING]
    assert batches == [ids[k:k + BATCH_PAGES] for k in range(0, 2 * DEEP, BATCH_PAGES)]
    assert [name for name, _ in sent].count(PROCESS_PAGE) == 1  # the odd one out goes whole, alone
    with celery_worker(1, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix):
        assert wait_for(lambda: stored_count(client, prefix) == len(items) and idle(client, prefix), 90, 0.2)
    assert PendingPages().count() == 0 and DeadLetters().count() == 0
    assert_exactly_once(client, prefix, items)


def test_a_batch_by_id_passes_over_stored_pages_and_dead_letters_a_broken_entry(prefix, client):
    items = synthetic_pages(BATCH_PAGES - 2, seed=24, run="by-id-odd/")
    pending = PendingPages()
    ids = pending.add_all([item.page for item in items])
    pending.done(ids[1])  # stored meanwhile, as far as the batch can tell
    client.hset(Keys(prefix).pending, ids[2], "{not json")
    app = make_celery("test-batch-sender")
    try:
        app.send_task(PROCESS_PENDING, args=[ids], queue=PROCESS_QUEUE)
    finally:
        app.close()
    with celery_worker(1, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix):
        assert wait_for(lambda: stored_count(client, prefix) == len(items) - 2 and DeadLetters().count() == 1
                        and idle(client, prefix), 60, 0.2)
    (letter,) = DeadLetters().list()
    assert letter["args"] == ["{not json"] and ids[2] in letter["error"]
    assert pending.count() == 0
    assert_exactly_once(client, prefix, [item for k, item in enumerate(items) if k not in (1, 2)])


def test_a_batch_by_id_stands_for_its_pending_pages(prefix, client):
    """What its dead letter would keep (as a batch of pages, to requeue), and what it counts an error on."""
    items = synthetic_pages(3, seed=25, run="by-id-dead/")
    ids = PendingPages().add_all([item.page for item in items])
    assert pages_of(PROCESS_PENDING, [ids]) == [item.to_dict() for item in items]
    assert pages_of(PROCESS_PENDING, ["not a list of ids"]) == []
