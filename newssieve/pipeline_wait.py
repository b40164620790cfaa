"""Waiting for the process queue to drain: what the demo, ingest --wait and tests need."""

from __future__ import annotations

import time

import redis

from newssieve.keys import Keys
from newssieve.taskqueue import PROCESS_QUEUE


def queue_depth(client: redis.Redis, prefix: str, queue: str = PROCESS_QUEUE) -> int:
    """Messages waiting in a Celery Redis queue, priority sub-queues included."""
    names = [f"{prefix}{queue}"] + [f"{prefix}{queue}\x06\x16{n}" for n in range(1, 10)]
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.llen(name)
    return sum(pipe.execute())


def unacked(client: redis.Redis, prefix: str) -> int:
    """Messages a worker has taken but not yet acknowledged."""
    return client.hlen(f"{prefix}unacked")


def wait_until_processed(client: redis.Redis, expected: int, timeout: float = 300.0,
                         prefix: str | None = None) -> bool:
    """Block until `expected` pages went through the store stage (or failed) and the queue is empty."""
    keys = Keys(prefix)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = int(float(client.hget(keys.counters("store"), "seen") or 0))
        failed = int(float(client.hget(keys.counters("process"), "failed") or 0))
        idle = queue_depth(client, keys.prefix) == 0 and unacked(client, keys.prefix) == 0
        if idle and done + failed >= expected:
            return True
        time.sleep(0.2)
    return False
