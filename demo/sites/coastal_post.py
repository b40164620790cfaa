"""The Coastal Post's look: <main>, <time> elements, authors as <a rel="author">, a meta description.

Discovered through /atom.xml; every other entry's link carries tracking parameters.
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
    slug,
    summary,
    text,
    variety,
    weave,
)

SITE = SITES["coastal-post"]
TRACKING = "?utm_source=atom&utm_medium=feed&utm_campaign=coastal"


def _layout(title: str, main: str, head: str = "", sidebar: tuple[Page, ...] = ()) -> str:
    menu = "".join(f'<a href="/topics/{section}">{label}</a>' for section, label in SITE.sections.items())
    most_read = "".join(f'<li><a href="{page.path}">{text(page.title)}</a></li>' for page in sidebar)
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{text(title)}</title>
{head}<link rel="alternate" type="application/atom+xml" title="Coastal Post" href="/atom.xml">
<link rel="stylesheet" href="/static/cp.css">
</head>
<body class="cp">
<div class="cp-topbar"><span>Seabright &middot; Gullhaven &middot; Gull Point</span>
<a href="/account/login">Sign in</a></div>
<header class="cp-header"><a class="cp-logo" href="/">The Coastal Post</a></header>
<nav class="cp-nav"><a href="/">Home</a>{menu}</nav>
<main id="main">
<div class="cp-grid">
{main}
<aside class="cp-sidebar"><h2>Most read</h2><ol>{most_read}</ol></aside>
</div>
</main>
<footer class="cp-footer">
<p>&copy; 2026 Coastal Post Ltd, The Old Customs House, Seabright.</p>
<p><a href="/about-us">About us</a> <a href="/about-us#corrections">Corrections</a>
<a href="/atom.xml">Feed</a></p>
</footer>
</body>
</html>
"""


def _article(page: Page, pages: tuple[Page, ...], base: str) -> Resource:
    url = base + page.path
    others = related(page, pages, 4)
    read_more = others[1]
    figure = (f'<figure class="cp-figure"><img src="/media/{page.story}-1200.jpg" alt="">'
              f"<figcaption>{text(page.caption)}</figcaption></figure>")
    body = weave([f"<p>{text(paragraph)}</p>" for paragraph in page.paragraphs], [
        (2, figure),
        (variety(page, pages, (1, 5, 3)),
         f'<p>Read more: <a href="{read_more.path}">{text(read_more.title)}</a></p>'),
    ])
    credit = "" if page.variant == "original" else "\n<p>This article contains material from Harbor Wire.</p>"
    bios = "".join(f"\n<p>{text(SITE.bios[author])}</p>" for author in page.authors if author in SITE.bios)
    authors = [f'<a rel="author" href="/people/{slug(author)}">{text(author)}</a>' for author in page.authors]
    moment = page.published
    read_next = "".join(f'<li><a href="{other.path}">{text(other.title)}</a></li>' for other in others)
    main = f"""<div class="cp-article">
<a class="cp-topic" href="/topics/{page.section}">{SITE.sections[page.section]}</a>
<h1 class="cp-headline">{text(page.title)}</h1>
<div class="cp-meta">By {names(authors)} &middot;
<time datetime="{moment.isoformat()}">{moment.day} {moment:%B %Y, %H:%M}</time></div>
<aside class="cp-newsletter"><h2>The Tide Table</h2><p>Our weekly round-up of coastal news, free every
Friday.</p><form action="/newsletter"><input type="email" name="email"><button>Subscribe</button></form>
</aside>
<div class="cp-body">
{body}{credit}{bios}
</div>
<section class="cp-readnext"><h2>Read next</h2><ul>{read_next}</ul></section>
</div>"""
    head = (f'<meta name="description" content="{attr(summary(page))}">\n'
            f'<link rel="canonical" href="{attr(url)}">\n')
    return document(_layout(f"{page.title} — {SITE.title}", main, head, pages[:5]), page.published)


def _listing(heading: str, pages: tuple[Page, ...], sidebar: tuple[Page, ...], intro: str = "") -> Resource:
    cards = "\n".join(f"""<div class="cp-card"><h2><a href="{page.path}">{text(page.title)}</a></h2>
<p>{text(summary(page))}</p><time datetime="{page.published.isoformat()}">{page.published.day} \
{page.published:%B %Y}</time></div>""" for page in pages)
    main = f'<div class="cp-list"><h1>{text(heading)}</h1>{intro}\n{cards}</div>'
    return document(_layout(f"{heading} — {SITE.title}", main, sidebar=sidebar), newest(pages))


def _about(sidebar: tuple[Page, ...]) -> Resource:
    main = """<div class="cp-list"><h1>About the Coastal Post</h1>
<p>The Coastal Post is the independent weekly, now daily online, for Seabright, Gullhaven and the coast.</p>
<h2 id="corrections">Corrections</h2><p>Spotted a mistake? Email corrections@coastalpost.example.</p></div>"""
    return document(_layout(f"About us — {SITE.title}", main, sidebar=sidebar), LAUNCH)


def routes(base: str) -> dict[str, Resource]:
    pages = site_pages(SITE.name)
    sidebar = pages[:5]
    table = {
        "/": _listing("Latest from the coast", pages, sidebar),
        "/about-us": _about(sidebar),
        "/robots.txt": feeds.robots(["/account/"]),
        "/atom.xml": feeds.atom(SITE, pages, base, "News from Seabright, Gullhaven and the coast", TRACKING),
    }
    for section, label in SITE.sections.items():
        table[f"/topics/{section}"] = _listing(
            label, tuple(page for page in pages if page.section == section), sidebar)
    for author in sorted({author for page in pages for author in page.authors}):
        bio = SITE.bios.get(author, f"{author} is a Harbor Wire correspondent.")
        table[f"/people/{slug(author)}"] = _listing(
            author, tuple(page for page in pages if author in page.authors), sidebar,
            f'\n<p class="cp-bio">{text(bio)}</p>')
    table.update({page.path: _article(page, pages, base) for page in pages})
    return table
