"""A worker killed with SIGKILL in the middle of a batch loses nothing and duplicates nothing.

Real Redis, real `celery worker` processes; `make test` runs these again against RabbitMQ (marked
`broker`), where a dead consumer's unacknowledged messages go back to the queue as soon as its
connection closes (no visibility timeout to wait for). Late acks keep every message a worker took in the
broker's unacked set until its task finished; a new worker puts the messages of a dead one back
on the queue once they are older than the visibility timeout (NEWSSIEVE_VISIBILITY_TIMEOUT, a few
seconds here, an hour by default); tasks are idempotent (ids from canonical URLs, one atomic index
call), so a page processed twice is still stored, clustered and filed once.
"""

from __future__ import annotations

import os
import time

import psutil
import pytest

from newssieve.ops.drain import queue_depth
from newssieve.ops.worker_procs import start_worker
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from tests.conftest import new_prefix
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import (
    assert_exactly_once,
    broker_keys,
    broker_watch,
    idle,
    kill_between_pop_and_record_safe,
    kill_tree,
    missing_pages,
    newssieve_on,
    process_tree,
    send_pages,
    stored_count,
    throwaway_redis,
    unacked,
    wait_for,
)
from tests.workers_helper import celery_worker, stop_worker

pytestmark = pytest.mark.broker
VISIBILITY = 3  # seconds
PAGES = 600


def test_whole_worker_sigkilled_mid_batch_then_restarted_stores_every_page_once():
    """The worker's main process and pool processes die at once, mid-batch, tasks half done.

    On a Redis of the test's own (the test watches it through keyspace notifications). The kill
    avoids the one moment at which kombu's Redis transport loses a message: popped off the queue
    but not yet recorded as unacked (celery/kombu#305; see PopWatch). That loss is not
    something late acks can prevent; the report of issue 8 describes the fix it needs.
    """
    pages = synthetic_pages(PAGES, seed=11, run="kill/")
    with throwaway_redis() as server, newssieve_on(server.url, new_prefix()):
        client, prefix = get_client(), get_settings().prefix
        watch = broker_watch(client, prefix)
        assert send_pages(pages) == PAGES
        assert queue_depth(client, prefix) == PAGES
        env = {**os.environ, "NEWSSIEVE_VISIBILITY_TIMEOUT": str(VISIBILITY)}
        worker = start_worker(2, env=env, queues="process")
        try:
            assert wait_for(lambda: stored_count(client, prefix) >= PAGES // 5, 90, 0.02), "no worker"
            assert len(process_tree(worker)) >= 3  # the main process and both pool processes
            caught = kill_between_pop_and_record_safe(worker, watch)
        finally:
            if worker.poll() is None:
                kill_tree(worker)
            watch.close()
        at_kill, in_flight = stored_count(client, prefix), watch.held_at_kill
        print(f"killed with {at_kill} pages stored, {in_flight} in flight, popped {watch.popped}, "
              f"recorded {watch.recorded}; "
              f"{caught} freeze(s) caught a message between pop and record")
        if watch.exact:  # Redis: it saw every message taken
            assert watch.popped == watch.recorded >= at_kill, "the watch must have seen every page taken"
        assert queue_depth(client, prefix) > 0, "the batch was finished before the kill: no mid-batch crash"
        assert 0 < at_kill < PAGES
        assert in_flight > 0, "no message was in flight when the worker died"

        time.sleep(VISIBILITY + 0.5)  # the dead worker's messages are now older than the visibility timeout
        with celery_worker(2, queues="process", NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)):
            done = wait_for(lambda: stored_count(client, prefix) == PAGES and idle(client, prefix), 60, 0.2)
            assert done, (missing_pages(client, prefix, pages), broker_keys(client, prefix),
                          DeadLetters(client, prefix).list())
        assert_exactly_once(client, prefix, pages)
        assert DeadLetters(client, prefix).count() == 0


def test_pool_process_sigkilled_mid_task_its_page_is_requeued_and_stored_once(client, prefix):
    """Only one pool process dies: the worker replaces it and re-queues its message at once."""
    pages = synthetic_pages(300, seed=12, run="child/")
    send_pages(pages)
    with celery_worker(2, queues="process", NEWSSIEVE_VISIBILITY_TIMEOUT="3600") as worker:
        assert wait_for(lambda: stored_count(client, prefix) >= 30, 90, 0.02)
        children = process_tree(worker)[1:]
        assert children and queue_depth(client, prefix) > 0
        victim = children[0]
        victim.kill()
        psutil.wait_procs([victim], timeout=10)
        # The visibility timeout is an hour: only the worker's own re-queueing can bring the page back.
        done = wait_for(lambda: stored_count(client, prefix) == len(pages) and idle(client, prefix), 120, 0.2)
        assert done, (stored_count(client, prefix), queue_depth(client, prefix), unacked(client, prefix))
        assert worker.poll() is None, "the worker itself died with its pool process"
        stop_worker(worker)
    assert_exactly_once(client, prefix, pages)
    assert DeadLetters(client, prefix).count() == 0
