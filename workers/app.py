"""The Celery app: `celery -A workers.app worker` (or `newssieve worker`), `celery -A workers.app beat`."""

import contextlib
import logging
import os
import warnings

from celery.exceptions import SecurityWarning
from celery.signals import setup_logging, task_postrun, task_prerun

from newssieve.logs import configure, log_context
from newssieve.taskqueue import make_celery

if os.environ.get("NEWSSIEVE_ROOT_NOTED"):
    # `newssieve up` said it once on its console. Not C_FORCE_ROOT: that would also let a worker
    # accepting pickle run as root (anyone who can write to the broker runs code as root); Celery
    # still refuses that case, only the warning is left out.
    warnings.filterwarnings("ignore", category=SecurityWarning)

app = make_celery("newssieve", include=["workers.tasks"])
app.conf.timezone = "UTC"
app.conf.beat_scheduler = "workers.beat:SitesScheduler"
# Waits out a full Redis or a misplaced queue key on every (re)connection, then resends overdue pages.
app.conf.worker_consumer = "workers.consumer:Consumer"
# Each pool process has its next message at hand when it finishes one (bench/pipeline.py, crosslingual
# pages, one pool process, batches of 8: 139-149 pages/s with 1, 180-191 with 2; 4, measured at a higher
# load, no more). Late acks keep a reserved message unacknowledged: a dead worker's come back too.
app.conf.worker_prefetch_multiplier = 2


@setup_logging.connect
def _configure_logging(loglevel=None, **_kwargs) -> None:
    """Our handler instead of Celery's: JSON lines off a terminal, with site/URL/task id."""
    configure(loglevel or "INFO")
    if os.environ.get("NEWSSIEVE_QUIET_TASKS") and logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # under `up`: one line per page at INFO (the task's own); Celery's "received", "succeeded" at DEBUG
        logging.getLogger("celery.worker.strategy").setLevel(logging.WARNING)
        logging.getLogger("celery.app.trace").addFilter(_not_succeeded)


def _not_succeeded(record: logging.LogRecord) -> bool:
    return "succeeded in" not in str(record.msg)


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
