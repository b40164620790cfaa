"""The Metro Daily's look: an old-school table layout; the date is only in the byline text and the URL.

Found by following links from the front page through section pages (paginated) to articles. Author,
tag, about and contact pages are not articles, and /private/ is disallowed by robots.txt although the
front page links into it.
"""

from __future__ import annotations

from demo.content import SITES, site_pages
from demo.content.model import Page
from demo.sites import feeds
from demo.sites.common import (
    LAUNCH,
    Resource,
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

SITE = SITES["metro-daily"]
PAGE_SIZE = 3  # stories per section page, so the bigger sections paginate
PRIVATE = "/private/2026/11/30/embargoed-city-pay-report"


def _layout(title: str, content: str, right: str = "", head: str = "") -> str:
    links = [f'<a href="/section/{section}">{label}</a>' for section, label in SITE.sections.items()]
    menu, left = " | ".join(links), "<br>\n".join(links)
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{text(title)}</title>
{head}<link rel="stylesheet" type="text/css" href="/css/metro.css">
</head>
<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="outer">
<tr><td colspan="3" class="masthead"><a href="/"><img src="/img/metro-logo.gif" alt="Metro Daily" width="300"
height="60" border="0"></a> <span class="tagline">Brackley's newspaper since 1921</span></td></tr>
<tr><td colspan="3" class="navbar"><a href="/">Home</a> | {menu} | <a href="/about">About</a> |
<a href="/contact">Contact</a></td></tr>
<tr>
<td width="150" valign="top" class="leftcol"><b>Sections</b><br>
{left}</td>
<td valign="top" class="maincol">
{content}
</td>
<td width="220" valign="top" class="rightcol">
<table width="100%" border="0" cellpadding="4" class="box">
<tr><td class="boxhead">Get the Metro Daily by email</td></tr>
<tr><td>Sign up for our free evening newsletter.<form action="/newsletter" method="post"><input type="text"
name="email" size="18"><input type="submit" value="Go"></form></td></tr></table>
{right}
</td>
</tr>
<tr><td colspan="3" class="footer"><font size="1">Copyright &copy; 2026 Metro Daily Publishing Co., Brackley.
All rights reserved. | <a href="/about">About us</a> | <a href="/contact">Contact</a> |
<a href="/tag/brackley">Brackley</a>
</font></td></tr>
</table>
</body>
</html>
"""


def _byline(page: Page) -> str:
    authors = [f'<a href="/author/{slug(author)}">{text(author)}</a>' for author in page.authors]
    day = page.published
    return f'<div class="byline">By {names(authors)} | {day:%b} {day.day}, {day:%Y}</div>'


def _article(page: Page, pages: tuple[Page, ...], base: str) -> Resource:
    others = related(page, pages)
    see_also = others[-1]
    body = weave([f"<p>{text(paragraph)}</p>" for paragraph in page.paragraphs], [
        (variety(page, pages, (3, 2, 5, 4)),
         f'<p>See also: <a href="{see_also.path}">{text(see_also.title)}</a></p>'),
    ])
    credit = "\n<p>Copyright 2026 Harbor Wire. All rights reserved.</p>" if page.variant != "original" else ""
    bios = "".join(f"\n<p>{text(SITE.bios[author])}</p>" for author in page.authors if author in SITE.bios)
    more = "<br>\n".join(f'&raquo; <a href="{other.path}">{text(other.title)}</a>' for other in others)
    right = (f'<table width="100%" border="0" cellpadding="4" class="box"><tr><td class="boxhead">More '
             f"{SITE.sections[page.section]} news</td></tr><tr><td>{more}</td></tr></table>")
    content = f"""<h1 class="hed">{text(page.title)}</h1>
{_byline(page)}
<figure><img src="/photos/{page.story}.jpg" width="460" alt="">
<figcaption>{text(page.caption)}</figcaption></figure>
<div class="storytext">
{body}{credit}{bios}
</div>
<div class="tags">Tags: <a href="/tag/{page.section}">{SITE.sections[page.section]}</a>,
<a href="/tag/brackley">Brackley</a></div>"""
    head = f'<link rel="canonical" href="{base + page.path}">\n'
    return document(_layout(f"{page.title} | {SITE.title}", content, right, head), page.published)


def _headlines(pages: tuple[Page, ...], query: str = "") -> str:
    return "\n".join(f"""<p class="headline"><a href="{page.path}{query}"><b>{text(page.title)}</b></a><br>
{text(summary(page))}</p>""" for page in pages)


def _section(section: str, pages: tuple[Page, ...]) -> dict[str, Resource]:
    """A section's pages: /section/NAME, then /section/NAME/page/2 and so on."""
    chunks = [pages[start:start + PAGE_SIZE] for start in range(0, len(pages), PAGE_SIZE)]
    paths = [f"/section/{section}"] + [f"/section/{section}/page/{n}" for n in range(2, len(chunks) + 1)]
    out = {}
    for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True)):
        pager = []
        if number:
            pager.append(f'<a href="{paths[number - 1]}">&laquo; Previous page</a>')
        if number + 1 < len(paths):
            pager.append(f'<a href="{paths[number + 1]}">Next page &raquo;</a>')
        label = SITE.sections[section]
        headlines = _headlines(chunk, "?utm_source=section&utm_medium=web")
        content = (f'<h1 class="sectionhead">{label}</h1>\n{headlines}\n'
                   f'<p class="pager">{" | ".join(pager)}</p>')
        out[path] = document(_layout(f"{label} | {SITE.title}", content), newest(chunk))
    return out


