"""Checking a sites entry now, storing nothing: each source read in full, a few articles fetched.

Each feed, sitemap (robots.txt and index children included) and start URL reports a `source`
event: how many URLs it lists and how many the entry keeps (on its domains, an `article`
regex, not `follow.deny`), or why it failed. Then up to SAMPLES kept articles, newest first,
are fetched and reported as `sample` events for the parent to clean.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.documents import DocumentError, robots_sitemaps
from crawler.selection import listed_key
from crawler.spiders.probe import ProbeSpider
from newssieve.canonical import canonicalize
from newssieve.sites import Site

SAMPLES = 3
MAX_CHILDREN = 50


class CheckSpider(ProbeSpider):
    name = "check"

    def __init__(self, site: Site, **kwargs):
        super().__init__(**kwargs)
        self.site = site
        self.deny = [re.compile(pattern) for pattern in site.follow.deny]
        self.kept: list[tuple[tuple, str, str]] = []
        self.sampled = False

    def wanted(self, url: str) -> bool:
        return (self.site.allows_url(url) and not any(p.search(url) for p in self.deny)
                and self.site.is_article_url(url))

    async def start(self):
        for url in self.site.feeds:
            yield self.request(canonicalize(url), "feed", self.parse_listing, ns_via="feeds")
        for url in self.site.sitemaps:
            robots = url.rstrip("/").lower().endswith("/robots.txt")
            yield self.request(canonicalize(url), "robots" if robots else "sitemap",
                               self.parse_robots if robots else self.parse_listing, ns_via="sitemaps")
        for url in self.site.start_urls:
            yield self.request(canonicalize(url), "page", self.parse_page, ns_via="start_urls")

    def source(self, url: str, via: str, **data) -> None:
        self.record("source", url=url, via=via, **data)

    def parse_robots(self, response):
        text = response.body.decode("utf-8", "replace")
        named = [canonicalize(urljoin(response.url, url)) for url in robots_sitemaps(text)]
        named = [url for url in named if self.site.allows_url(url)]
        if not named:
            self.source(response.url, "sitemaps", format="robots", outcome="error", kind="no_sitemaps",
                        reason="robots.txt names no sitemap on the site")
            return
        self.source(response.url, "sitemaps", format="robots", outcome="ok", listed=len(named), kept=0)
        for url in named:
            yield self.request(url, "sitemap", self.parse_listing, ns_via=response.url)

    def parse_listing(self, response):
        via = response.meta["ns_via"]
        try:
            listing = self.read(response, self.wanted)
        except DocumentError as exc:
            self.listing_error(response, exc)
            return
        if listing.format == "index":
            self.source(response.url, via, format="index", outcome="ok", listed=listing.total, kept=0)
            for link in listing.links[:MAX_CHILDREN]:
                yield self.request(link.url, "sitemap", self.parse_listing, ns_via=response.url)
            return
        self.source(response.url, via, format=listing.format, outcome="ok", listed=listing.total,
                    kept=listing.kept)
        for link in listing.links:
            key = listed_key(link.published, link.lastmod, len(self.kept))
            self.kept.append((key, link.url, response.url))

    def parse_page(self, response):
        if not self.is_html(response):
            self.source(response.url, response.meta["ns_via"], format="page", outcome="error",
                        kind="non_html", reason="not an HTML page")
            return
        links = self.links_of(response)
        kept = [url for url in links if self.wanted(url)]
        self.source(response.url, response.meta["ns_via"], format="page", outcome="ok",
                    listed=len(links), kept=len(kept))
        self.kept.extend(((0, 0.0, -len(self.kept)), url, response.url) for url in kept)

    def failed(self, request, kind: str, reason: str) -> None:
        if request.meta.get("ns_kind") == "sample":
            super().failed(request, kind, reason)
            return
        self.source(request.url, request.meta.get("ns_via", ""), format=request.meta.get("ns_kind"),
                    outcome="error", kind=kind, reason=reason)

    def next_stage(self):
        if self.sampled:
            return None
        self.sampled = True
        chosen = dict.fromkeys(url for _, url, _ in sorted(self.kept, reverse=True))
        return [self.sample(url) for url in list(chosen)[:SAMPLES]]
