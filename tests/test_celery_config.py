"""The Celery app speaks JSON only, acks late, and keeps crawling and processing apart."""

from __future__ import annotations

from newssieve.taskqueue import CRAWL_QUEUE, CRAWL_SITE, PROCESS_PAGE, PROCESS_QUEUE
from workers.app import app


def test_json_only_and_late_acks():
    conf = app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost


def test_tasks_are_registered_on_separate_queues():
    app.loader.import_default_modules()
    assert {PROCESS_PAGE, CRAWL_SITE} <= set(app.tasks)
    routes = app.conf.task_routes
    assert routes[PROCESS_PAGE]["queue"] == PROCESS_QUEUE
    assert routes[CRAWL_SITE]["queue"] == CRAWL_QUEUE
    assert PROCESS_QUEUE != CRAWL_QUEUE
