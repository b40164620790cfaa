"""Rheinblick's look: a German site (<html lang="de">), dates in <meta itemprop="datePublished">.

Discovered through a plain /sitemap.xml. Its boilerplate is German: "Lesen Sie auch", "Siehe auch",
"Ähnliche Artikel", "Newsletter abonnieren".
"""

from __future__ import annotations

from datetime import timedelta, timezone

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

SITE = SITES["rheinblick"]
CET = timezone(timedelta(hours=1), "MEZ")  # every story is from November, so never summer time


def _layout(title: str, content: str, head: str = "") -> str:
    menu = "".join(f'<li><a href="/{section}/">{label}</a></li>' for section, label in SITE.sections.items())
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{text(title)}</title>
{head}<link rel="stylesheet" href="/css/rb.css">
</head>
<body>
<div class="rb-kopf"><a class="rb-logo" href="/">Rheinblick</a>
<span class="rb-claim">Nachrichten aus Weidenbrück, Auenfels und Oberhellingen</span></div>
<ul class="rb-menue"><li><a href="/">Startseite</a></li>{menu}</ul>
<div class="rb-inhalt">
{content}
</div>
<div class="rb-fuss">
<p>&copy; 2026 Rheinblick Medien GmbH &middot; Alle Rechte vorbehalten</p>
<p><a href="/impressum.html">Impressum</a> &middot; <a href="/datenschutz.html">Datenschutz</a>
&middot; <a href="/impressum.html#kontakt">Kontakt</a></p>
</div>
</body>
</html>
"""


def _links(pages: list[Page]) -> str:
    return "".join(f'<li><a href="{page.path}">{text(page.title)}</a></li>' for page in pages)


def _article(page: Page, pages: tuple[Page, ...], base: str) -> Resource:
    url = base + page.path
    others = related(page, pages, 5)
    local = page.published.astimezone(CET)
    see_also = others[0]
    inline = ("Lesen Sie auch", "Siehe auch")[variety(page, pages, (0, 1))]
    newsletter = """<div class="rb-newsletter"><p><strong>Newsletter abonnieren</strong></p>
<p>Die wichtigsten Nachrichten aus der Region jeden Morgen kostenlos in Ihrem Postfach.</p>
<form action="/newsletter"><input type="email" name="email"><button>Jetzt abonnieren</button></form></div>"""
    figure = (f'<figure><img src="/bilder/{page.story}.jpg" alt=""><figcaption>{text(page.caption)} '
              f'<span class="rb-foto">Foto: Rheinblick</span></figcaption></figure>')
    body = weave([f"<p>{text(paragraph)}</p>" for paragraph in page.paragraphs], [
        (0, figure),
        (variety(page, pages, (2, 4, 3)),
         f'<p>{inline}: <a href="{see_also.path}">{text(see_also.title)}</a></p>'),
        (4, newsletter),
    ])
    bios = "".join(f"\n<p>{text(SITE.bios[author])}</p>" for author in page.authors)
    content = f"""<article class="rb-artikel" itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="datePublished" content="{local.isoformat()}">
<div class="rb-ressort">{SITE.sections[page.section]}</div>
<h1 itemprop="headline">{text(page.title)}</h1>
<div class="rb-autor">Von <span itemprop="author">{text(names(page.authors, "und"))}</span> &middot;
{local.day}.{local:%m.%Y, %H:%M} Uhr</div>
<div class="rb-text" itemprop="articleBody">
{body}{bios}
</div>
<div class="rb-siehe-auch"><h3>Siehe auch</h3><ul>{_links(others[1:3])}</ul></div>
<div class="rb-aehnlich"><h3>Ähnliche Artikel</h3><ul>{_links(others[3:])}</ul></div>
</article>"""
    head = f'<link rel="canonical" href="{attr(url)}">\n<meta property="og:url" content="{attr(url)}">\n'
    return document(_layout(f"{page.title} | {SITE.title}", content, head), page.published)


def _listing(heading: str, pages: tuple[Page, ...]) -> Resource:
    teasers = "\n".join(f"""<div class="rb-teaser"><h2><a href="{page.path}">{text(page.title)}</a></h2>
<p>{text(summary(page))}</p></div>""" for page in pages)
    content = f"<h1>{text(heading)}</h1>\n{teasers}"
    return document(_layout(f"{heading} | {SITE.title}", content), newest(pages))


def _static(title: str, paragraphs: list[str]) -> Resource:
    content = f"<h1>{title}</h1>\n" + "\n".join(f"<p>{line}</p>" for line in paragraphs)
    return document(_layout(f"{title} | {SITE.title}", content), LAUNCH)


def routes(base: str) -> dict[str, Resource]:
    pages = site_pages(SITE.name)
    table = {
        "/": _listing("Aktuelle Nachrichten", pages),
        "/impressum.html": _static("Impressum", [
            "Rheinblick Medien GmbH, Rheinstraße 12, Weidenbrück.",
            '<span id="kontakt">Redaktion: redaktion@rheinblick.example</span>']),
        "/datenschutz.html": _static("Datenschutz", ["Wir speichern keine personenbezogenen Daten."]),
    }
    for section, label in SITE.sections.items():
        table[f"/{section}/"] = _listing(label, tuple(page for page in pages if page.section == section))
    table.update({page.path: _article(page, pages, base) for page in pages})
    table["/sitemap.xml"] = feeds.urlset([(base + path, resource.last_modified)
                                          for path, resource in table.items()])
    table["/robots.txt"] = feeds.robots(["/suche"], [base + "/sitemap.xml"])
    return table
