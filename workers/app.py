"""The Celery app: `celery -A workers.app worker` (or `newssieve worker`), `celery -A workers.app beat`."""

import contextlib

from celery.signals import setup_logging, task_postrun, task_prerun

from newssieve.logs import configure, log_context
from newssieve.taskqueue import make_celery

app = make_celery("newssieve", include=["workers.tasks"])
app.conf.timezone = "UTC"
app.conf.beat_scheduler = "workers.beat:SitesScheduler"
# Waits out a full Redis or a misplaced queue key on every (re)connection, then resends overdue pages.
app.conf.worker_consumer = "workers.consumer:Consumer"


@setup_logging.connect
def _configure_logging(loglevel=None, **_kwargs) -> None:
    """Our handler instead of Celery's: JSON lines off a terminal, with site/URL/task id."""
    configure(loglevel or "INFO")


_task_log_contexts: dict[str, contextlib.ExitStack] = {}


@task_prerun.connect
def _enter_task_log_context(task_id=None, task=None, args=None, **_kwargs) -> None:
    """Every line logged while a task runs, Celery's own included (succeeded, retry, raised), carries
    the task id and what it works on: the page's site and URL, or the crawled site."""
    first = args[0] if args else None
    page = first if isinstance(first, dict) else {}
    site = page.get("site") or (first if isinstance(first, str) else None)
    stack = contextlib.ExitStack()
    stack.enter_context(log_context(site=site, url=page.get("url"), task_id=task_id, task=task.name))
    _task_log_contexts[task_id] = stack


@task_postrun.connect
def _leave_task_log_context(task_id=None, **_kwargs) -> None:
    stack = _task_log_contexts.pop(task_id, None)
    if stack is not None:
        stack.close()
