"""The Valley Times' look: div soup, metadata in <meta property="article:published_time">, author, og:*.

Discovered through a sitemap: robots.txt names /sitemap_index.xml, which points at a Google News sitemap
of the latest stories and a gzip'd sitemap of every page (articles and others).
"""

from __future__ import annotations

from demo.content import SITES, site_pages
from demo.content.model import Page
from demo.sites import feeds
from demo.sites.common import (
    LAUNCH,
    Resource,
    attr,
    document,
    names,
    newest,
    related,
    summary,
    text,
    variety,
    weave,
)

SITE = SITES["valley-times"]
NEWS_SITEMAP_SIZE = 5  # a news sitemap lists only recent stories; older ones are in the pages sitemap


def _layout(title: str, content: str, head: str = "", sidebar: tuple[Page, ...] = ()) -> str:
    menu = "\n".join(f'<div class="nav-item"><a href="/sections/{section}">{label}</a></div>'
                     for section, label in SITE.sections.items())
    most_read = "".join(f'<li><a href="{page.path}">{text(page.title)}</a></li>' for page in sidebar)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{text(title)}</title>
{head}<link rel="stylesheet" href="/assets/vt-main.css">
</head>
<body class="vt">
<div id="wrapper">
<div class="top-bar"><div class="weather">Hensley 9&deg;C, cloudy</div>
<div class="login"><a href="/about">Subscribe</a></div></div>
<div class="masthead"><div class="logo"><a href="/">The Valley Times</a></div>
<div class="strapline">News for Hensley, Millbrook and the Ashford Valley</div></div>
<div class="nav"><div class="nav-item"><a href="/">Home</a></div>
{menu}
</div>
<div class="content-area">
<div class="main-col">
{content}
</div>
<div class="sidebar"><div class="widget most-read"><div class="widget-title">Most read</div>
<ul>{most_read}</ul></div></div>
</div>
<div class="footer"><div class="footer-links"><a href="/about">About us</a>
&middot; <a href="/about#contact">Contact</a> &middot; <a href="/about#advertise">Advertise</a></div>
<div class="copyright">&copy; 2026 Valley Times Media. All rights reserved.</div></div>
</div>
</body>
</html>
"""


def _article(page: Page, pages: tuple[Page, ...], base: str) -> Resource:
    url = base + page.path
    others = related(page, pages)
    read_more = others[0]
    newsletter = """<div class="inline-promo newsletter-signup">
<div class="promo-title">Morning Briefing</div>
<p>Start your day with the Valley Times morning briefing: local news, weather and what's on, free every
weekday.</p><form action="/newsletter" method="post"><input type="email" name="email"><input type="submit"
value="Sign up"></form></div>"""
    figure = (f'<figure class="story-image"><img src="/images/{page.story}.jpg" alt="">'
              f"<figcaption>{text(page.caption)}</figcaption></figure>")
    body = weave([f"<p>{text(paragraph)}</p>" for paragraph in page.paragraphs], [
        (-1, figure),
        (2, newsletter),
        (variety(page, pages, (4, 3, 5)),
         f'<p>Read more: <a href="{read_more.path}">{text(read_more.title)}</a></p>'),
    ])
    credit = "\n<p>This story was distributed by Harbor Wire.</p>" if page.variant != "original" else ""
    bios = "".join(f"\n<p>{text(SITE.bios[author])}</p>" for author in page.authors if author in SITE.bios)
    more = "".join(f'<li><a href="{other.path}">{text(other.title)}</a></li>' for other in others)
    content = f"""<div class="story">
<div class="story-headline"><h1>{text(page.title)}</h1></div>
<div class="story-meta"><div class="story-byline">By {text(names(page.authors))}</div>
<div class="story-date">{page.published:%A} {page.published.day} {page.published:%B %Y, %H:%M}</div></div>
<div class="story-body">
{body}{credit}{bios}
</div>
<div class="share-tools"><a href="/share?via=mail">Email</a> <a href="/share?via=print">Print</a></div>
<div class="more-from"><h3>More from {SITE.sections[page.section]}</h3><ul>{more}</ul></div>
</div>"""
    head = f"""<meta property="og:title" content="{attr(page.title)}">
<meta property="og:url" content="{attr(url)}">
<meta property="og:site_name" content="The Valley Times">
<meta property="article:published_time" content="{page.published.isoformat()}">
<meta property="article:section" content="{SITE.sections[page.section]}">
<meta name="author" content="{attr(', '.join(page.authors))}">
<link rel="canonical" href="{attr(url)}">
"""
    return document(_layout(f"{page.title} | {SITE.title}", content, head, pages[:5]), page.published)


def _listing(heading: str, pages: tuple[Page, ...], sidebar: tuple[Page, ...]) -> Resource:
    items = "\n".join(f"""<div class="list-item"><div class="list-headline"><a href="{page.path}">\
{text(page.title)}</a></div><div class="list-summary">{text(summary(page))}</div></div>""" for page in pages)
    content = f'<div class="section-title">{text(heading)}</div>\n{items}'
    return document(_layout(f"{heading} | {SITE.title}", content, sidebar=sidebar), newest(pages))


def _about(sidebar: tuple[Page, ...]) -> Resource:
    content = """<div class="section-title">About the Valley Times</div>
<div class="static-text">
<p>The Valley Times has served Hensley, Millbrook and the Ashford Valley since 1887.</p>
<p id="contact">Newsroom: news@valleytimes.example, 14 Market Street, Hensley.</p>
<p id="advertise">Advertising enquiries: ads@valleytimes.example.</p></div>"""
    return document(_layout(f"About us | {SITE.title}", content, sidebar=sidebar), LAUNCH)


def routes(base: str) -> dict[str, Resource]:
    pages = site_pages(SITE.name)
    table = {"/": _listing("Latest news", pages, pages[:5]), "/about": _about(pages[:5])}
    for section, label in SITE.sections.items():
        table[f"/sections/{section}"] = _listing(
            label, tuple(page for page in pages if page.section == section), pages[:5])
    table.update({page.path: _article(page, pages, base) for page in pages})
    others = [(base + path, resource.last_modified) for path, resource in table.items()]
    table["/sitemap-news.xml"] = feeds.news_sitemap(SITE, pages[:NEWS_SITEMAP_SIZE], base)
    table["/sitemap-pages.xml.gz"] = feeds.gzipped(feeds.urlset(others))
    table["/sitemap_index.xml"] = feeds.sitemap_index([
        (base + "/sitemap-news.xml", table["/sitemap-news.xml"].last_modified),
        (base + "/sitemap-pages.xml.gz", table["/sitemap-pages.xml.gz"].last_modified),
    ])
    table["/robots.txt"] = feeds.robots(["/search", "/share"], [base + "/sitemap_index.xml"])
    return table
