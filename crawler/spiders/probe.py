"""What the dry-run spiders share (`crawler.discover`, `crawler.check`): fetch, read, report, store nothing.

A probe spider reads listings whole (crawler.listings), reports each step as a JSON line on
stdout (crawler.extensions.emit), and works in stages: when the engine runs dry
(`spider_idle`), `next_stage()` may hand it more requests (pages to look at, sample
articles). It runs with the crawler's own settings (robots.txt, AutoThrottle, timeouts,
size limits, offsite and address policy); the pipeline and the Redis-backed middlewares are
off (crawler.probe_run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse

from crawler.documents import DocumentError
from crawler.extensions import emit
from crawler.listings import Listing, read_listing
from crawler.report import Handled, describe_failure
from newssieve.canonical import canonicalize
from newssieve.sites import Site

if TYPE_CHECKING:
    from twisted.python.failure import Failure

LISTING_KINDS = ("feed", "sitemap", "robots")
SAMPLE_HTML_MAX = 2 * 1024 * 1024
MAX_LINKS = 1000


class ProbeSpider(scrapy.Spider):
    """Base of the dry-run spiders. Subclasses set `self.site` and define `next_stage()`."""

    site: Site

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    def record(self, event: str, **data: Any) -> None:
        """Report one finding on stdout (the parent reads it back)."""
        emit(event, **data)

    def request(self, url: str, kind: str, callback, **meta: Any) -> scrapy.Request:
        meta["ns_kind"] = kind
        if kind in LISTING_KINDS:
            meta["download_maxsize"] = self._listing_max()
        if kind == "robots":
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, callback=callback, errback=self._failed, meta=meta, dont_filter=True)

    def _listing_max(self) -> int:
        return self.settings.getint("SITEMAP_MAX_BYTES", 50 * 1024 * 1024)

    def read(self, response, wanted=None) -> Listing:
        """The listing a response holds (DocumentError when none)."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        return read_listing(response.body, response.url, content_type, self._listing_max(), wanted)

    def links_of(self, response) -> list[str]:
        """The on-site links of an HTML page, canonical, in page order (at most MAX_LINKS)."""
        seen: dict[str, None] = {}
        for href in response.xpath("//a/@href").getall():
            url = canonicalize(response.urljoin(href.strip()))
            if url.startswith(("http://", "https://")) and self.site.allows_url(url):
                seen.setdefault(url.split("#", 1)[0])
            if len(seen) >= MAX_LINKS:
                break
        return list(seen)

    @staticmethod
    def is_html(response) -> bool:
        content_type = (response.headers.get(b"Content-Type", b"") or b"").lower()
        return isinstance(response, HtmlResponse) and (
            not content_type or b"text/html" in content_type or b"xhtml" in content_type)

    def sample(self, url: str, source: str | None = None) -> scrapy.Request:
        return self.request(url, "sample", self._sampled, ns_source=source)

    def _sampled(self, response) -> None:
        if not self.is_html(response):
            shown = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
            self.record("sample", url=response.url, error=f"not an HTML page (Content-Type: {shown})")
            return
        self.record("sample", url=response.url, status=response.status,
                    html=response.text[:SAMPLE_HTML_MAX])

    def _failed(self, failure: Failure) -> None:
        if isinstance(failure.value, Handled):
            return
        kind, reason = describe_failure(failure)
        self.failed(failure.request, kind, reason)

    def failed(self, request, kind: str, reason: str) -> None:
        """A request that failed (HTTP error, timeout, refused address, robots.txt...)."""
        if request.meta.get("ns_kind") == "sample":
            self.record("sample", url=request.url, error=reason)

    def listing_error(self, response, exc: DocumentError) -> None:
        self.failed(response.request, exc.kind, exc.reason)

    def next_stage(self) -> list[scrapy.Request] | None:
        """Requests for the next stage, [] for a stage with none, None when there is no stage left."""
        return None

    def _on_idle(self) -> None:
        while (requests := self.next_stage()) is not None:
            if requests:
                for request in requests:
                    self.crawler.engine.crawl(request)
                raise DontCloseSpider
