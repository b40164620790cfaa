"""Celery tasks: thin wrappers around the pipeline and the crawl runner."""

from __future__ import annotations

import logging

import redis
from celery import Task
from kombu.exceptions import OperationalError

from newssieve.deadletters import DeadLetters
from newssieve.models import Page
from newssieve.settings import get_settings
from newssieve.stats import Stats
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE
from workers.app import app

log = logging.getLogger(__name__)
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, OperationalError, ConnectionError, TimeoutError)


class DeadLetteringTask(Task):
    """A task that, when it fails for good, leaves its arguments and error in the dead letters
    and counts the failure under its stage."""

    stage = "process"

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        log.error("task %s failed for good: %s: %s", task_id, type(exc).__name__, exc)
        try:
            DeadLetters().add(self.name, list(args), f"{type(exc).__name__}: {exc}", task_id)
            Stats().record(self.stage, failed=1)
        except redis.RedisError:
            log.exception("could not record dead letter for task %s", task_id)


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
    result = processor().process(Page.from_dict(page))
    log.info("page %s: %s (cluster %s)", result.id, result.status, result.cluster or "-")
    return result.to_dict()


@app.task(name=CRAWL_SITE, base=DeadLetteringTask, stage="crawl")
def crawl_site(site: str, refetch: bool = False) -> dict:
    from newssieve.crawls import run_crawl

    summary = run_crawl(site, refetch=refetch)
    log.info("crawl %s: %s, %s pages, %s new", site, summary["status"], summary["pages"],
             summary["articles_new"])
    return summary
