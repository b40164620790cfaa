"""Scrapy extensions: progress lines for the parent process, and bugs recorded as errors."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.report import CrawlReport
from crawler.summary import counts

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def emit(event: str, **data) -> None:
    """One JSON line on stdout: the channel from the crawl's child process to its parent."""
    sys.stdout.write(json.dumps({"event": event, **data}, default=str) + "\n")
    sys.stdout.flush()


class ProgressReporter:
    """Every NEWSSIEVE_PROGRESS_INTERVAL seconds, a `progress` line with the running counts."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        interval = crawler.settings.getfloat("NEWSSIEVE_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=True)

    def tick(self) -> None:
        emit(
            "progress",
            site=getattr(self.crawler.spider, "site_name", None),
            **counts(self.crawler.stats.get_stats()),
        )

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()


class ErrorsRecorder:
    """Exceptions raised by the spider's callbacks or the pipeline become recorded errors."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        return ext

    def spider_error(self, failure, response, spider) -> None:
        CrawlReport.of(self.crawler).error(
            response.url, "crawler_bug", f"spider callback failed: {failure.getErrorMessage()}"
        )

    def item_error(self, item, response, spider, failure) -> None:
        url = getattr(item, "url", None) or (response.url if response is not None else "?")
        CrawlReport.of(self.crawler).error(
            url, "crawler_bug", f"pipeline failed: {failure.getErrorMessage()}"
        )
