"""Harbor Wire's look: semantic HTML5 (<article>, <time datetime>), JSON-LD NewsArticle metadata.

Discovered through /rss.xml, whose links carry utm tracking parameters.
"""

from __future__ import annotations

import json

from demo.content import SITES, site_pages
from demo.content.model import Page
from demo.sites import feeds
from demo.sites.common import (
    LAUNCH,
    PIXEL,
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

SITE = SITES["harbor-wire"]
TRACKING = "?utm_source=rss&utm_medium=feed"


def _layout(title: str, main: str, head: str = "") -> str:
    menu = "".join(f'<li><a href="/{section}/">{label}</a></li>' for section, label in SITE.sections.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(title)}</title>
{head}<link rel="stylesheet" href="/static/wire.css">
<link rel="alternate" type="application/rss+xml" title="Harbor Wire" href="/rss.xml">
</head>
<body>
<header class="masthead">
<a class="brand" href="/">Harbor Wire</a>
<nav aria-label="Sections"><ul><li><a href="/">Latest</a></li>{menu}</ul></nav>
</header>
<main>
{main}
</main>
<footer class="site-footer">
<p>&copy; 2026 Harbor Wire Ltd. All rights reserved. Harbor Wire stories may be republished only by
licensed subscribers.</p>
<ul><li><a href="/about.html">About Harbor Wire</a></li><li><a href="/about.html#licensing">Licensing</a></li>
<li><a href="/rss.xml">RSS</a></li></ul>
</footer>
</body>
</html>
"""


def _stamp(page: Page) -> str:
    moment = page.published
    return (f'<time datetime="{moment.isoformat().replace("+00:00", "Z")}">'
            f'{moment:%B} {moment.day}, {moment:%Y, %H:%M} UTC</time>')


def _json_ld(page: Page, url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "datePublished": page.published.isoformat(),
        "dateModified": page.published.isoformat(),
        "author": [{"@type": "Person", "name": author} for author in page.authors],
        "publisher": {"@type": "Organization", "name": SITE.title},
        "articleSection": SITE.sections[page.section],
        "inLanguage": "en",
        "mainEntityOfPage": url,
    }
    payload = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{payload}\n</script>\n'


def _article(page: Page, pages: tuple[Page, ...], base: str) -> Resource:
    url = base + page.path
    others = related(page, pages)
    see_also = others[0]
    figure = (f'<figure><img src="{PIXEL}" alt="" width="1200" height="675">'
              f"<figcaption>{text(page.caption)}</figcaption></figure>")
    body = weave([f"<p>{text(paragraph)}</p>" for paragraph in page.paragraphs], [
        (0, figure),
        (variety(page, pages, (2, 3, 4)),
         f'<p>See also: <a href="{see_also.path}">{text(see_also.title)}</a></p>'),
    ])
    bios = "".join(f"\n<p>{text(SITE.bios[author])}</p>" for author in page.authors)
    links = "".join(f'<li><a href="{other.path}">{text(other.title)}</a></li>' for other in others)
    main = f"""<article>
<header>
<p class="kicker"><a href="/{page.section}/">{SITE.sections[page.section]}</a></p>
<h1>{text(page.title)}</h1>
<p class="byline">By <span class="author">{text(names(page.authors))}</span> {_stamp(page)}</p>
</header>
{body}{bios}
</article>
<aside class="related">
<h2>Related stories</h2>
<ul>{links}</ul>
</aside>
<section class="newsletter">
<h2>The Wire Briefing</h2>
<p>The day's top stories from Harbor Wire, in your inbox every morning at six.</p>
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="you@example.com">
<button type="submit">Sign up</button></form>
</section>"""
    head = (f'<link rel="canonical" href="{attr(url)}">\n<meta property="og:url" content="{attr(url)}">\n'
            f'<meta property="og:type" content="article">\n{_json_ld(page, url)}')
    return document(_layout(f"{page.title} - {SITE.title}", main, head), page.published)


def _listing(heading: str, pages: tuple[Page, ...]) -> Resource:
    teasers = "\n".join(f"""<article class="teaser">
<h2><a href="{page.path}">{text(page.title)}</a></h2>
<p>{text(summary(page))}</p>
{_stamp(page)}
</article>""" for page in pages)
    return document(_layout(f"{heading} - {SITE.title}", f"<h1>{text(heading)}</h1>\n{teasers}"),
                    newest(pages))


def _about() -> Resource:
    main = """<h1>About Harbor Wire</h1>
<p>Harbor Wire is an independent news agency founded in Port Calder in 1952. Our reporters cover national
news, business, transport and health, and our stories appear in more than 120 newspapers and websites.</p>
<h2 id="licensing">Licensing</h2>
<p>Subscribers may republish Harbor Wire stories in full or in part with a credit line.</p>"""
    return document(_layout(f"About - {SITE.title}", main), LAUNCH)


def routes(base: str) -> dict[str, Resource]:
    pages = site_pages(SITE.name)
    table = {
        "/": _listing("Latest news", pages),
        "/about.html": _about(),
        "/robots.txt": feeds.robots(),
        "/rss.xml": feeds.rss(SITE, pages, base, "Breaking news and wire copy from Harbor Wire.", TRACKING),
    }
    for section, label in SITE.sections.items():
        table[f"/{section}/"] = _listing(label, tuple(page for page in pages if page.section == section))
    table.update({page.path: _article(page, pages, base) for page in pages})
    return table
