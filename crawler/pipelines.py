"""The item pipeline (Scrapy's): each fetched article `Page` goes to the process queue as a Celery task,
by name.

The crawler never imports `workers`. Pages are handed off in batches, group-commit style: an item
joins the next batch and goes on (it waits for its batch only when BACKLOG pages are waiting
already); one batch is on its way at a time, and the items that arrive meanwhile make up the next
one. A batch goes once it has DEEP pages (which send_pages sends several to a message) or its first
page has waited LINGER seconds, so a slow crawl hands its pages off one by one and a fast one in
batches. A batch is filed as pending and queued by `send_pages` (the pending pages in one round
trip, then the messages) in a process of the crawl's own (`crawler.handoff`), awaited from the
reactor's asyncio loop, so neither a slow or dead broker nor the sending's own work blocks the
reactor; the broker's socket timeouts (set in `newssieve.taskqueue`) and a short retry policy bound
how long one send can take.
Pages whose canonical URL was not looked up before download are looked up the same way, a batch in
one pipelined round trip.

At least once, as before: a page is filed as pending before its message is sent (send_pages), it
counts as new only once its batch is sent, and a crawl does not close while a batch waits
(`close_spider` sends whatever is left, without lingering). A page that cannot be sent is recorded as
an error with its URL and reason, and its listing document is read in full on the next run, so the
page is tried again (every page of a batch that failed: some may have been queued, which is harmless,
processing being idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from scrapy.exceptions import DropItem

from crawler.handoff import HandoffProcess
from crawler.items import FetchedPage
from crawler.report import CrawlReport
from crawler.state import stored_among
from newssieve.store.pending import DEEP

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MAX_BATCH = 64
"""Pages in one hand-off at most (send_pages puts them BATCH_PAGES to a message)."""
BACKLOG = 4 * MAX_BATCH
"""Pages passed on before their batch is sent, at most: an item goes on as soon as it joins a batch, so
that the reactor does not wait for the hand-off, unless this many are already waiting (a slow or
stalled broker), when it waits for its batch, so that a crawl holds back instead of piling pages up."""
LINGER = 0.1
"""Seconds a page may wait for others to make up a batch that send_pages sends several to a message
(DEEP pages): a slow crawl sends its pages one by one, a fast one in batches."""

T = TypeVar("T")
R = TypeVar("R")


class GroupBatcher(Generic[T, R]):
    """Calls `handle` on batches of the values given to `submit`, one batch at a time: values that
    arrive while a batch is handled form the next one (at most `max_batch` each). A batch starts once
    it has `min_batch` values or its first value has waited `linger` seconds (or at once, while
    draining). `submit` returns what `handle` answered for the value (handle returns one answer per
    value, in order), or raises what it raised."""

    def __init__(self, handle: Callable[[list[T]], Awaitable[list[R]]], min_batch: int = 1,
                 linger: float = 0.0, max_batch: int = MAX_BATCH):
        self.handle = handle
        self.min_batch, self.linger, self.max_batch = min_batch, linger, max_batch
        self.waiting: list[tuple[T, asyncio.Future, float]] = []
        self.running: asyncio.Task | None = None
        self.enough = asyncio.Event()
        self.draining = False

    async def submit(self, value: T) -> R:
        return await self.add(value)

    def add(self, value: T) -> asyncio.Future:
        """`submit` without waiting: the future of the value's answer."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.waiting.append((value, future, loop.time()))
        if len(self.waiting) >= self.min_batch:
            self.enough.set()
        if self.running is None or self.running.done():
            self.running = asyncio.ensure_future(self._drain())
        return future

    async def drain(self) -> None:
        """Hand every value submitted so far, without lingering."""
        self.draining = True
        self.enough.set()
        while self.waiting or (self.running is not None and not self.running.done()):
            if self.running is None or self.running.done():
                self.running = asyncio.ensure_future(self._drain())
            await asyncio.shield(self.running)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self.waiting:
            due = self.waiting[0][2] + self.linger
            if len(self.waiting) < self.min_batch and not self.draining and loop.time() < due:
                self.enough.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.enough.wait(), due - loop.time())
                continue
            batch, self.waiting = self.waiting[:self.max_batch], self.waiting[self.max_batch:]
            try:
                answers = await self.handle([value for value, _, _ in batch])
            except Exception as exc:  # every value of the batch fails with it
                for _, future, _ in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            except BaseException:  # cancelled (the reactor stopping): so are the values
                for _, future, _ in batch:
                    future.cancel()
                raise
            for (_, future, _), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)


class EnqueuePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.handoff = HandoffProcess()
        self.seen: set[str] = set()
        # (item, whether its page is a stored article fetched again) in batches
        self.sends: GroupBatcher[tuple[FetchedPage, bool], None] = GroupBatcher(self._send, min_batch=DEEP,
                                                                                 linger=LINGER)
        self.in_hand = 0  # pages passed on whose batch is not sent yet
        self.lookups = GroupBatcher(self._stored)

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.handoff.start()

    async def close_spider(self) -> None:
        await self.sends.drain()  # the batches of the items passed on, sent now without lingering
        self.handoff.close()

    async def _send(self, batch: list[tuple[FetchedPage, bool]]) -> list[None]:
        """Send a batch; count its pages as new, or record an `enqueue` error for each (and forget its
        listing's validators, so that the next run reads the listing in full and tries it again)."""
        try:
            await self.handoff.send([item.page for item, _ in batch])
        except Exception as exc:  # any broker failure: record it, never drop silently
            for item, _ in batch:
                CrawlReport.of(self.crawler).error(
                    item.page.url, "enqueue", f"could not enqueue for processing: {type(exc).__name__}: {exc}"
                )
                self.crawler.spider.validators.forget(item.source)
        else:
            self.stats.inc_value("newssieve/enqueue_batches")
            for _, stored in batch:
                self.stats.inc_value("newssieve/articles_refetched" if stored else "newssieve/articles_new")
        finally:
            self.in_hand -= len(batch)
        return [None] * len(batch)

    @staticmethod
    async def _stored(urls: list[str]) -> list[bool]:
        found = await stored_among(urls)
        return [url in found for url in urls]

    async def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        page, spider = item.page, self.crawler.spider
        refetch = getattr(spider, "refetch", False)
        if page.canonical_url in self.seen:
            self.stats.inc_value("newssieve/articles_duplicate_in_run")
            raise DropItem(f"already handed off in this run: {page.canonical_url}")
        self.seen.add(page.canonical_url)

        stored = False
        if refetch or not item.checked_unknown:
            stored = await self.lookups.submit(page.canonical_url)
            if stored and not refetch:
                # Known only once downloaded: the page's rel=canonical names a stored article.
                self.stats.inc_value("newssieve/articles_known_after_download")
                raise DropItem(f"already stored: {page.canonical_url}")

        sent = self.sends.add((item, stored))
        self.in_hand += 1
        if self.in_hand > BACKLOG:
            await sent  # the hand-off is behind (a slow broker): hold the crawl back
        return item
