"""Downloader middlewares, each doing one thing and counting what it let through and what it dropped.

Request meta set by the spider:
  ns_kind    "feed" | "sitemap" | "robots" (listing documents), "page" (followed links), "article"
  ns_source  URL of the listing document or page that pointed at this one
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message
from w3lib.url import safe_url_string

from crawler.addresses import ALLOW_PRIVATE_SETTING, NonPublicAddress, refusal_for, refuse_unless_public
from crawler.report import CrawlReport, Handled
from crawler.state import article_stored
from newssieve.canonical import canonicalize

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

LISTING_KINDS = frozenset({"feed", "sitemap", "robots"})
PAGE_KINDS = frozenset({"page", "article"})


class _Base:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider

    @property
    def report(self) -> CrawlReport:
        return CrawlReport.of(self.crawler)


class SiteOffsiteMiddleware(_Base):
    """Drops every request outside the site's domains (host:port aware), redirects included.

    A redirect off the site is an error of the page that redirected; any other
    off-site request is only counted (the spider filters links itself).
    """

    def process_request(self, request: Request):
        site = getattr(self.spider, "site", None)
        if site is None or site.allows_url(request.url):
            return None
        redirects = request.meta.get("redirect_urls")
        if redirects:
            self.stats.inc_value("newssieve/offsite/redirects")
            self.report.error(redirects[0], "offsite_redirect", f"redirected off the site to {request.url}")
        else:
            self.stats.inc_value("newssieve/offsite/requests")
        raise Handled(f"off the site: {request.url}")


class RedirectTargetMiddleware(_Base):
    """Reports a redirect that Scrapy's RedirectMiddleware would not follow, for what it is.

    Placed just after it (so it sees the response first): a Location that is not http(s) (file:,
    ftp:, gopher:, javascript:) or is missing would otherwise reach the spider as "HTTP 302", or
    as a ValueError for a URL Scrapy cannot even make a request of.
    """

    STATUSES = frozenset({301, 302, 303, 307, 308})

    def process_response(self, request: Request, response: Response):
        meta = request.meta
        if (
            response.status not in self.STATUSES
            or meta.get("dont_redirect")
            or meta.get("handle_httpstatus_all")
            or response.status in meta.get("handle_httpstatus_list", ())
        ):
            return response
        location = response.headers.get(b"Location")
        if location is None or not location.strip():
            kind, reason = "bad_redirect", f"HTTP {response.status} redirect without a Location"
        else:
            target = _redirect_target(request.url, location)
            if urlsplit(target).scheme.lower() in ("http", "https"):
                return response
            self.stats.inc_value("newssieve/offsite/redirects")
            kind, reason = "offsite_redirect", f"redirect to a non-http(s) URL, not followed: {target[:300]}"
        if meta.get("ns_kind") in LISTING_KINDS:
            reason = f"{meta['ns_kind']}: {reason}"
        self.report.error(request.url, kind, reason)
        raise Handled(reason)


def _redirect_target(url: str, location: bytes) -> str:
    """The URL a Location header names, read as Scrapy's RedirectMiddleware reads it."""
    target = safe_url_string(location.decode("latin-1").strip())
    if target.startswith("//"):
        target = f"{urlsplit(url).scheme}:{target}"
    return urljoin(url, target)


