"""Redis goes away while pages are being processed: restarted, or unreachable (frozen) for 10 s.

Each test runs its own Redis server (AOF on, so the queue survives a restart) on a free loopback
port; the shared one is never touched. Real `celery worker` processes keep running through the
outage: tasks that hit it wait and retry with backoff, and once the server is back every page is
stored once.

The server goes away at a moment when the worker's consumer has no message between popping it
and recording it as unacknowledged: kombu's Redis transport loses such a message (the pop and the
record are two commands; celery/kombu#305). To choose that moment the worker is frozen (SIGSTOP,
tasks mid-flight) while the server stops, then resumed into the outage.
"""

from __future__ import annotations

import signal
import time

import pytest
import redis

from newssieve.ops.drain import queue_depth, unacked
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from tests.conftest import new_prefix
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import (
    PopWatch,
    assert_exactly_once,
    broker_keys,
    frozen_between_messages,
    idle,
    logged_worker,
    missing_pages,
    newssieve_on,
    process_tree,
    send_pages,
    signal_tree,
    stored_count,
    throwaway_redis,
    wait_for,
)

# The broker is this Redis (its restart is the broker's): RabbitMQ's are in test_broker_amqp_outage.py.
pytestmark = pytest.mark.redis_broker
PAGES = 240
VISIBILITY = 8  # seconds: an ack lost in the outage brings its (already stored) page back this soon


def reachable(predicate):
    def safe() -> bool:
        try:
            return predicate()
        except (redis.ConnectionError, redis.TimeoutError):
            return False
    return safe


def met_outage(log: str) -> bool:
    """A task met the outage: it waited for Redis and tried again."""
    return "Redis unavailable" in log and "trying again" in log


def run_through_outage(tmp_path, outage, seed: int, until=None) -> tuple[str, dict]:
    """Process PAGES pages with an outage of the server in the middle; returns the worker's log.

    `until(log)`: what the outage must have brought about; if it did not (the freeze can catch both
    tasks past their last Redis command, so that none meets the outage), the outage comes again once
    the worker is back at work, at most twice more, while 60 pages are left."""
    # A third of the stories are long, so the outage finds tasks in the middle of their work.
    pages = synthetic_pages(PAGES, seed=seed, run=f"outage{seed}/", long_share=0.33)
    with throwaway_redis() as server, newssieve_on(server.url, new_prefix()):
        client, prefix = get_client(), get_settings().prefix
        watch = PopWatch(client, prefix)
        send_pages(pages)
        log = tmp_path / "worker.log"
        with logged_worker(log, concurrency=2, NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)) as worker:
            assert wait_for(lambda: stored_count(client, prefix) >= PAGES // 6, 90, 0.02), "no worker"
            at_outage = stored_count(client, prefix)
            began = time.monotonic()
            outage(server, worker, watch)
            took = time.monotonic() - began
            stored = reachable(lambda: stored_count(client, prefix))  # False while Redis is not back
            for _ in range(2):
                if until is None or until(log.read_text(errors="replace")) or stored() > PAGES - 60:
                    break
                back = stored()
                assert wait_for(lambda back=back: stored() > back, 60, 0.05), "the worker did not come back"
                outage(server, worker, watch)
            done = reachable(lambda: stored_count(client, prefix) == PAGES and idle(client, prefix))
            assert wait_for(done, 120, 0.5), (missing_pages(client, prefix, pages)[:5],
                                              broker_keys(client, prefix), DeadLetters(client, prefix).list())
            assert worker.poll() is None, "the worker died in the outage"
        assert at_outage < PAGES - 60, "the outage did not hit the batch"
        assert_exactly_once(client, prefix, pages)
        assert DeadLetters(client, prefix).count() == 0
        assert queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0
        return log.read_text(errors="replace"), {"stored_at_outage": at_outage, "outage_s": round(took, 1)}


def restart(server, worker, watch) -> None:
    with frozen_between_messages(worker, watch, holding=2):
        server.stop()
    time.sleep(5)
    server.start()


def blip(server, worker, watch) -> None:
    """Stopped and started again at once: down for a fraction of a second."""
    with frozen_between_messages(worker, watch, holding=2):
        server.stop()
    server.start()


def freeze_for_10_s(server, worker, watch) -> None:
    with frozen_between_messages(worker, watch, holding=2):
        server.pause()
    time.sleep(10)
    server.resume()


def test_redis_restarted_mid_batch_every_page_is_stored_once(tmp_path):
    log, figures = run_through_outage(tmp_path, restart, seed=21, until=met_outage)
    print("restart:", figures)
    assert met_outage(log), "no task met the outage"
    assert "Connection to broker lost" in log  # and the consumer reconnected


def test_redis_unreachable_for_10_s_mid_batch_every_page_is_stored_once(tmp_path):
    log, figures = run_through_outage(tmp_path, freeze_for_10_s, seed=22)
    print("freeze:", figures)
    assert figures["outage_s"] >= 10


def test_redis_blip_of_a_fraction_of_a_second_loses_no_page(tmp_path):
    """Short enough that Redis is back before a task's retry is handled: Celery drops a task whose
    retry could not be published (Reject without requeue) unless the task waits for Redis itself."""
    log, figures = run_through_outage(tmp_path, blip, seed=23)
    print("blip:", figures)
    assert figures["outage_s"] < 3


def test_redis_restarted_while_the_consumer_waits_on_an_empty_queue_holding_a_message(tmp_path):
    """The consumer holds a message (its task mid-flight) and waits on the empty queue (BRPOP) when the
    server goes: kombu's channel stops closing at that wait's broken reply, and Celery closed it again
    after its transport was gone (AttributeError, "Unrecoverable error": the worker stopped taking work)."""
    pages = synthetic_pages(1, seed=24, run="outage24/", long_share=1.0)
    with throwaway_redis() as server, newssieve_on(server.url, new_prefix()):
        client, prefix = get_client(), get_settings().prefix
        send_pages(pages)
        log = tmp_path / "worker.log"
        with logged_worker(log, concurrency=1, NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)) as worker:
            holding = lambda: unacked(client, prefix) == 1 and queue_depth(client, prefix) == 0  # noqa: E731
            assert wait_for(holding, 60, 0.01), "the worker never took the page"
            children = process_tree(worker)[1:]
            signal_tree(children, signal.SIGSTOP)  # the task stays mid-flight; the consumer goes on waiting
            try:
                time.sleep(0.5)
                server.stop()
                server.start()
            finally:
                signal_tree(children, signal.SIGCONT)
            done = reachable(lambda: stored_count(client, prefix) == 1 and idle(client, prefix))
            assert wait_for(done, 60, 0.5), broker_keys(client, prefix)
            assert worker.poll() is None, "the worker died in the outage"
        assert "Unrecoverable error" not in log.read_text(errors="replace")
        assert_exactly_once(client, prefix, pages)
