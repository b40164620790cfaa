"""A full Redis (maxmemory reached, `noeviction`) or a key of the wrong type where a queue should be
does not end the worker: it waits, says what is wrong (status, /health, /metrics) and goes on by
itself once the problem is gone; every page is stored once.

Each test runs its own Redis server and a real `celery worker`. Under `noeviction` Redis refuses
every write, and every command inside MULTI (kombu's acks and its unacked records included), while
reads still work: tasks wait and retry, the consumer waits before it reconnects, and the pages stay
pending (a message popped but not recorded as unacked is lost: its page is sent again once overdue).
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
import redis
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.ops import status
from newssieve.ops.metrics import exposition
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from newssieve.store.memory import RedisMemory
from newssieve.store.pending import PendingPages, send_page
from newssieve.taskqueue import make_celery
from tests.conftest import new_prefix
from tests.reliability_pages import SyntheticPage, synthetic_pages
from tests.reliability_support import (
    assert_exactly_once,
    broker_keys,
    idle,
    logged_worker,
    missing_pages,
    newssieve_on,
    send_pages,
    stored_count,
    throwaway_redis,
    wait_for,
)
from workers.process import PageProcessor
from workers.tasks import REDIS_WAIT_SECONDS, while_redis_is_back

pytestmark = pytest.mark.redis_broker  # kombu's Redis transport itself
PAGES = 240
BELOW = 200_000  # maxmemory is set this many bytes below what Redis uses mid-batch
VISIBILITY = 4


def send_filed(pages: list[SyntheticPage]) -> None:
    """As the crawler sends pages: each filed in the pending pages first."""
    app, pending = make_celery("redis-full-sender"), PendingPages()
    try:
        for item in pages:
            send_page(app, item.page, pending)
    finally:
        app.close()


def problems_now() -> list[str]:
    return status.collect(include_workers=False)["problems"]


def test_a_full_redis_keeps_the_worker_up_and_every_page_is_stored_once_when_memory_is_back(tmp_path):
    pages = synthetic_pages(PAGES, seed=41, run="full/")
    with throwaway_redis() as server, newssieve_on(server.url, new_prefix()):
        client, prefix = get_client(), get_settings().prefix
        send_filed(pages)
        client.config_set("maxmemory-policy", "noeviction")
        log = tmp_path / "worker.log"
        with logged_worker(log, concurrency=2, NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)) as worker:
            assert wait_for(lambda: stored_count(client, prefix) >= PAGES // 4, 90, 0.02), "no worker"
            client.config_set("maxmemory", client.info("memory")["used_memory"] - BELOW)  # full, mid-batch
            memory = RedisMemory()
            assert wait_for(lambda: memory.state().oom_refusals > 0 and not memory.takes_writes(), 90, 0.2)
            # Longer than a task waits in place: its retry cannot be published nor its message put back
            # (kombu's reject is a MULTI), which takes the consumer down to wait for memory too.
            time.sleep(REDIS_WAIT_SECONDS + 6)
            at_full = stored_count(client, prefix)
            assert worker.poll() is None, "the worker died of a full Redis"
            assert 0 < at_full < PAGES, at_full
            assert any("Redis is out of memory" in p for p in problems_now()), problems_now()
            health = TestClient(create_app()).get("/health")
            assert health.status_code == 200 and health.json()["status"] == "degraded", health.json()
            assert "out of memory" in health.json()["redis"]
            assert b"newssieve_redis_out_of_memory 1.0" in exposition()[0]

            client.config_set("maxmemory", 0)
            done = lambda: stored_count(client, prefix) == PAGES and idle(client, prefix)  # noqa: E731
            assert wait_for(lambda: done() and PendingPages().count() == 0, 120, 0.5), (
                missing_pages(client, prefix, pages)[:5], broker_keys(client, prefix))
            assert worker.poll() is None
        text = log.read_text(errors="replace")
        waits = text.count("Redis out of memory ("), text.count("the worker takes no messages")
        print(f"stored {at_full} of {PAGES} before Redis was full; {waits[0]} task waits and {waits[1]} "
              "consumer waits logged")
        assert "Unrecoverable error" not in text
        # The consumer always meets the full Redis (taking a message writes); whether a task is mid-page at
        # that instant is timing (test_a_task_waits_in_place... below makes it certain).
        assert waits[1], "the consumer waited for memory, and said why"
        assert_exactly_once(client, prefix, pages)
        assert DeadLetters(client, prefix).count() == 0
        assert RedisMemory().last_oom().get("last_at", 0) > 0, "no worker recorded when it met maxmemory"
        assert any("met Redis's maxmemory" in p for p in problems_now())


def test_a_task_waits_in_place_for_memory_says_why_and_stores_its_page_once_memory_is_back(caplog):
    """What a task mid-page does when Redis fills up (workers.tasks.while_redis_is_back), made certain:
    Redis is full before the page's first write, and memory is freed 1.5 s later from another thread."""
    page = synthetic_pages(1, seed=43, run="full-task/")[0].page
    with throwaway_redis(aof=False) as server, newssieve_on(server.url, new_prefix()):
        client = get_client()
        client.config_set("maxmemory-policy", "noeviction")
        processor = PageProcessor()
        client.config_set("maxmemory", max(1, client.info("memory")["used_memory"] - BELOW))
        assert not RedisMemory().takes_writes()
        freed = threading.Timer(1.5, lambda: redis.Redis.from_url(server.url).config_set("maxmemory", 0))
        freed.start()
        began = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="workers.tasks"):
            result = while_redis_is_back(lambda: processor.process(page))
        waited = time.monotonic() - began
        freed.join()
        assert waited >= 1.5, f"the page was processed in {waited:.2f} s although Redis was full"
        assert result.status == "new" and stored_count(client, get_settings().prefix) == 1
        assert any("Redis out of memory (OutOfMemoryError" in r.getMessage() for r in caplog.records)
        last = RedisMemory().last_oom()
        assert 0 < last.get("since", 0) <= last.get("last_at", 0) and last["last_at"] >= time.time() - 60


