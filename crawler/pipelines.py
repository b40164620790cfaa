"""The item pipeline (Scrapy's): each fetched article `Page` goes to the process queue as a Celery task,
by name.

The crawler never imports `workers`. Sending happens in a thread (a small
pool of its own, awaited from the reactor's asyncio loop, like
`asyncio.to_thread`) so a slow or dead broker never blocks the reactor;
the broker's socket timeouts (set in `newssieve.taskqueue`) and a short retry
policy bound how long one send can take. A page that cannot be sent is
recorded as an error with its URL and reason, and its listing document is
read in full on the next run, so the page is tried again.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from crawler.items import FetchedPage
from crawler.report import CrawlReport
from crawler.state import article_stored
from newssieve.models import Page
from newssieve.store.pending import PendingPages, send_page
from newssieve.taskqueue import make_celery

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class EnqueuePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.app = None
        self.pending: PendingPages | None = None
        self.executor: ThreadPoolExecutor | None = None
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.app = make_celery("newssieve-crawler")
        self.pending = PendingPages()
        # Few threads: sending is mostly Python (serialising), more threads only fight over the GIL.
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="enqueue")

    def close_spider(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
        if self.app is not None:
            self.app.close()

    def _send(self, page: Page) -> None:
        send_page(self.app, page, self.pending)

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
            stored = await article_stored(page.canonical_url)
            if stored and not refetch:
                # Known only once downloaded: the page's rel=canonical names a stored article.
                self.stats.inc_value("newssieve/articles_known_after_download")
                raise DropItem(f"already stored: {page.canonical_url}")

        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, self._send, page)
        except Exception as exc:  # any broker failure: record it, never drop silently
            CrawlReport.of(self.crawler).error(
                page.url, "enqueue", f"could not enqueue for processing: {type(exc).__name__}: {exc}"
            )
            spider.validators.forget(item.source)
            raise DropItem(f"could not enqueue {page.url}") from exc
        self.stats.inc_value("newssieve/articles_refetched" if stored else "newssieve/articles_new")
        return item
