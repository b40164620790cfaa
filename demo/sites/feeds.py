"""RSS 2.0, Atom 1.0, sitemap and robots.txt documents for the demo sites.

Feed links may carry tracking parameters (the crawler must canonicalise them away); ids, guids and
sitemap <loc>s never do.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from demo.content.model import Page, Site
from demo.sites.common import ATOM, GZIP, LAUNCH, RSS, TEXT, XML, Resource, newest, summary


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _xml(markup: str, content_type: str, last_modified: datetime) -> Resource:
    return Resource(('<?xml version="1.0" encoding="UTF-8"?>\n' + markup).encode("utf-8"), content_type,
                    last_modified)


def rss(site: Site, pages: Sequence[Page], base: str, description: str, tracking: str = "") -> Resource:
    items = "\n".join(f"""<item>
  <title>{escape(page.title)}</title>
  <link>{escape(base + page.path + tracking)}</link>
  <guid isPermaLink="true">{escape(base + page.path)}</guid>
  <pubDate>{format_datetime(page.published, usegmt=True)}</pubDate>
  <dc:creator>{escape(", ".join(page.authors))}</dc:creator>
  <category>{escape(site.sections[page.section])}</category>
  <description>{escape(summary(page))}</description>
</item>""" for page in pages)
    return _xml(f"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{escape(site.title)}: latest stories</title>
<link>{escape(base)}/</link>
<atom:link href={quoteattr(base + "/rss.xml")} rel="self" type="application/rss+xml"/>
<description>{escape(description)}</description>
<language>{site.lang}</language>
<lastBuildDate>{format_datetime(newest(pages), usegmt=True)}</lastBuildDate>
<ttl>30</ttl>
{items}
</channel>
</rss>
""", RSS, newest(pages))


def atom(site: Site, pages: Sequence[Page], base: str, subtitle: str, tracking: str = "") -> Resource:
    """An Atom feed in which every other entry's link carries `tracking`."""
    domain = base.split("//", 1)[1].split(":", 1)[0]
    entries = "\n".join(f"""<entry>
  <title>{escape(page.title)}</title>
  <link rel="alternate" type="text/html" href={quoteattr(base + page.path + (tracking if i % 2 else ""))}/>
  <id>tag:{domain},2026:{escape(page.path)}</id>
  <published>{_iso(page.published)}</published>
  <updated>{_iso(page.published)}</updated>
{"".join(f"  <author><name>{escape(author)}</name></author>{chr(10)}" for author in page.authors)}\
  <summary>{escape(summary(page))}</summary>
</entry>""" for i, page in enumerate(pages))
    return _xml(f"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.lang}">
<title>{escape(site.title)}</title>
<subtitle>{escape(subtitle)}</subtitle>
<link rel="self" type="application/atom+xml" href={quoteattr(base + "/atom.xml")}/>
<link rel="alternate" type="text/html" href={quoteattr(base + "/")}/>
<id>tag:{domain},2026:feed</id>
<updated>{_iso(newest(pages))}</updated>
{entries}
</feed>
""", ATOM, newest(pages))


def urlset(entries: Sequence[tuple[str, datetime]]) -> Resource:
    urls = "\n".join(f"<url><loc>{escape(loc)}</loc><lastmod>{_iso(moment)}</lastmod></url>"
                     for loc, moment in entries)
    return _xml(f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
""", XML, max(moment for _, moment in entries))


def gzipped(resource: Resource) -> Resource:
    """The same document gzip-compressed as a file (not as a Content-Encoding), like sitemap.xml.gz."""
    return Resource(gzip.compress(resource.body, mtime=0), GZIP, resource.last_modified)


def news_sitemap(site: Site, pages: Sequence[Page], base: str) -> Resource:
    """A Google News sitemap: <news:publication_date> and <news:title> for each page."""
    urls = "\n".join(f"""<url>
  <loc>{escape(base + page.path)}</loc>
  <news:news>
    <news:publication><news:name>{escape(site.title)}</news:name>\
<news:language>{site.lang}</news:language></news:publication>
    <news:publication_date>{page.published.isoformat()}</news:publication_date>
    <news:title>{escape(page.title)}</news:title>
  </news:news>
</url>""" for page in pages)
    return _xml(f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" \
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
""", XML, newest(pages))


def sitemap_index(entries: Sequence[tuple[str, datetime]]) -> Resource:
    sitemaps = "\n".join(f"<sitemap><loc>{escape(loc)}</loc><lastmod>{_iso(moment)}</lastmod></sitemap>"
                         for loc, moment in entries)
    return _xml(f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{sitemaps}
</sitemapindex>
""", XML, max(moment for _, moment in entries))


def robots(disallow: Sequence[str] = (), sitemaps: Sequence[str] = ()) -> Resource:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow or [""])]
    lines += ["", *(f"Sitemap: {url}" for url in sitemaps)] if sitemaps else []
    return Resource(("\n".join(lines) + "\n").encode("utf-8"), TEXT, LAUNCH)
