"""One config-driven spider for any site in the sites file.

Ways in (any mix, from the site's entry):
  feeds      RSS or Atom; every entry link that matches an `article` regex is fetched.
  sitemaps   sitemaps, sitemap indexes (gzip'd or not), Google News sitemaps, or a
             robots.txt whose `Sitemap:` lines name them.
  start_urls pages whose links are followed: a link matching an `article` regex is an
             article; any other on-site link is followed when `follow.allow` (if given)
             matches and `follow.deny` does not, up to `follow.depth` hops from a start
             URL. Articles linked from any followed page are fetched; `follow.deny`
             applies to articles too.

Every URL is canonicalised before it is requested, so the dupe filter, the
known-article check and the article id agree. Fetching only: the spider yields
a `FetchedPage` item (crawler.items) for each article page, and the item pipeline
(crawler.pipelines) hands its `Page` on to the process queue.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.documents import DocumentError, maybe_gunzip, parse_feed, parse_sitemap, robots_sitemaps
from crawler.items import FetchedPage
from crawler.report import TRANSIENT_KINDS, CrawlReport, Handled, describe_failure
from crawler.state import ValidatorStore
from newssieve.canonical import canonicalize, find_canonical_links, page_canonical
from newssieve.models import Page
from newssieve.sites import Site

if TYPE_CHECKING:
    from twisted.python.failure import Failure

PRIORITY = {"robots": 300, "sitemap": 200, "feed": 200, "page": 100, "article": 0}
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(
        self, site: Site | str | None = None, refetch: bool | str = False, sites_path=None, **kwargs
    ):
        super().__init__(**kwargs)
        if site is None:
            raise ValueError("SiteSpider needs a site (a Site or the name of one in the sites file)")
        if isinstance(site, str):
            from newssieve.sites import load_sites

            site = load_sites(sites_path).site(site)
        self.site: Site = site
        self.site_name = site.name
        self.refetch = refetch in (True, "1", "true", "yes")
        self.deny = [re.compile(p) for p in site.follow.deny]
        self.allow = [re.compile(p) for p in site.follow.allow]
        self.validators = ValidatorStore()
        self.link_extractor = LinkExtractor(unique=True)

    # -- setup ---------------------------------------------------------------------------------

    @property
    def report(self) -> CrawlReport:
        return CrawlReport.of(self.crawler)

    def _sitemap_max(self) -> int:
        return self.settings.getint("SITEMAP_MAX_BYTES", 50 * 1024 * 1024)

    def request(self, url: str, kind: str, source: str | None = None, depth: int = 0, **meta: Any):
        meta.update(ns_kind=kind, ns_source=source, ns_depth=depth)
        if kind in ("feed", "sitemap", "robots"):
            meta["handle_httpstatus_list"] = [304]
            meta["download_maxsize"] = self._sitemap_max()
        if kind == "robots":
            meta["dont_obey_robotstxt"] = True
        callback = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "robots": self.parse_robots,
            "page": self.parse_page,
            "article": self.parse_article,
        }[kind]
        priority = PRIORITY[kind]
        if kind == "article":
            # Newest first within the articles, so max_pages keeps the most recent ones.
            priority += _recency(meta.get("ns_published"))
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, priority=priority)

    async def start(self):
        site = self.site
        for url in site.feeds:
            yield self.request(canonicalize(url), "feed")
        for url in site.sitemaps:
            kind = "robots" if url.rstrip("/").lower().endswith("/robots.txt") else "sitemap"
            yield self.request(canonicalize(url), kind)
        for url in site.start_urls:
            url = canonicalize(url)
            kind = "article" if site.is_article_url(url) else "page"
            yield self.request(url, kind, depth=0, dont_filter=True)

    # -- discovered URLs -----------------------------------------------------------------------

    def discovered(self, raw_url: str, base: str, source: str, published: str | None = None):
        """A request for a URL a feed or sitemap lists, or None (counted) if it is not wanted."""
        url = canonicalize(urljoin(base, raw_url.strip()))
        if not url.startswith(("http://", "https://")):
            self.crawler.stats.inc_value("newssieve/links/not_http")
            return None
        if not self.site.allows_url(url):
            self.crawler.stats.inc_value("newssieve/links/offsite")
            return None
        if any(p.search(url) for p in self.deny):
            self.crawler.stats.inc_value("newssieve/links/denied")
            return None
        if not self.site.is_article_url(url):
            self.crawler.stats.inc_value("newssieve/links/not_article")
            return None
        return self.request(url, "article", source=source, ns_published=published)

    def followed(self, url: str, source: str, depth: int):
        """A request for a link found on a page, or None."""
        url = canonicalize(url)
        if not url.startswith(("http://", "https://")) or not self.site.allows_url(url):
            self.crawler.stats.inc_value("newssieve/links/offsite")
            return None
        if any(p.search(url) for p in self.deny):
            self.crawler.stats.inc_value("newssieve/links/denied")
            return None
        if self.site.is_article_url(url):
            if depth - 1 <= self.site.follow.depth:
                return self.request(url, "article", source=source, depth=depth)
            return None
        if depth > self.site.follow.depth:
            return None
        if self.allow and not any(p.search(url) for p in self.allow):
            self.crawler.stats.inc_value("newssieve/links/not_allowed")
            return None
        return self.request(url, "page", source=source, depth=depth)

    def _not_modified(self, response):
        """A 304: keep the stored validators, and for an index or robots.txt re-list its children."""
        cached = response.meta.get("ns_cached") or {}
        headers = {"etag": cached.get("etag", ""), "last-modified": cached.get("last_modified", "")}
        links = None
        if "links" in cached:
            import json

            links = json.loads(cached["links"])
        self.validators.remember(response.url, headers, links)
        return links or []

    @staticmethod
    def _headers(response) -> dict[str, str]:
        return {
            key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        }

    def _document_error(self, response, exc: DocumentError) -> None:
        self.report.error(response.url, exc.kind, exc.reason)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_feed(self, response):
        if response.status == 304:
            self._not_modified(response)
            return
        try:
            body = maybe_gunzip(response.body, self._sitemap_max())
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
            feed = parse_feed(body, response.url, content_type)
        except DocumentError as exc:
            self._document_error(response, exc)
            return
        if feed.bozo:
            self.crawler.stats.inc_value("newssieve/feeds/lenient")
        yield from self._listed(response, feed.links, "newssieve/feeds/entries")

    def parse_sitemap(self, response):
        if response.status == 304:
            for url in self._not_modified(response):
                yield self.request(url, "sitemap", source=response.url)
            return
        try:
            body = maybe_gunzip(response.body, self._sitemap_max())
            sitemap = parse_sitemap(body)
        except DocumentError as exc:
            if exc.kind == "not_sitemap":  # a feed listed as a sitemap: read it as one
                yield from self.parse_feed(response)
                return
            self._document_error(response, exc)
            return
        if sitemap.kind == "index":
            children = []
            for link in sitemap.links:
                url = canonicalize(urljoin(response.url, link.url))
                if self.site.allows_url(url):
                    children.append(url)
                else:
                    self.crawler.stats.inc_value("newssieve/links/offsite")
            self.crawler.stats.inc_value("newssieve/sitemaps/children", len(children))
            self.validators.remember(response.url, self._headers(response), children)
            for url in children:
                yield self.request(url, "sitemap", source=response.url)
            return
        yield from self._listed(response, sitemap.links, "newssieve/sitemaps/entries")

    def _listed(self, response, links, stat: str):
        """Requests for the articles a feed or sitemap lists; its validators are remembered for the
        next run's conditional GET."""
        self.crawler.stats.inc_value(stat, len(links))
        requests = [self.discovered(link.url, response.url, response.url, link.published) for link in links]
        self.validators.remember(response.url, self._headers(response))
        yield from (r for r in requests if r is not None)

    def parse_robots(self, response):
        if response.status == 304:
            urls = self._not_modified(response)
        else:
            urls = []
            for url in robots_sitemaps(
                response.text if hasattr(response, "text") else response.body.decode()
            ):
                url = canonicalize(urljoin(response.url, url))
                if self.site.allows_url(url):
                    urls.append(url)
                else:
                    self.crawler.stats.inc_value("newssieve/links/offsite")
            if not urls:
                self.report.error(response.url, "no_sitemaps", "robots.txt names no sitemap on the site")
            self.validators.remember(response.url, self._headers(response), urls)
        for url in urls:
            yield self.request(url, "sitemap", source=response.url)

    def _html_or_error(self, response) -> bool:
        content_type = response.headers.get(b"Content-Type", b"") or b""
        if isinstance(response, HtmlResponse) and (
            not content_type or any(t in content_type.lower() for t in HTML_TYPES)
        ):
            return True
        shown = content_type.decode("latin-1") or type(response).__name__
        self.report.error(response.url, "non_html", f"not an HTML page (Content-Type: {shown})")
        return False

    def _links(self, response):
        depth = response.meta.get("ns_depth", 0) + 1
        for link in self.link_extractor.extract_links(response):
            request = self.followed(link.url, response.url, depth)
            if request is not None:
                yield request

    def parse_page(self, response):
        if not self._html_or_error(response):
            return
        yield from self._links(response)

    def parse_article(self, response):
        if not self._html_or_error(response):
            return
        html = response.text
        canonical_href, og_url = find_canonical_links(html)
        base = response.urljoin("")  # honours <base href>
        canonical = page_canonical(response.url, canonical_href, og_url, self.site.allows_url, base)
        if not (self.site.is_article_url(response.url) or self.site.is_article_url(canonical)):
            # Redirected (on the site) to something that is not an article.
            self.crawler.stats.inc_value("newssieve/not_article_after_redirect")
        else:
            headers = self._headers(response)
            published = response.meta.get("ns_published")
            if published:
                headers.setdefault("x-newssieve-listed-published", published)
            page = Page(
                url=response.url,
                canonical_url=canonical,
                site=self.site.name,
                html=html,
                status=response.status,
                headers=headers,
                fetched_at=time.time(),
            )
            checked = bool(response.meta.get("ns_known_checked")) and canonical == canonicalize(
                response.request.url
            )
            yield FetchedPage(page, source=response.meta.get("ns_source"), checked_unknown=checked)
        if self.site.start_urls:
            yield from self._links(response)

    def on_error(self, failure: Failure):
        request = failure.request
        if isinstance(failure.value, Handled):
            return
        kind, reason = describe_failure(failure)
        if kind == "robots":  # obeyed, not a fault: sites routinely link to pages robots.txt keeps us from
            self.crawler.stats.inc_value("newssieve/robots_forbidden")
            return
        what = request.meta.get("ns_kind", "page")
        if what in ("feed", "sitemap", "robots"):
            reason = f"{what}: {reason}"
        self.report.error(request.url, kind, reason)
        if kind in TRANSIENT_KINDS:
            self.validators.forget(request.meta.get("ns_source"))
            if what in ("feed", "sitemap", "robots"):
                self.validators.forget(request.url)

    def closed(self, reason: str) -> None:
        try:
            result = self.validators.flush(finished=reason == "finished")
        except Exception as exc:  # Redis gone at the very end: the next run reads everything again
            self.report.error("redis", "state", f"could not save feed/sitemap validators: {exc}")
            return
        self.crawler.stats.set_value("newssieve/validators/saved", result["saved"])
        self.crawler.stats.set_value("newssieve/validators/dropped", result["dropped"])


def _recency(published: str | None) -> int:
    """0..99: higher for a more recent listed publication date (one step a day, 99 days back)."""
    if not published:
        return 0
    try:
        when = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return 0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    age_days = (datetime.now(UTC) - when).days
    return max(0, min(99, 99 - age_days))
