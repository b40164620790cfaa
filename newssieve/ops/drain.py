"""Waiting for the process queue to drain: what the demo, ingest --wait and tests need."""

from __future__ import annotations

import time

import redis

from newssieve.store.keys import Keys
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import PROCESS_QUEUE


def queue_depth(client: redis.Redis, prefix: str, queue: str = PROCESS_QUEUE) -> int:
    """Messages waiting in a Celery Redis queue, priority sub-queues included.

    A list key of another type counts 0 (ops.redis_state reports it) instead of failing the caller."""
    pipe = client.pipeline(transaction=False)
    for name in Keys(prefix).queue_lists(queue):
        pipe.llen(name)
    return sum(n for n in pipe.execute(raise_on_error=False) if isinstance(n, int))


def unacked(client: redis.Redis, prefix: str) -> int:
    """Messages a worker has taken but not yet acknowledged."""
    return client.hlen(Keys(prefix).unacked)


def idle(client: redis.Redis, prefix: str) -> bool:
    """Nothing waits in the process queue and nothing taken is unacknowledged."""
    return queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0


def wait_until_processed(client: redis.Redis, expected: int, timeout: float = 300.0,
                         prefix: str | None = None) -> bool:
    """Block until `expected` pages were stored (or failed) and the queue is empty."""
    stats = Stats(client, prefix)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = stats.total(Stage.STORE, Count.SEEN) + stats.total(Stage.PROCESS, Count.FAILED)
        if idle(client, stats.keys.prefix) and done >= expected:
            return True
        time.sleep(0.2)
    return False
