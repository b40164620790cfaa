"""What went wrong in a crawl: every problem counted by kind, the first ones kept with URL and reason.

One `CrawlReport` per crawler (`CrawlReport.of(crawler)`); counts live in the
crawler's stats under `newssieve/errors/<kind>` so they show up with the rest
of Scrapy's stats, and the summary reads them back.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors

from crawler.addresses import refusal_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 100
STATS_PREFIX = "newssieve/errors/"
# Failures worth another try on the next run: the listing document that pointed at the page
# must be read again then, even if it has not changed.
TRANSIENT_KINDS = frozenset({"http_5xx", "timeout", "connection", "enqueue", "over_budget", "interrupted"})


class Handled(IgnoreRequest):
    """A request a newssieve middleware dropped and already accounted for (no error to record)."""


class CrawlReport:
    def __init__(self, crawler: Crawler, limit: int = MAX_ERRORS_KEPT):
        self.crawler = crawler
        self.limit = limit
        self.errors: list[dict[str, str]] = []

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlReport:
        report = getattr(crawler, "_newssieve_report", None)
        if report is None:
            report = cls(crawler)
            crawler._newssieve_report = report
        return report

    def error(self, url: str, kind: str, reason: str) -> None:
        self.crawler.stats.inc_value(STATS_PREFIX + kind)
        self.crawler.stats.inc_value("newssieve/errors_total")
        if len(self.errors) < self.limit:
            self.errors.append({"url": url, "reason": reason, "kind": kind})
        logger.warning("%s: %s", url, reason)

    def counts(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        return {
            key[len(STATS_PREFIX) :]: value
            for key, value in sorted(stats.items())
            if key.startswith(STATS_PREFIX)
        }


def describe_failure(failure: Failure) -> tuple[str, str]:
    """(kind, reason) for a failed request."""
    exc = failure.value
    request = getattr(failure, "request", None)
    refused = refusal_for(request.url) if request is not None else None
    if refused is not None:
        return "refused_address", refused
    if isinstance(exc, HttpError):
        status = exc.response.status
        kind = "http_5xx" if status >= 500 or status in (408, 429) else "http_4xx"
        return kind, f"HTTP {status}"
    if isinstance(exc, DownloadTimeoutError | twisted_errors.TimeoutError):
        return "timeout", f"timed out: {exc}"
    if isinstance(exc, DownloadCancelledError):
        return "too_large", f"download cancelled, over the size limit: {exc}"
    if isinstance(
        exc,
        DownloadConnectionRefusedError
        | CannotResolveHostError
        | DownloadFailedError
        | ResponseDataLossError
        | twisted_errors.ConnectError
        | twisted_errors.ConnectionLost
        | twisted_errors.ConnectionDone,
    ):
        return "connection", f"connection failed: {type(exc).__name__}: {exc}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "robots", "forbidden by robots.txt"
        if "DOWNLOAD_MAXSIZE" in text or "max size" in text:
            return "too_large", f"over the size limit: {text}"
        return "ignored", text or "request ignored"
    return "other", f"{type(exc).__name__}: {exc}"