def test_a_string_where_the_queue_should_be_is_reported_and_the_worker_resumes_once_it_is_gone(tmp_path):
    pages = synthetic_pages(60, seed=42, run="wrongtype/")
    with throwaway_redis(aof=False) as server, newssieve_on(server.url, new_prefix()):
        client, prefix = get_client(), get_settings().prefix
        log = tmp_path / "worker.log"
        with logged_worker(log, concurrency=2, NEWSSIEVE_VISIBILITY_TIMEOUT=str(VISIBILITY)) as worker:
            assert wait_for(lambda: "ready" in log.read_text(errors="replace"), 60, 0.2), "no worker"
            client.set(f"{prefix}process", "not a queue")  # while the consumer waits on the list
            assert wait_for(lambda: "takes no messages" in log.read_text(errors="replace"), 30, 0.2)
            time.sleep(3)
            assert worker.poll() is None, "the worker died of a wrong-type key"
            problem = f"Redis key '{prefix}process' holds a string where the process queue"
            assert any(p.startswith(problem) for p in problems_now()), problems_now()
            health = TestClient(create_app()).get("/health").json()
            assert health["status"] == "degraded" and problem in health["redis"]
            assert b"newssieve_redis_wrong_type_keys 1.0" in exposition()[0]

            client.delete(f"{prefix}process")
            send_pages(pages)
            done = lambda: stored_count(client, prefix) == len(pages) and idle(client, prefix)  # noqa: E731
            assert wait_for(done, 90, 0.3), missing_pages(client, prefix, pages)[:5]
            assert worker.poll() is None
        assert "Unrecoverable error" not in log.read_text(errors="replace")
        assert_exactly_once(client, prefix, pages)
        assert not any("holds a string" in p for p in problems_now())
