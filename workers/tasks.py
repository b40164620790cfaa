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
    """A task that, when it fails for good, leaves its arguments and error in the dead letters."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        try:
            DeadLetters().add(self.name, list(args), f"{type(exc).__name__}: {exc}", task_id)
            Stats().record("process", failed=1)
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


@app.task(name=PROCESS_PAGE, base=DeadLetteringTask, bind=True, autoretry_for=TRANSIENT,
          retry_backoff=2, retry_backoff_max=60, retry_jitter=True,
          max_retries=get_settings().task_max_retries,
          soft_time_limit=get_settings().clean_time_limit, time_limit=get_settings().clean_time_limit + 30)
def process_page(self, page: dict) -> dict:
    return processor().process(Page.from_dict(page)).to_dict()


@app.task(name=CRAWL_SITE, base=DeadLetteringTask, bind=True)
def crawl_site(self, site: str, refetch: bool = False) -> dict:
    from newssieve.crawls import run_crawl

    return run_crawl(site, refetch=refetch)
