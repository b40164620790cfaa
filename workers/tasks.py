"""Celery tasks: thin wrappers around page processing (workers.process) and the crawl runner.

Pages come one to a message (newssieve.process_page) or several: by article id (newssieve.process_pending,
sent by store.pending.send_pages when many pages are sent at once: the pages are read from the pending
pages) or whole (newssieve.process_pages, for senders by task name). A batch is processed in the same round
trips as one page and acknowledged once all its pages are stored; a batch that fails for another
reason than Redis is sent again page by page, so each page gets its own retries and dead letter.
Each pool process counts its stage counters in memory (store.stats.BatchedStats) and flushes them
once per task, after the page or batch is stored (one round trip: the counts are exact when a task
returns), waiting for Redis like the page does; what a failed flush kept goes with the next one, with
the process's flushing thread (FLUSH_SECONDS) or when the process stops cleanly
(worker_process_shutdown).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time

import redis
from celery import Task
from celery.exceptions import Reject
from celery.signals import worker_process_shutdown, worker_shutdown
from kombu.exceptions import OperationalError

from newssieve.ids import article_id
from newssieve.logs import log_context
from newssieve.models import Page
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from newssieve.store.memory import RedisMemory
from newssieve.store.pending import PendingPages
from newssieve.store.stats import FLUSH_SECONDS, Count, SiteCount, Stage, Stats
from newssieve.taskqueue import (
    CRAWL_SITE,
    PROCESS_PAGE,
    PROCESS_PAGES,
    PROCESS_PENDING,
    PROCESS_QUEUE,
    RESEND_PENDING,
)
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
            pages = pages_of(self.name, args)
            # a batch by id is kept with its pages: they leave the pending pages, and a requeue needs them
            by_id = self.name == PROCESS_PENDING and pages
            task, kept = (PROCESS_PAGES, [pages]) if by_id else (self.name, list(args))
            DeadLetters().add(task, kept, f"{type(exc).__name__}: {exc}", task_id)
            stats = Stats()
            stats.record(self.stage, {Count.FAILED: 1})
            for page in pages:
                if not isinstance(page, dict):
                    continue
                if isinstance(page.get("site"), str):
                    stats.record_site(page["site"], {SiteCount.ERRORS: 1})
                if isinstance(page.get("canonical_url"), str):
                    PendingPages().done(article_id(page["canonical_url"]))
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


def pages_of(task: str, args) -> list:
    """The pages a process task's arguments stand for (none for other tasks or arguments of another shape)."""
    if not args:
        return []
    if task == PROCESS_PAGE:
        return [args[0]]
    if task == PROCESS_PAGES and isinstance(args[0], list):
        return args[0]
    if task == PROCESS_PENDING and _article_ids(args[0]):
        return [page for page, _ in pending_pages(args[0])]
    return []


def _article_ids(ids) -> bool:
    return isinstance(ids, list) and 0 < len(ids) <= BATCH_LIMIT and all(isinstance(i, str) for i in ids)


def pending_pages(ids: list[str]) -> list[tuple[dict, float]]:
    """The pending pages of these article ids, with when each was filed. An id no longer pending was stored
    meanwhile and is passed over; an entry that is not JSON goes to the dead letters as it is and leaves
    the pending pages."""
    pending, pages = PendingPages(), []
    for aid, found in zip(ids, pending.get_many(ids), strict=True):
        if found is None:
            continue
        raw, filed_at = found
        try:
            pages.append((json.loads(raw), filed_at))
        except ValueError as exc:
            log.error("pending page %s is not JSON (%s); moved to the dead letters", aid, exc)
            DeadLetters().add(PROCESS_PAGE, [raw], f"pending page {aid} is not JSON: {exc}")
            pending.done(aid)
    return pages


_processor = None


def processor():
    """One PageProcessor per worker process (it holds the Lua scripts, the Redis client and the counters
    not flushed yet)."""
    global _processor
    if _processor is None:
        from workers.process import PageProcessor

        _processor = PageProcessor(flush_seconds=FLUSH_SECONDS)
    return _processor


@worker_process_shutdown.connect
@worker_shutdown.connect
def _flush_counters(**_kwargs) -> None:
    """A clean stop: the counters counted and not flushed yet go to Redis (pool processes, and a solo
    worker's own process)."""
    if _processor is not None:
        try:
            _processor.close()
        except redis.RedisError as exc:
            log.warning("stage counters not flushed at stop: %s", exc)


@app.task(name=PROCESS_PAGE, base=DeadLetteringTask, autoretry_for=TRANSIENT,
          retry_backoff=2, retry_backoff_max=60, retry_jitter=True,
          max_retries=get_settings().task_max_retries,
          soft_time_limit=get_settings().clean_time_limit, time_limit=get_settings().clean_time_limit + 30)
def process_page(page: dict) -> dict:
    # Log lines carry site, URL and task id through workers.app's task_prerun handler.
    result = while_redis_is_back(lambda: processor().process(Page.from_dict(page)))
    while_redis_is_back(lambda: processor().flush())  # apart: a failed flush does not process the page again
    log.info("page %s: %s (cluster %s)", result.id, result.status, result.cluster or "-")
    return result.to_dict()


BATCH_LIMIT = 16  # pages a batch may hold at most (its time limit is the page's times this)
BATCH_TASK = dict(base=DeadLetteringTask, autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=60,
                  retry_jitter=True, max_retries=get_settings().task_max_retries,
                  soft_time_limit=get_settings().clean_time_limit * BATCH_LIMIT,
                  time_limit=get_settings().clean_time_limit * BATCH_LIMIT + 30)


@app.task(name=PROCESS_PAGES, **BATCH_TASK)
def process_pages(pages: list) -> list[dict]:
    """Several pages in one message, processed as one batch; anything but Redis trouble (a page the batch
    cannot take, a time limit) sends them again one to a message."""
    return _process_batch(pages)


@app.task(name=PROCESS_PENDING, **BATCH_TASK)
def process_pending(ids: list) -> list[dict]:
    """Pending pages by article id (store.pending.send_pages), read in one round trip, then as
    process_pages; ids whose pages were all stored meanwhile leave nothing to do."""
    if not _article_ids(ids):
        raise ValueError(f"a batch holds 1 to {BATCH_LIMIT} article ids")
    found = while_redis_is_back(lambda: pending_pages(ids))
    return _process_batch([page for page, _ in found], [at for _, at in found]) if found else []


def _process_batch(pages: list, filed_at: list[float] | None = None) -> list[dict]:
    try:
        if not isinstance(pages, list) or not 0 < len(pages) <= BATCH_LIMIT:
            raise ValueError(f"a batch holds 1 to {BATCH_LIMIT} pages")
        parsed = [Page.from_dict(page) for page in pages]
        results = while_redis_is_back(lambda: processor().process_many(parsed, filed_at))
    except TRANSIENT:
        raise
    except Exception as exc:  # noqa: BLE001 - each page then fails or succeeds on its own
        log.warning("batch of %s pages not processed (%s: %s); sending them one by one",
                    len(pages) if isinstance(pages, list) else "?", type(exc).__name__, exc)
        for page in pages if isinstance(pages, list) else [pages]:
            app.send_task(PROCESS_PAGE, args=[page], queue=PROCESS_QUEUE)
        return []
    while_redis_is_back(lambda: processor().flush())
    for result in results:
        with log_context(site=result.site):
            log.info("page %s: %s (cluster %s)", result.id, result.status, result.cluster or "-")
    return [result.to_dict() for result in results]


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
