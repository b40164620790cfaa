"""The worker's consumer: each time it (re)connects, it waits until Redis can take work, then sends again
the overdue pending pages.

A command error from Redis (out of memory under `noeviction`, a key of the wrong type where a queue
should be) restarts Celery's consumer (`broker_channel_error_retry`) instead of ending the worker.
Without this wait the consumer would restart several times a second, each failing the same way; here
it waits with backoff, says what is wrong (at once, then every minute), and goes on by itself once
Redis takes writes and the keys are right. Pages whose messages were lost meanwhile (popped, but not
recorded as unacked: the write was refused) are still pending, and are sent again once overdue.
With RabbitMQ as the broker the same wait applies to the store's Redis (no broker keys to check there).

A lost connection while the consumer waits on an empty queue holding a message (kombu's Redis channel has
a BRPOP outstanding) used to end the worker: see `on_connection_error_after_connected`.
"""

from __future__ import annotations

import logging
import time

import redis
from celery.worker.consumer import Consumer as CeleryConsumer
from celery.worker.state import maybe_shutdown
from kombu.exceptions import OperationalError

from newssieve.store.broker_keys import wrong_types
from newssieve.store.memory import RedisMemory
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE, broker_is_redis

log = logging.getLogger(__name__)
MAX_DELAY = 10.0
SAY_AGAIN_SECONDS = 60.0


class Consumer(CeleryConsumer):
    def connect(self):
        # Before Celery's connect: registering the connection with the event loop already writes (kombu
        # takes its restore mutex), which a full Redis refuses.
        queues = tuple(self.app.amqp.queues.consume_from or (CRAWL_QUEUE, PROCESS_QUEUE))
        try:
            wait_until_redis_takes_work(queues=queues)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("cannot check Redis before connecting (%s); Celery retries the connection", exc)
        connection = super().connect()
        from workers.tasks import resend_overdue_pages

        try:
            resend_overdue_pages()
        except (redis.RedisError, OperationalError) as exc:
            log.warning("could not send overdue pending pages again now (%s: %s)", type(exc).__name__, exc)
        return connection

    def on_connection_error_after_connected(self, exc):
        """Celery's handling, with kombu's Redis channel told first that its wait on the queue is over.

        Closing a channel whose BRPOP is outstanding reads that reply first; on a dead connection the
        read raises, the channel stays open, and Celery's second close, made after the transport is
        gone, fails with AttributeError while putting the held messages back: "Unrecoverable error",
        and the worker takes no more work (tests/test_reliability_redis_outage.py). The reply will
        never come, so the close goes on: the held messages go back to the queue, or, with the server
        still down, stay unacknowledged and come back after the visibility timeout.
        """
        channel = getattr(self.connection, "_default_channel", None)
        if getattr(channel, "_in_poll", None):
            channel._in_poll = None
        super().on_connection_error_after_connected(exc)


def redis_problem(memory: RedisMemory, queues: tuple[str, ...]) -> tuple[str | None, bool]:
    """(why this worker cannot take messages from `queues` now, or None; whether Redis is out of memory)."""
    if broker_is_redis():
        wrong = wrong_types(memory.client, memory.keys, queues)
        if wrong:
            return wrong[0].describe(), False
    if memory.takes_writes():
        return None, False
    state = memory.state()
    used, limit = f"{state.used / 1e6:.1f} MB", f"{state.limit / 1e6:.1f} MB"
    return (f"Redis is out of memory ({used} used of maxmemory {limit}, policy {state.policy}): "
            "writes are refused; pages stay pending until memory is freed"), True


def wait_until_redis_takes_work(memory: RedisMemory | None = None,
                                queues: tuple[str, ...] = (CRAWL_QUEUE, PROCESS_QUEUE)) -> float:
    """Block (with backoff, a warm shutdown still honoured) while `redis_problem` names one; returns the
    seconds waited. Connection errors propagate: Celery's own connection retries handle them."""
    memory = memory or RedisMemory()
    began, said, delay, oom_since = time.time(), 0.0, 0.5, None
    while True:
        problem, full = redis_problem(memory, queues)
        if problem is None:
            break
        if full:
            oom_since = oom_since or time.time()
        if time.time() - said >= SAY_AGAIN_SECONDS:
            log.error("the worker takes no messages: %s; checking again within %.0f s", problem, MAX_DELAY)
            said = time.time()
        _sleep(delay)
        delay = min(delay * 2, MAX_DELAY)
    waited = time.time() - began
    if oom_since:
        memory.record_oom(oom_since, time.time())
    if said:
        log.warning("Redis takes work again after %.0f s: the worker goes on", waited)
    return waited


def _sleep(seconds: float) -> None:
    """Sleep in short steps, raising Celery's shutdown exception as soon as a stop was asked for."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        maybe_shutdown()
        time.sleep(min(left, 0.25))
    maybe_shutdown()
