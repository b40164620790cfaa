"""Discovering a site from its home page: its feeds, sitemaps, links and a few sample articles.

Stages (each starts when the previous one has nothing left to fetch):
  1. the home page (redirects followed on the site; off the site only when allowed), then
     robots.txt, the feeds the page advertises (`<link rel="alternate">`, else the usual
     paths), the sitemaps robots.txt names (else the usual paths), sitemap index children;
  2. when no listing names an article: up to MAX_PAGES pages the home page links to
     (sections), for their links;
  3. up to SAMPLES articles the learned pattern keeps.
Events (JSON lines): home, redirect, tried, listing, page, sample, error (fatal: the home
page could not be read). newssieve.discovery.Findings reads them back.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawler.documents import DocumentError, robots_sitemaps
from crawler.spiders.probe import ProbeSpider
from newssieve.canonical import canonicalize
from newssieve.discovery import DENY_WORDS, FEED_PATHS, FEED_TYPES, SITEMAP_PATHS, Findings, domain_for
from newssieve.sites import Site
from newssieve.url_patterns import looks_like_article, segments

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
MAX_PAGES = 10
MAX_CHILDREN = 10
SAMPLES = 3


def probe_site(url: str, allow_private: bool) -> Site:
    """A throw-away entry for the host of `url`, so the offsite and address policies apply as in a crawl."""
    return Site(name="discover", domains=[domain_for(url)], start_urls=[url], article=["^$"],
                allow_private=allow_private)


class DiscoverSpider(ProbeSpider):
    name = "discover"

    def __init__(self, url: str, allow_private: bool = False, follow_redirect: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.start_url = canonicalize(url)
        self.allow_private = allow_private
        self.follow_redirect = follow_redirect
        self.site = probe_site(self.start_url, allow_private)
        self.findings = Findings(start_url=self.start_url)
        self.robots = None
        self.stages = iter(("pages", "samples"))
        self.fatal = False

    def record(self, event: str, **data) -> None:
        super().record(event, **data)
        self.findings.add({"event": event, **data})

    async def start(self):
        yield self._home(self.start_url, 0)

    def _home(self, url: str, hops: int):
        return self.request(url, "home", self.parse_home, ns_hops=hops,
                            handle_httpstatus_list=list(REDIRECTS), dont_redirect=True)

    def fatal_error(self, url: str, kind: str, reason: str) -> None:
        self.fatal = True
        self.record("error", url=url, kind=kind, reason=reason)

    def parse_home(self, response):
        if response.status in REDIRECTS:
            yield from self._redirected(response)
            return
        if not self.is_html(response):
            shown = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
            self.fatal_error(response.url, "not_html",
                             f"the home page is not HTML (Content-Type: {shown})")
            return
        feeds = self._advertised_feeds(response)
        self.record("home", url=canonicalize(response.url), status=response.status, feeds=feeds,
                    title=(response.xpath("//title/text()").get() or "").strip()[:200],
                    links=self.links_of(response))
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(response.url))
        yield self.request(origin + "/robots.txt", "robots", self.parse_robots)
        for url in feeds or [origin + path for path in FEED_PATHS]:
            yield self.request(url, "feed", self.parse_listing, ns_via="home" if feeds else "guess")

    def _redirected(self, response):
        location = response.headers.get(b"Location", b"").decode("latin-1").strip()
        target = canonicalize(urljoin(response.url, location)) if location else ""
        hops = response.meta["ns_hops"] + 1
        if not target.startswith(("http://", "https://")) or hops > MAX_REDIRECTS:
            self.fatal_error(response.url, "bad_redirect", f"HTTP {response.status} to {target or 'nowhere'}"
                             f"{' (too many redirects)' if hops > MAX_REDIRECTS else ''}")
            return
        onsite = self.site.allows_url(target)
        self.record("redirect", url=response.url, to=target, onsite=onsite,
                    followed=onsite or self.follow_redirect)
        if not onsite and not self.follow_redirect:
            self.fatal_error(response.url, "offsite_redirect",
                             f"the home page redirects to another host: {target}")
            return
        if not onsite:
            self.site = probe_site(target, self.allow_private)
        yield self._home(target, hops)

    def _advertised_feeds(self, response) -> list[str]:
        found: dict[str, None] = {}
        for link in response.xpath("//link[@href]"):
            rel = (link.attrib.get("rel") or "").lower().split()
            kind = (link.attrib.get("type") or "").lower().split(";")[0].strip()
            if "alternate" in rel and kind in FEED_TYPES:
                url = canonicalize(response.urljoin(link.attrib["href"].strip()))
                if self.site.allows_url(url):
                    found.setdefault(url)
        return list(found)

    def parse_robots(self, response):
        from protego import Protego

        text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
        self.robots = Protego.parse(text)
        named = [canonicalize(urljoin(response.url, url)) for url in robots_sitemaps(text)]
        named = [url for url in named if self.site.allows_url(url)]
        self.record("tried", url=response.url, what="robots", outcome="found",
                    detail=f"{len(named)} Sitemap: line(s)")
        yield from self._sitemaps(response.url, named)

    def _sitemaps(self, robots_url: str, named: list[str]):
        origin = robots_url.rsplit("/", 1)[0]
        for url in named or [origin + path for path in SITEMAP_PATHS]:
            via = "robots" if named else "guess"
            root = robots_url if named else url
            yield self.request(url, "sitemap", self.parse_listing, ns_via=via, ns_root=root)

    def parse_listing(self, response):
        what = response.meta["ns_kind"]
        try:
            listing = self.read(response)
        except DocumentError as exc:
            self.listing_error(response, exc)
            return
        self.record("tried", url=response.url, what=what, outcome="found", detail=listing.format)
        if listing.format == "index":
            children = sorted((link.url for link in listing.links if self.site.allows_url(link.url)),
                              key=lambda url: "news" not in url.lower())[:MAX_CHILDREN]
            root = response.meta.get("ns_root", response.url)
            for url in children:
                yield self.request(url, "sitemap", self.parse_listing, ns_via="index", ns_root=root)
            return
        self.record("listing", url=canonicalize(response.url), via=response.meta.get("ns_via"),
                    root=response.meta.get("ns_root", response.url), format=listing.format,
                    title=listing.title, total=listing.total,
                    links=[[link.url, link.published] for link in listing.links if self._allowed(link.url)])

    def _allowed(self, url: str) -> bool:
        if not self.site.allows_url(url):
            return False
        return self.robots is None or self.robots.can_fetch(url, self.settings.get("USER_AGENT") or "*")

    def failed(self, request, kind: str, reason: str) -> None:
        what = request.meta.get("ns_kind")
        if what == "home":
            self.fatal_error(request.url, kind, f"the home page could not be fetched: {reason}")
        elif what == "robots":
            self.record("tried", url=request.url, what="robots", outcome="absent", detail=reason)
            for follow_up in self._sitemaps(request.url, []):
                self.crawler.engine.crawl(follow_up)
        elif what in ("feed", "sitemap", "page"):
            guessed = request.meta.get("ns_via") == "guess"
            self.record("tried", url=request.url, what=what, outcome="absent" if guessed else "error",
                        detail=reason, kind=kind)
        else:
            super().failed(request, kind, reason)

    def next_stage(self):
        if self.fatal:
            return None
        stage = next(self.stages, None)
        if stage == "pages":
            return self._page_requests()
        if stage == "samples":
            learned = self.findings.learned(self.site.allows_url)
            urls = [url for url in dict.fromkeys([*self.findings.strong(), *self.findings.weak()])
                    if learned.matches(url) and self._allowed(url)]
            return [self.sample(url) for url in urls[:SAMPLES]]
        return None

    def _page_requests(self) -> list:
        """Section pages to look at, when no feed or sitemap lists an article."""
        learned = self.findings.learned(self.site.allows_url)
        if any(learned.matches(url) for listing in self.findings.listings for url, _ in listing["links"]):
            return []
        home = self.findings.final_url
        pages = [url for url in (self.findings.home or {}).get("links", [])
                 if url != home and not looks_like_article(url) and self._allowed(url)
                 and not any(part.lower() in DENY_WORDS for part in segments(url)[1])
                 and "." not in segments(url)[1][-1]]
        return [self.request(url, "page", self.parse_page) for url in pages[:MAX_PAGES]]

    def parse_page(self, response):
        if self.is_html(response):
            self.record("page", url=canonicalize(response.url),
                        links=[url for url in self.links_of(response) if self._allowed(url)])
