"""Celery tasks: thin wrappers around page processing (workers.process) and the crawl runner."""

from __future__ import annotations

import contextlib
import logging
import time

import redis
from celery import Task
from celery.exceptions import Reject
from kombu.exceptions import OperationalError

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from newssieve.store.memory import RedisMemory
from newssieve.store.pending import PendingPages
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE, RESEND_PENDING
from workers.app import app

log = logging.getLogger(__name__)
# Redis unreachable, or out of memory (maxmemory reached under noeviction: writes are refused until
# memory is freed). Neither is the page's fault: the task waits and retries, never fails for good on it.
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, OperationalError, ConnectionError, TimeoutError,
             redis.OutOfMemoryError)
# How long a task waits in place for Redis to come back before it hands over to Celery's retry
# (which must publish to the broker: the same Redis).
REDIS_WAIT_SECONDS = 15.0


class DeadLetteringTask(Task):
    """A task that, when it fails for good, leaves its arguments and error in the dead letters
    and counts the failure under its stage."""

    stage = Stage.PROCESS

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """Record the dead letter; a page with one leaves the pending pages (else it stays, and is resent)."""
        log.error("task %s failed for good: %s: %s", task_id, type(exc).__name__, exc)
        try:
            DeadLetters().add(self.name, list(args), f"{type(exc).__name__}: {exc}", task_id)
            Stats().record(self.stage, {Count.FAILED: 1})
            canonical = args[0].get("canonical_url") if args and isinstance(args[0], dict) else None
            if self.name == PROCESS_PAGE and isinstance(canonical, str):
                PendingPages().done(article_id(canonical))
        except redis.RedisError:
            log.exception("could not record dead letter for task %s", task_id)

    def retry(self, *args, **kwargs):
        """Celery's retry, except that a retry which cannot be published is not dropped.

        Celery rejects the message without requeueing it when publishing the retry fails, which
        is what happens while the broker (our Redis) is down. Requeue it instead; if even that
        fails, the message stays unacknowledged and comes back after the visibility timeout.
        """
        if isinstance(kwargs.get("exc"), redis.OutOfMemoryError):
            kwargs["max_retries"] = None  # a full Redis is no reason to give a page up
        try:
            return super().retry(*args, **kwargs)
        except Reject as exc:
            if exc.requeue:
                raise
            log.warning("could not publish the retry (%s); putting the message back", exc.reason)
            raise Reject(exc.reason, requeue=True) from None


def while_redis_is_back(work):
    """Run `work` (idempotent); while Redis is unreachable or out of memory, wait with backoff and run it
    again. A wait for memory is recorded (store.memory) once Redis takes writes again."""
    deadline = time.monotonic() + REDIS_WAIT_SECONDS
    delay, oom_since = 0.5, None
    while True:
        try:
            result = work()
            break
        except TRANSIENT as exc:
            if isinstance(exc, redis.OutOfMemoryError):
                oom_since = oom_since or time.time()
            if time.monotonic() + delay >= deadline:
                raise
            what = "Redis out of memory" if isinstance(exc, redis.OutOfMemoryError) else "Redis unavailable"
            log.warning("%s (%s: %s); trying again in %.1f s", what, type(exc).__name__, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
    if oom_since:
        with contextlib.suppress(redis.RedisError):
            RedisMemory().record_oom(oom_since, time.time())
    return result


_processor = None


def processor():
    """One PageProcessor per worker process (it holds the Lua script and the Redis client)."""
    global _processor
    if _processor is None:
        from workers.process import PageProcessor

        _processor = PageProcessor()
    return _processor


@app.task(name=PROCESS_PAGE, base=DeadLetteringTask, autoretry_for=TRANSIENT,
          retry_backoff=2, retry_backoff_max=60, retry_jitter=True,
          max_retries=get_settings().task_max_retries,
          soft_time_limit=get_settings().clean_time_limit, time_limit=get_settings().clean_time_limit + 30)
def process_page(page: dict) -> dict:
    # Log lines carry site, URL and task id through workers.app's task_prerun handler.
    result = while_redis_is_back(lambda: processor().process(Page.from_dict(page)))
    log.info("page %s: %s (cluster %s)", result.id, result.status, result.cluster or "-")
    return result.to_dict()


def resend_overdue_pages() -> int:
    """Send again the pages a lost broker message left unprocessed (see newssieve.store.pending): on
    beat's schedule, and each time a worker's consumer (re)connects (workers.consumer)."""
    sent = PendingPages().resend_overdue(app, get_settings().visibility_timeout)
    if sent:
        log.warning("resent %d pages whose messages were lost or overdue", sent)
    return sent


@app.task(name=RESEND_PENDING)
def resend_pending() -> int:
    return resend_overdue_pages()


@app.task(name=CRAWL_SITE, base=DeadLetteringTask, stage=Stage.CRAWL)
def crawl_site(site: str, refetch: bool = False) -> dict:
    from newssieve.ops.crawl_runner import run_crawl

    summary = run_crawl(site, refetch=refetch)
    log.info("crawl %s: %s, %s pages, %s new", site, summary["status"], summary["pages"],
             summary["articles_new"])
    return summary
