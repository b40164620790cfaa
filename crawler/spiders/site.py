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
known-article check and the article id agree. Listed articles not stored yet go through a
selection (crawler.selection): the newest `max_pages` of them are requested once every
listing is read, so a listing of any length costs the budget, not a request per entry.
Fetching only: the spider yields a `FetchedPage` item (crawler.items) for each article
page, and the item pipeline (crawler.pipelines) hands its `Page` on to the process queue.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.documents import DocumentError, Link, maybe_gunzip, parse_feed, robots_sitemaps, stream_sitemap
from crawler.items import FetchedPage
from crawler.report import TRANSIENT_KINDS, CrawlReport, Handled, describe_failure
from crawler.selection import Candidate, Newest, listed_key
from crawler.state import ValidatorStore, stored_among
from newssieve.canonical import canonicalize, find_canonical_links, page_canonical
from newssieve.models import Page
from newssieve.sites import Site
from newssieve.timespec import iso_timestamp

if TYPE_CHECKING:
    from twisted.python.failure import Failure

PRIORITY = {"robots": 300, "sitemap": 200, "feed": 200, "page": 100, "article": 0}
CHECK_BATCH = 1000
"""Listed URLs asked about ("already stored?") in one pipelined Redis round trip."""
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
        # Listed articles not stored yet, the newest max_pages of every listing read; requested when
        # the crawl has nothing else to do (every listing read), see _request_selected.
        self.selected = Newest(site.max_pages)
        self._listed_seq = itertools.count()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._request_selected, signal=signals.spider_idle)
        return spider

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

    def _wanted(self, raw_url: str, base: str) -> str | None:
        """The canonical URL of an article a feed or sitemap lists, or None (counted) if not wanted."""
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
        return url

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

    async def parse_feed(self, response) -> list:
        if response.status == 304:
            self._not_modified(response)
            return []
        try:
            body = maybe_gunzip(response.body, self._sitemap_max())
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
            feed = parse_feed(body, response.url, content_type)
        except DocumentError as exc:
            self._document_error(response, exc)
            return []
        if feed.bozo:
            self.crawler.stats.inc_value("newssieve/feeds/lenient")
        await self._listed(response, feed.links, "newssieve/feeds/entries")
        return []

    async def parse_sitemap(self, response) -> list:
        if response.status == 304:
            return [self.request(url, "sitemap", source=response.url) for url in self._not_modified(response)]
        try:
            body = maybe_gunzip(response.body, self._sitemap_max())
            sitemap = stream_sitemap(body)
            if sitemap.kind == "index":
                return self._sitemap_children(response, sitemap.links)
            await self._listed(response, sitemap.links, "newssieve/sitemaps/entries")
        except DocumentError as exc:
            if exc.kind == "not_sitemap":  # a feed listed as a sitemap: read it as one
                return await self.parse_feed(response)
            self._document_error(response, exc)
        return []

    def _sitemap_children(self, response, links: Iterable[Link]) -> list:
        children = []
        for link in links:
            url = canonicalize(urljoin(response.url, link.url))
            if self.site.allows_url(url):
                children.append(url)
            else:
                self.crawler.stats.inc_value("newssieve/links/offsite")
        self.crawler.stats.inc_value("newssieve/sitemaps/children", len(children))
        self.validators.remember(response.url, self._headers(response), children)
        return [self.request(url, "sitemap", source=response.url) for url in children]

    async def _listed(self, response, links: Iterable[Link], stat: str) -> None:
        """Offer the articles a feed or sitemap lists to the run's selection, reading the listing in
        batches (raises DocumentError if it turns out malformed: then none of it counts). Its
        validators are remembered for the next run's conditional GET, and forgotten if some of its
        articles are left over (the budget), so it is read in full next time."""
        mine = Newest(self.site.max_pages)
        left_over = 0
        try:
            for batch in _batches(links, CHECK_BATCH):
                self.crawler.stats.inc_value(stat, len(batch))
                left_over += await self._select(batch, response.url, mine)
        except (RedisError, OSError) as exc:
            self.report.error(response.url, "state", f"could not check which articles are stored: {exc}")
            self.validators.forget(response.url)
            return
        self.validators.remember(response.url, self._headers(response))
        for candidate in mine.drain():
            self._leave_over(self.selected.offer(candidate))
        if left_over:
            self.crawler.stats.inc_value("newssieve/over_budget", left_over)
            self.validators.forget(response.url)

    async def _select(self, links: list[Link], source: str, selection: Newest) -> int:
        """Offer a batch of listed links to `selection`, those not stored yet; how many were left out."""
        wanted = [(url, link) for link in links if (url := self._wanted(link.url, source))]
        known = set() if self.refetch else await stored_among([url for url, _ in wanted])
        if known:
            self.crawler.stats.inc_value("newssieve/articles_known", len(known))
        left_over = 0
        for url, link in wanted:
            if url not in known:
                key = listed_key(link.published, link.lastmod, next(self._listed_seq))
                left_over += selection.offer(Candidate(key, url, link.published, source)) is not None
        return left_over

    def _leave_over(self, candidate: Candidate | None) -> None:
        """A page the budget leaves for the next run: counted, and its listing read in full next time."""
        if candidate is not None:
            self.crawler.stats.inc_value("newssieve/over_budget")
            self.validators.forget(candidate.source)

    def _request_selected(self) -> None:
        """Every listing read and nothing else to do: request the selected articles, newest first."""
        chosen = self.selected.drain()
        if not chosen:
            return
        for candidate in chosen:
            request = self.request(candidate.url, "article", source=candidate.source,
                                   ns_published=candidate.published, ns_known_checked=not self.refetch)
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

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
    when = iso_timestamp(published)
    if when is None:
        return 0
    age_days = int((time.time() - when) // 86400)
    return max(0, min(99, 99 - age_days))


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