def _front(pages: tuple[Page, ...]) -> Resource:
    content = f"""<h1 class="sectionhead">Top stories</h1>
{_headlines(pages[:4], "?utm_source=homepage&utm_medium=web")}
<p class="staff">Newsroom only: <a href="{PRIVATE}">Embargoed: city pay report (do not publish)</a></p>"""
    return document(_layout(f"Brackley news | {SITE.title}", content), newest(pages))


def _private() -> Resource:
    content = """<h1 class="hed">EMBARGOED: City hall pay report</h1>
<div class="byline">By Helen Marsh | Nov 30, 2026</div>
<div class="storytext"><p>Draft, not for publication before the embargo lifts.</p></div>"""
    return document(_layout(f"Embargoed | {SITE.title}", content), LAUNCH)


def _static(title: str, paragraphs: list[str]) -> Resource:
    content = f'<h1 class="sectionhead">{title}</h1>\n' + "\n".join(f"<p>{line}</p>" for line in paragraphs)
    return document(_layout(f"{title} | {SITE.title}", content), LAUNCH)


def _author(name: str, pages: tuple[Page, ...]) -> Resource:
    bio = SITE.bios.get(name, f"{name} writes for Harbor Wire, whose stories the Metro Daily carries.")
    heading = f'<h1 class="sectionhead">{text(name)}</h1>\n<p class="bio">{text(bio)}</p>'
    content = f"{heading}\n{_headlines(pages)}"
    return document(_layout(f"{name} | {SITE.title}", content), newest(pages))


def _tag(label: str, pages: tuple[Page, ...]) -> Resource:
    content = f'<h1 class="sectionhead">Tagged: {label}</h1>\n{_headlines(pages)}'
    return document(_layout(f"{label} | {SITE.title}", content), newest(pages))


def routes(base: str) -> dict[str, Resource]:
    pages = site_pages(SITE.name)
    table = {
        "/": _front(pages),
        "/about": _static("About the Metro Daily", [
            "The Metro Daily has covered Brackley since 1921.",
            'Read our <a href="/contact">contact page</a> to reach the newsroom.']),
        "/contact": _static("Contact us", ["Newsroom: 1 Press Yard, Brackley.",
                                           "Tips: tips@metrodaily.example"]),
        "/robots.txt": feeds.robots(["/private/"]),
        PRIVATE: _private(),
        "/tag/brackley": _tag("Brackley", pages),
    }
    for section, label in SITE.sections.items():
        in_section = tuple(page for page in pages if page.section == section)
        table.update(_section(section, in_section))
        table[f"/tag/{section}"] = _tag(label, in_section)
    for author in sorted({author for page in pages for author in page.authors}):
        bylined = tuple(page for page in pages if author in page.authors)
        table[f"/author/{slug(author)}"] = _author(author, bylined)
    table.update({page.path: _article(page, pages, base) for page in pages})
    return table
