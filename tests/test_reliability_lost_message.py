"""A message lost between the broker and a worker (kombu takes it with BRPOP and records it as unacked
with a second command: a worker killed between the two loses it) is sent again from the pending pages,
and every page is stored once."""

from __future__ import annotations

import time

import pytest

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.ops.drain import queue_depth
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.pending import PendingPages, send_page
from newssieve.taskqueue import PROCESS_QUEUE, make_celery
from tests.test_site_boilerplate import body, page
from tests.workers_helper import celery_worker

pytestmark = pytest.mark.redis_broker  # kombu's Redis transport itself
VISIBILITY = 2


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_lost_message_is_resent_and_its_page_stored_once(prefix, client):
    pages: list[Page] = [page("lost", n, body(300 + n)) for n in range(5)]
    app = make_celery("test-sender")
    pending = PendingPages()
    for p in pages:
        send_page(app, p, pending)
    assert queue_depth(client, prefix, PROCESS_QUEUE) == 5
    # What a worker killed between BRPOP and recording the delivery leaves behind: nothing.
    assert client.rpop(f"{prefix}{PROCESS_QUEUE}") is not None
    time.sleep(VISIBILITY + 0.5)  # the lost page is now overdue

    store = Store()
    ids = [article_id(p.canonical_url) for p in pages]
    with celery_worker(1, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix,
                       NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)):
        assert wait_for(lambda: all(store.article(aid) for aid in ids) and pending.count() == 0, 60)
        assert wait_for(lambda: queue_depth(client, prefix, PROCESS_QUEUE) == 0, 10)
    assert store.article_count() == 5
    assert client.zcard(Keys().feed("all")) == 5


def test_a_stored_page_is_not_resent(prefix, client):
    pending = PendingPages()
    p = page("kept", 1, body(400))
    pending.add(p)
    pending.done(article_id(p.canonical_url))
    assert pending.resend_overdue(make_celery("test-sender"), older_than=0) == 0
    assert queue_depth(client, prefix, PROCESS_QUEUE) == 0
