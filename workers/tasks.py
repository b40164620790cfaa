"""Celery tasks: thin wrappers around page processing (workers.process) and the crawl runner."""

from __future__ import annotations

import logging
import time

import redis
from celery import Task
from celery.exceptions import Reject
from celery.signals import worker_ready
from kombu.exceptions import OperationalError

from newssieve.models import Page
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from newssieve.store.pending import PendingPages
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE, RESEND_PENDING
from workers.app import app

log = logging.getLogger(__name__)
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, OperationalError, ConnectionError, TimeoutError)
# How long a task waits in place for Redis to come back before it hands over to Celery's retry
# (which must publish to the broker: the same Redis).
REDIS_WAIT_SECONDS = 15.0


class DeadLetteringTask(Task):
    """A task that, when it fails for good, leaves its arguments and error in the dead letters
    and counts the failure under its stage."""

    stage = Stage.PROCESS

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        log.error("task %s failed for good: %s: %s", task_id, type(exc).__name__, exc)
        try:
            DeadLetters().add(self.name, list(args), f"{type(exc).__name__}: {exc}", task_id)
            Stats().record(self.stage, {Count.FAILED: 1})
        except redis.RedisError:
            log.exception("could not record dead letter for task %s", task_id)

    def retry(self, *args, **kwargs):
        """Celery's retry, except that a retry which cannot be published is not dropped.

        Celery rejects the message without requeueing it when publishing the retry fails, which
        is what happens while the broker (our Redis) is down. Requeue it instead; if even that
        fails, the message stays unacknowledged and comes back after the visibility timeout.
        """
        try:
            return super().retry(*args, **kwargs)
        except Reject as exc:
            if exc.requeue:
                raise
            log.warning("could not publish the retry (%s); putting the message back", exc.reason)
            raise Reject(exc.reason, requeue=True) from None


def while_redis_is_back(work):
    """Run `work` (idempotent); while Redis is unreachable, wait with backoff and run it again."""
    deadline = time.monotonic() + REDIS_WAIT_SECONDS
    delay = 0.5
    while True:
        try:
            return work()
        except TRANSIENT as exc:
            if time.monotonic() + delay >= deadline:
                raise
            log.warning("Redis unavailable (%s: %s); trying again in %.1f s", type(exc).__name__, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 4.0)


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
    """Send again the pages a lost broker message left unprocessed (see newssieve.store.pending)."""
    sent = PendingPages().resend_overdue(app, get_settings().visibility_timeout)
    if sent:
        log.warning("resent %d pages whose messages were lost or overdue", sent)
    return sent


@app.task(name=RESEND_PENDING)
def resend_pending() -> int:
    return resend_overdue_pages()


@worker_ready.connect
def _resend_pending_at_start(**_kwargs) -> None:
    resend_overdue_pages()


@app.task(name=CRAWL_SITE, base=DeadLetteringTask, stage=Stage.CRAWL)
def crawl_site(site: str, refetch: bool = False) -> dict:
    from newssieve.ops.crawl_runner import run_crawl

    summary = run_crawl(site, refetch=refetch)
    log.info("crawl %s: %s, %s pages, %s new", site, summary["status"], summary["pages"],
             summary["articles_new"])
    return summary
