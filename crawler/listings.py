"""Reading any listing document whole, for the dry runs (`crawler.discover`, `crawler.check`).

A listing is recognised by its content, never by its URL or Content-Type alone: a JSON
object is a JSON Feed, `<rss>`, `<feed>` or `<rdf>` a feed, `<urlset>` a sitemap (a news
sitemap when its entries carry a publication date), `<sitemapindex>` an index, a list of
URLs a plain-text sitemap. Pure: bytes in; the bounds of crawler.documents apply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.documents import DocumentError, Link, maybe_gunzip, parse_feed, stream_sitemap, without_bom
from newssieve.canonical import canonicalize

KEEP_LINKS = 2000
"""Links a dry run keeps of one listing (it counts them all)."""


@dataclass
class Listing:
    """What one document lists. `format`: rss, atom, json (feeds), news, urlset (sitemaps), index."""

    format: str
    total: int = 0
    kept: int = 0
    links: list[Link] = field(default_factory=list)
    title: str | None = None


def read_listing(body: bytes, url: str, content_type: str | None, max_bytes: int,
                 wanted: Callable[[str], bool] | None = None) -> Listing:
    """The listing in `body`; DocumentError when it is none (an HTML page, say) or is malformed.
    Links come back absolute and canonical; `wanted` (a URL test) decides which count as kept and
    are returned."""
    data = without_bom(maybe_gunzip(body, max_bytes))
    head = data[:1024].lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        raise DocumentError("not_listing", "an HTML page, not a feed or sitemap")
    try:
        sitemap = stream_sitemap(data)
    except DocumentError as exc:
        if exc.kind != "not_sitemap":
            raise
        feed = parse_feed(data, url, content_type)
        kind = "json" if feed.version.startswith("json") else "atom" if "atom" in feed.version else "rss"
        listing = _counted(kind, feed.links, url, wanted)
        listing.title = feed.title
        return listing
    index = sitemap.kind == "index"  # its links are sitemaps: all of them are kept
    listing = _counted("index" if index else "urlset", sitemap.links, url, None if index else wanted)
    if listing.format == "urlset" and any(link.published for link in listing.links):
        listing.format = "news"
    return listing


def _counted(kind: str, links: Iterable[Link], base: str, wanted: Callable[[str], bool] | None) -> Listing:
    listing = Listing(kind)
    for link in links:
        listing.total += 1
        link = Link(canonicalize(urljoin(base, link.url.strip())), link.published, link.lastmod)
        if wanted is None or wanted(link.url):
            listing.kept += 1
            if len(listing.links) < KEEP_LINKS:
                listing.links.append(link)
    return listing
