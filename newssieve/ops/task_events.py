"""Celery task events for work run outside a worker: a `newssieve crawl` from the command line.

Such a crawl runs in the CLI's own process (its progress on the terminal), not through the crawl
queue, so no worker reports it. It reports itself: the same events a worker sends for a
`newssieve.crawl_site` task (received, started, then succeeded or failed), under the host name
`cli-<pid>@<host>`, so that Flower (and any event consumer) lists it with the scheduled crawls.
Best effort: when the broker cannot take the events, the crawl runs all the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Iterator

from newssieve.settings import get_settings
from newssieve.taskqueue import CRAWL_QUEUE, CRAWL_SITE, make_celery

log = logging.getLogger(__name__)


class TaskEvents:
    """Sends one task's events; every send is best effort (a lost broker is logged once)."""

    def __init__(self, name: str, args: list, kwargs: dict | None = None, queue: str = CRAWL_QUEUE):
        self.name, self.args, self.kwargs, self.queue = name, args, kwargs or {}, queue
        self.uuid = str(uuid.uuid4())
        self.hostname = f"cli-{os.getpid()}@{socket.gethostname()}"
        self.app = make_celery("newssieve-cli-events")
        self.dispatcher = None
        self.began = 0.0
        self.broken = False

    def send(self, event: str, **fields) -> None:
        if self.broken:
            return
        try:
            if self.dispatcher is None:
                # Connected here with one bounded try: kombu's own default would retry for ever.
                connection = self.app.connection_for_write()
                connection.ensure_connection(max_retries=1, timeout=get_settings().broker_timeout)
                self.dispatcher = self.app.events.Dispatcher(connection, hostname=self.hostname, enabled=True,
                                                             buffer_while_offline=False)
            self.dispatcher.send(event, uuid=self.uuid, **fields)
        except Exception as exc:  # noqa: BLE001 (any broker or connection error: the crawl goes on)
            self.broken = True
            log.warning("cannot send the crawl's task events (Flower will not show it): %s", exc)

    def received(self) -> None:
        self.began = time.time()
        self.send("task-received", name=self.name, args=json.dumps(self.args), kwargs=json.dumps(self.kwargs),
                  retries=0, eta=None, expires=None, root_id=self.uuid, parent_id=None,
                  queue=self.queue, routing_key=self.queue, exchange=self.queue)
        self.send("task-started")

    def succeeded(self, result) -> None:
        self.send("task-succeeded", result=json.dumps(result, default=str)[:2000],
                  runtime=time.time() - self.began)

    def failed(self, exc: BaseException) -> None:
        self.send("task-failed", exception=f"{type(exc).__name__}({exc!s})",
                  traceback="".join(traceback.format_exception(exc))[-4000:])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.dispatcher is not None:
                self.dispatcher.close()
        with contextlib.suppress(Exception):
            self.app.close()


@contextlib.contextmanager
def reported_as_task(name: str, args: list, kwargs: dict | None = None) -> Iterator[TaskEvents]:
    """Around work done here: task-received and task-started now, task-succeeded (with what the block
    gave to `events.result`) or task-failed (the exception, re-raised) at the end."""
    events = TaskEvents(name, args, kwargs)
    events.result = None
    events.received()
    try:
        yield events
    except BaseException as exc:
        events.failed(exc)
        raise
    else:
        events.succeeded(events.result)
    finally:
        events.close()


def crawl_reported(site: str, refetch: bool = False) -> contextlib.AbstractContextManager[TaskEvents]:
    """A crawl run from the command line, reported as a `newssieve.crawl_site` task."""
    return reported_as_task(CRAWL_SITE, [site], {"refetch": refetch} if refetch else {})
