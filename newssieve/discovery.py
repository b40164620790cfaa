"""What discovering a site found, and the sites entry it suggests. Pure: no I/O.

`python -m crawler.discover URL` reports its findings as JSON lines; `Findings` reads them
back (the child keeps one too, to choose its sample articles with the same learned
pattern). `propose_entry` turns findings into a sites entry: the feeds and sitemaps that
list articles, the `article` regexes learned from what they list (newssieve.url_patterns),
or, when the site lists nothing, start_urls + follow rules learned from its pages.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from newssieve.canonical import DEFAULT_PORTS
from newssieve.sites import NAME_RE
from newssieve.url_patterns import Learned, learn, segments

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml", "application/x-rss+xml")
FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
DENY_WORDS = frozenset({"tag", "tags", "author", "authors", "people", "profile", "profiles", "user", "users",
                        "search", "login", "account", "share", "print"})
FOLLOW_DEPTH = 3


def domain_for(url: str) -> str:
    """The `domains` entry of a site at `url`: its host without "www." (so www and bare hosts are one
    site), with the port when it is not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    host = host[4:] if host.startswith("www.") and host.count(".") >= 2 else host
    port = parts.port
    return f"{host}:{port}" if port and port != DEFAULT_PORTS.get(parts.scheme.lower()) else host


def default_name(domain: str) -> str:
    """A site name (a slug) made of its domain: "news.example.org", "127.0.0.1-8701"."""
    name = "".join(c if c.isalnum() or c in "._-" else "-" for c in domain.lower()).strip("-._")
    return name[:64] if NAME_RE.match(name[:64] or "-") else "site"


def default_schedule(name: str) -> str:
    """Hourly, at a minute of its own, so that sites added together are not all crawled at :00."""
    return f"{zlib.crc32(name.encode()) % 60} * * * *"


@dataclass
class Findings:
    """Everything a discovery run reported, event by event (see crawler/discover.py for the events)."""

    start_url: str = ""
    home: dict[str, Any] | None = None
    listings: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    tried: list[dict[str, Any]] = field(default_factory=list)
    redirects: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        data = {k: v for k, v in event.items() if k != "event"}
        if kind == "home":
            self.home = data
        elif kind in ("listing", "page", "tried", "redirect", "sample", "error"):
            {"listing": self.listings, "page": self.pages, "tried": self.tried, "redirect": self.redirects,
             "sample": self.samples, "error": self.errors}[kind].append(data)

    @property
    def final_url(self) -> str:
        return (self.home or {}).get("url") or self.start_url

    def strong(self) -> list[str]:
        """URLs listed as articles: feed entries and news sitemap entries."""
        return [url for listing in self.listings if listing["format"] in ("rss", "atom", "json", "news")
                for url, _published in listing["links"]]

    def weak(self) -> list[str]:
        """URLs that may be articles: plain sitemap entries and links on the pages seen."""
        listed = [url for listing in self.listings if listing["format"] == "urlset"
                  for url, _published in listing["links"]]
        seen = [url for page in [self.home or {}, *self.pages] for url in page.get("links", [])]
        return [*listed, *seen]

    def learned(self, allows) -> Learned:
        """The article regexes the site's URLs suggest (only URLs `allows` lets in count)."""
        strong = [url for url in self.strong() if allows(url)]
        weak = [url for url in self.weak() if allows(url) and url != self.final_url]
        return learn(strong, weak, [self.final_url])


@dataclass
class Proposal:
    """A sites entry and what it rests on. `how`: "listings" (feeds/sitemaps), "links" (start_urls +
    follow: the site lists nothing), or "none" (nothing to build an entry on)."""

    how: str
    entry: dict[str, Any]
    learned: Learned
    feeds: list[dict[str, Any]]
    sitemaps: list[dict[str, Any]]


def propose_entry(findings: Findings, name: str, allow_private: bool, allows) -> Proposal:
    """The sites entry the findings suggest."""
    learned = findings.learned(allows)
    feeds, sitemaps = _sources(findings, learned)
    domain = domain_for(findings.final_url)
    entry: dict[str, Any] = {"name": name, "domains": [domain]}
    if allow_private:
        entry["allow_private"] = True
    how = "listings" if feeds or sitemaps else "none"
    if feeds:
        entry["feeds"] = [source["url"] for source in feeds]
    if sitemaps:
        entry["sitemaps"] = list(dict.fromkeys(source["root"] for source in sitemaps))
    if how == "none" and learned.patterns and findings.pages:
        how = "links"
        entry["start_urls"] = [findings.final_url]
        entry["follow"] = follow_rules(findings, learned)
    entry["article"] = list(learned.patterns)
    entry["schedule"] = default_schedule(name)
    return Proposal(how, entry, learned, feeds, sitemaps)


def _sources(findings: Findings, learned: Learned) -> tuple[list[dict], list[dict]]:
    """The feeds and sitemaps worth listing: each keeps articles another one does not already give."""
    feeds: list[dict] = []
    sitemaps: list[dict] = []
    covered: set[str] = set()
    ranked = sorted(findings.listings, key=lambda listing: (listing["format"] not in ("rss", "atom", "json"),
                                                            -len(listing["links"])))
    for listing in ranked:
        kept = {url for url, _ in listing["links"] if learned.matches(url)}
        summary = {**listing, "kept": len(kept)}
        summary.pop("links", None)
        is_feed = listing["format"] in ("rss", "atom", "json")
        if not kept or (is_feed and kept <= covered):
            continue
        covered |= kept
        (feeds if is_feed else sitemaps).append(summary)
    return feeds, sitemaps


def follow_rules(findings: Findings, learned: Learned) -> dict[str, Any]:
    """Follow the sections whose pages link to articles; deny tag, author and account pages."""
    allow, deny = [], []
    for page in findings.pages:
        first = _first_segment(page["url"])
        if first and first not in DENY_WORDS and any(learned.matches(url) for url in page.get("links", [])):
            allow.append(f"/{first}/")
    for page in [findings.home or {}, *findings.pages]:
        for url in page.get("links", []):
            for part in segments(url)[1]:
                if part.lower() in DENY_WORDS:
                    deny.append(f"/{part}/")
    return {"allow": sorted(set(allow)), "deny": sorted(set(deny)), "depth": FOLLOW_DEPTH}


def _first_segment(url: str) -> str:
    parts = [part for part in segments(url)[1] if part]
    return parts[0] if len(parts) > 1 or (parts and urlsplit(url).path.endswith("/")) else ""
