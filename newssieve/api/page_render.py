"""HTML for the reader page, server-rendered: every value goes through html.escape here.

Each story's title opens its article page, "what each copy changed" its story page (both served
by api/articles.py at the JSON URLs, see api/negotiate.py); the source link leaves for the site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from newssieve.api.reader_params import Selection
from newssieve.feeds.matches import label
from newssieve.feeds.query import FeedPage

TEMPLATE = Template((Path(__file__).parent / "templates" / "page.html").read_text(encoding="utf-8"))
LANGUAGE_NAMES = {"ar": "Arabic", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
                  "en": "English", "es": "Spanish", "fi": "Finnish", "fr": "French", "it": "Italian",
                  "ja": "Japanese", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
                  "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese"}


@dataclass
class PageLinks:
    """URLs the page points to, built by the route (it knows the app's mount point)."""

    home: str
    css: str
    js: str
    atom: str
    rss: str
    json: str
    docs: str
    status: str
    next: str | None
    clear: str = ""  # the feed without search or filters
    article: Callable[[str], str] = str  # article id -> its page
    story: Callable[[str], str] = str  # cluster id -> its story page


@dataclass
class Choices:
    """What the filters offer: (value, label) pairs."""

    feeds: list[tuple[str, str]]
    sites: list[str]
    langs: list[str]


def href(url: str) -> str:
    """Links only to web pages: a stored URL with another scheme (javascript:, data:) becomes inert."""
    return escape(url) if urlsplit(url).scheme in ("http", "https") else "#"


def _when(ts: float | None) -> tuple[str, str]:
    if not ts:
        return "", "undated"
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.isoformat(timespec="seconds"), moment.strftime("%d %b %Y, %H:%M UTC")


def time_html(ts: float | None) -> str:
    machine, human = _when(ts)
    return f'<time datetime="{machine}">{human}</time>' if machine else human


def language(code: str | None) -> str:
    """"German (de)" for people; the code alone when its name is not known here."""
    if not code:
        return "language unknown"
    return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else code


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    items = "".join(f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
                    f"{escape(text)}</option>" for value, text in options)
    return f'<label>{escape(label)} <select name="{name}">{items}</select></label>'


def _date(name: str, label: str, value: str) -> str:
    return (f'<label>{escape(label)} <input type="date" name="{name}" value="{escape(value)}"'
            ' pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" placeholder="YYYY-MM-DD"></label>')


def filters_html(choices: Choices, chosen: Selection) -> str:
    langs = sorted(set(choices.langs) | ({chosen.lang} - {""}))
    return (_select("feed", "Feed", choices.feeds, chosen.feed)
            + _select("site", "Site", [("", "All sites")] + [(s, s) for s in choices.sites], chosen.site)
            + _select("lang", "Language", [("", "All languages")] + [(c, language(c)) for c in langs],
                      chosen.lang)
            + _date("from", "From", chosen.start) + _date("to", "To", chosen.end))


def _copy_html(copy: dict, links: PageLinks) -> str:
    similarity = ("" if copy["similarity"] is None or copy["match"] == "translation"  # shingles: one language
                  else f" · {round(copy['similarity'] * 100)}% similar")
    how = label(copy, " · ")
    badge = f' <span class="match" title="How this copy matched">{escape(how)}</span>' if how else ""
    return (f'<li class="copy"><a href="{escape(links.article(copy["id"]))}">'
            f'{escape(copy["title"] or copy["url"])}</a>'
            f'<span class="meta"><span class="site">{escape(copy["site"])}</span>{badge} · '
            f"{time_html(copy['published_ts'])}{similarity} · "
            f'<a class="source" href="{href(copy["url"])}" rel="nofollow noopener">source ↗</a></span></li>')


def story_html(entry: dict, summary: str, links: PageLinks) -> str:
    authors = ", ".join(entry.get("authors") or [])
    parts = [f'<li class="story" id="story-{escape(entry["id"])}">',
             f'<h2><a href="{escape(links.article(entry["id"]))}">'
             f'{escape(entry["title"] or entry["url"])}</a></h2>',
             f'<p class="meta"><span class="site">{escape(entry["site"])}</span> · '
             f'{time_html(entry["published_ts"])}' + (f" · {escape(authors)}" if authors else "")
             + f' · <a class="source" href="{href(entry["url"])}" rel="nofollow noopener">source ↗</a></p>']
    if summary:
        parts.append(f'<p class="excerpt">{escape(summary)}</p>')
    copies = entry.get("copy_details") or []
    if copies:
        noun = "copy" if len(copies) == 1 else "copies"
        story = links.story(entry["cluster"] or entry["id"])
        compare = (f'<p class="compare-link"><a href="{escape(story)}">'
                   "See what each copy changed</a></p>")
        parts.append(f'<details class="copies"><summary>{len(copies)} {noun} on other sites</summary><ul>'
                     + "".join(_copy_html(c, links) for c in copies) + f"</ul>{compare}</details>")
    parts.append("</li>")
    return "".join(parts)


def _narrowing(chosen: Selection) -> str:
    """"matching “flood” · from wire · in German (de) · from 2026-11-20 to 2026-11-21"."""
    parts = [f"matching “{escape(chosen.q.strip())}”" if chosen.q.strip() else "",
             f"from {escape(chosen.site)}" if chosen.site else "",
             f"in {escape(language(chosen.lang))}" if chosen.lang else "",
             f"published from {escape(chosen.start)}" if chosen.start else "",
             f"published up to {escape(chosen.end)}" if chosen.end else ""]
    return " · ".join(p for p in parts if p)


def _empty_html(page: FeedPage | None, chosen: Selection, links: PageLinks) -> str:
    if page is None:
        return '<p class="empty">Nothing was searched: see above.</p>'
    if not chosen.narrowed:
        return '<p class="empty">No stories here yet.</p>'
    further = (f' None among the stories looked at so far: <a rel="next" href="{escape(links.next)}">'
               "look further back</a>." if links.next else "")
    return (f'<p class="empty">No stories {_narrowing(chosen)}.{further} '
            f'<a class="clear" href="{escape(links.clear)}">Show all stories</a></p>')


def _about(page: FeedPage | None, title: str, chosen: Selection, links: PageLinks) -> str:
    if page is None:
        return f"{escape(title)}: nothing searched"
    count = len(page.entries)
    about = f"{escape(title)}: {count} stor{'y' if count == 1 else 'ies'} on this page"
    if chosen.narrowed:
        about += f' {_narrowing(chosen)} · <a class="clear" href="{escape(links.clear)}">clear</a>'
    return about


def render_page(page: FeedPage | None, title: str, summaries: dict[str, str], filters: str,
                chosen: Selection, links: PageLinks, problems: list[str] = ()) -> str:
    """The reader page; `page` is None when the request could not be read (`problems` say why)."""
    if page and page.entries:
        stories = ('<ol class="stories">' + "".join(story_html(e, summaries.get(e["id"], ""), links)
                                                    for e in page.entries) + "</ol>")
    else:
        stories = _empty_html(page, chosen, links)
    pager = (f'<nav class="pager"><a rel="next" href="{escape(links.next)}">Older stories</a></nav>'
             if links.next and page and page.entries else "")
    notice = ('<div class="problems" role="alert"><p>This search cannot be read:</p><ul>'
              + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul></div>") if problems else ""
    return TEMPLATE.substitute(
        title=escape(title), about=_about(page, title, chosen, links), query=escape(chosen.q),
        filters=filters, notice=notice, stories=stories, pager=pager, home_url=escape(links.home),
        css_url=escape(links.css), js_url=escape(links.js), atom_url=escape(links.atom),
        rss_url=escape(links.rss), json_url=escape(links.json), docs_url=escape(links.docs),
        status_url=escape(links.status))
