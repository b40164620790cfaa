"""Waiting for the process queue to drain: what the demo, ingest --wait and tests need."""

from __future__ import annotations

import time

import redis

from newssieve.ops.broker import broker_kind, held_by_workers, queue_state, redis_waiting
from newssieve.redis_conn import redis_url
from newssieve.settings import get_settings
from newssieve.store.keys import Keys
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import PROCESS_QUEUE


def _on_redis_broker(prefix: str) -> bool:
    """Whether the queues are kombu's lists in the store's Redis (its own broker, our prefix); a broker
    apart from it (RabbitMQ, another Redis: always so with a Redis Cluster) is asked through queue_state."""
    settings = get_settings()
    if not settings.broker_url:
        return True
    return broker_kind() == "redis" and settings.broker_url == redis_url() and prefix == settings.prefix


def queue_depth(client: redis.Redis, prefix: str, queue: str = PROCESS_QUEUE) -> int:
    """Messages waiting in a Celery queue (on Redis: priority sub-queues included).

    A list key of another type counts 0 (ops.redis_state reports it) instead of failing the caller."""
    if _on_redis_broker(prefix):
        return redis_waiting(client, prefix, queue)
    return queue_state(queues=(queue,)).depths.get(queue, {}).get("waiting", 0)


def unacked(client: redis.Redis, prefix: str) -> int | None:
    """Messages a worker has taken but not yet acknowledged (None: the broker cannot be asked now).

    RabbitMQ: what the live workers say they hold (ops.broker.held_by_workers: a broadcast of about a
    second; AMQP does not tell it)."""
    if _on_redis_broker(prefix):
        return client.hlen(Keys(prefix).unacked)
    if broker_kind() == "redis":  # a Redis of its own: kombu's unacknowledged hash there
        state = queue_state()
        return None if state.problem else sum(depth["unacked"] for depth in state.depths.values())
    held = held_by_workers()
    return None if held is None else sum(held.values())


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