class AddressPolicyMiddleware(_Base):
    """Refuses, before download, a URL whose host is a non-public IP literal (see crawler.addresses).

    Host names are checked where they resolve; an IP literal is never resolved, so it is checked here.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.allow_private = crawler.settings.getbool(ALLOW_PRIVATE_SETTING)

    def process_request(self, request: Request):
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname or ""
        try:
            refuse_unless_public(host, host)
        except NonPublicAddress as exc:
            self.stats.inc_value("newssieve/refused_addresses")
            self.report.error(request.url, "refused_address", str(exc))
            raise Handled(str(exc)) from None
        return None


class KnownArticleMiddleware(_Base):
    """Skips, before download, an article whose canonical URL is already stored (unless refetching)."""

    async def process_request(self, request: Request):
        if request.meta.get("ns_kind") != "article" or getattr(self.spider, "refetch", False):
            return None
        if request.meta.get("ns_known_checked"):
            return None
        request.meta["ns_known_checked"] = True
        if await article_stored(canonicalize(request.url)):
            self.stats.inc_value("newssieve/articles_known")
            raise Handled(f"already stored: {request.url}")
        return None


class PageBudgetMiddleware(_Base):
    """Lets at most the site's `max_pages` pages (articles and followed pages) reach the downloader."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.used = 0

    def process_request(self, request: Request):
        if request.meta.get("ns_kind") not in PAGE_KINDS or request.meta.get("ns_budgeted"):
            return None
        site = getattr(self.spider, "site", None)
        limit = site.max_pages if site is not None else 0
        if limit and self.used >= limit:
            self.stats.inc_value("newssieve/over_budget")
            if self.stats.get_value("newssieve/over_budget") == 1:
                logger.info("max_pages (%d) reached; further pages are left for the next run", limit)
            self.spider.validators.forget(request.meta.get("ns_source"))
            raise Handled(f"max_pages reached: {request.url}")
        self.used += 1
        request.meta["ns_budgeted"] = True
        return None

    def process_response(self, request: Request, response: Response):
        if request.meta.get("ns_kind") in PAGE_KINDS:
            self.stats.inc_value("newssieve/pages")
        return response


class ConditionalGetMiddleware(_Base):
    """Conditional GET for feeds and sitemaps: sends the stored validators, counts 304s."""

    async def process_request(self, request: Request):
        if request.meta.get("ns_kind") not in LISTING_KINDS or "ns_cached" in request.meta:
            return None
        if getattr(self.spider, "refetch", False):
            request.meta["ns_cached"] = {}
            return None
        record = await self.spider.validators.get(request.url)
        request.meta["ns_cached"] = record
        if record.get("etag"):
            request.headers["If-None-Match"] = record["etag"]
        if record.get("last_modified"):
            request.headers["If-Modified-Since"] = record["last_modified"]
        if record.get("etag") or record.get("last_modified"):
            self.stats.inc_value("newssieve/conditional/sent")
        return None

    def process_response(self, request: Request, response: Response):
        if request.meta.get("ns_kind") in LISTING_KINDS:
            self.stats.inc_value("newssieve/listings")
            if response.status == 304:
                self.stats.inc_value("newssieve/not_modified")
            elif 200 <= response.status < 300:
                self.stats.inc_value("newssieve/conditional/modified")
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (5xx, 408, 429, timeouts, dropped connections), waiting between tries.

    The wait doubles each try from RETRY_BACKOFF_BASE up to RETRY_BACKOFF_MAX
    seconds, with jitter; a Retry-After header (seconds or a date) is honoured
    within the same cap.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    def _delay(self, retry_times: int, response: Response | None = None) -> float:
        delay = min(self.backoff_max, self.backoff_base * (2 ** max(0, retry_times - 1)))
        delay *= random.uniform(0.75, 1.25)
        if response is not None:
            header = response.headers.get(b"Retry-After")
            if header:
                delay = max(delay, _retry_after_seconds(header.decode("latin-1")))
        return max(0.0, min(delay, self.backoff_max))

    async def process_response(self, request: Request, response: Response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        new_request = self._retry(request, response_status_message(response.status))
        if new_request is None:
            return response
        await self._wait(new_request, response)
        return new_request

    async def process_exception(self, request: Request, exception: Exception):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        if refusal_for(request.url):  # a refused address stays refused
            return None
        new_request = self._retry(request, exception)
        if new_request is not None:
            await self._wait(new_request, None)
        return new_request

    async def _wait(self, new_request: Request, response: Response | None) -> None:
        delay = self._delay(new_request.meta.get("retry_times", 1), response)
        if delay > 0:
            self.crawler.stats.inc_value("newssieve/retry/backoff_seconds", delay)
            await asyncio.sleep(delay)


def _retry_after_seconds(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())
