"""The crawl's hand-off process: batches of pages go to the process queue from a process of their own.

Sending a batch (filing its pages as pending, serialising its messages, publishing them) is Python
work. In a thread of the crawl process it held the GIL, and the reactor waited for it: on a fast
local site (`bench/crawl.py`) the crawl reached 0.64-0.74x plain Scrapy's pages/s, and 0.90-0.93x
with the sending skipped. In a process of its own the sending runs on another core; the crawl process
only writes the batch's pages into a pipe.

The pipe carries `Page` objects this process pickles for its own child (multiprocessing's
protocol): never bytes read from Redis or the network. The child is started with `spawn` (the crawl
process runs a reactor and threads, whose locks a fork would copy mid-use), ends when the crawl
closes it or as soon as its parent is gone, and is replaced if it dies: the batch it held fails (its
pages are reported, and tried again next run) and the next batch starts a new one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from newssieve.models import Page

_child: dict = {}
"""In the child: its Celery app and pending pages, made once by _start_child."""


def _start_child(parent: int) -> None:
    from crawler.run import exit_with_parent
    from newssieve.store.pending import PendingPages
    from newssieve.taskqueue import make_celery

    exit_with_parent(parent=parent)  # the crawl may have died while this process started
    _child["app"] = make_celery("newssieve-crawler")
    _child["pending"] = PendingPages()


def _send_in_child(pages: list[Page]) -> None:
    from newssieve.store.pending import send_pages

    send_pages(_child["app"], pages, _child["pending"])


def _ready() -> None:
    """A call that does nothing: submitted at start, so that the child starts while the crawl reads
    its listings."""


class HandoffProcess:
    """Sends batches of pages with `newssieve.store.pending.send_pages` in a child process, one at a time."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        self._pool().submit(_ready)

    async def send(self, pages: list[Page]) -> None:
        """Returns once every page is filed as pending and queued; raises what sending raised."""
        pool = self._pool()
        try:
            await asyncio.get_running_loop().run_in_executor(pool, _send_in_child, pages)
        except BrokenProcessPool:
            self.pool = None  # the child died: the next batch gets a new one
            pool.shutdown(wait=False)
            raise

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start_child, initargs=(os.getpid(),))
        return self.pool
