"""HTML for the reader page, server-rendered: every value goes through html.escape here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from newssieve.feeds.matches import label
from newssieve.feeds.query import FeedPage

TEMPLATE = Template((Path(__file__).parent / "templates" / "page.html").read_text(encoding="utf-8"))


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


def _href(url: str) -> str:
    """Links only to web pages: a stored URL with another scheme (javascript:, data:) becomes inert."""
    return escape(url) if urlsplit(url).scheme in ("http", "https") else "#"


def _when(ts: float | None) -> tuple[str, str]:
    if not ts:
        return "", "undated"
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.isoformat(timespec="seconds"), moment.strftime("%d %b %Y, %H:%M UTC")


def _time(ts: float | None) -> str:
    machine, human = _when(ts)
    return f'<time datetime="{machine}">{human}</time>' if machine else human


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    items = "".join(f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
                    f"{escape(text)}</option>" for value, text in options)
    return f'<label>{escape(label)} <select name="{name}">{items}</select></label>'


def filters_html(feeds: list[tuple[str, str]], sites: list[str], feed: str, site: str) -> str:
    return (_select("feed", "Feed", feeds, feed)
            + _select("site", "Site", [("", "All sites")] + [(s, s) for s in sites], site))


def _copy_html(copy: dict) -> str:
    similarity = "" if copy["similarity"] is None else f" · {round(copy['similarity'] * 100)}% similar"
    how = label(copy, " · ")
    badge = f' <span class="match" title="How this copy matched">{escape(how)}</span>' if how else ""
    return (f'<li class="copy"><a href="{_href(copy["url"])}" rel="nofollow noopener">'
            f'{escape(copy["title"] or copy["url"])}</a>'
            f'<span class="meta"><span class="site">{escape(copy["site"])}</span>{badge} · '
            f"{_time(copy['published_ts'])}{similarity}</span></li>")


def story_html(entry: dict, summary: str) -> str:
    authors = ", ".join(entry.get("authors") or [])
    parts = [f'<li class="story" id="story-{escape(entry["id"])}">',
             f'<h2><a href="{_href(entry["url"])}" rel="nofollow noopener">'
             f'{escape(entry["title"] or entry["url"])}</a></h2>',
             f'<p class="meta"><span class="site">{escape(entry["site"])}</span> · '
             f'{_time(entry["published_ts"])}' + (f" · {escape(authors)}" if authors else "") + "</p>"]
    if summary:
        parts.append(f'<p class="excerpt">{escape(summary)}</p>')
    copies = entry.get("copy_details") or []
    if copies:
        noun = "copy" if len(copies) == 1 else "copies"
        parts.append(f'<details class="copies"><summary>{len(copies)} {noun} on other sites</summary><ul>'
                     + "".join(_copy_html(c) for c in copies) + "</ul></details>")
    parts.append("</li>")
    return "".join(parts)


def render_page(page: FeedPage, summaries: dict[str, str], filters: str, links: PageLinks) -> str:
    title = page.feed.title or page.feed.name
    if page.entries:
        stories = ('<ol class="stories">' + "".join(story_html(e, summaries.get(e["id"], ""))
                                                    for e in page.entries) + "</ol>")
    else:
        stories = '<p class="empty">No stories here yet.</p>'
    pager = (f'<nav class="pager"><a rel="next" href="{escape(links.next)}">Older stories</a></nav>'
             if links.next else "")
    count = len(page.entries)
    about = f"{escape(title)}: {count} stor{'y' if count == 1 else 'ies'} on this page"
    return TEMPLATE.substitute(
        title=escape(title), about=about,
        filters=filters, stories=stories, pager=pager, home_url=escape(links.home), css_url=escape(links.css),
        js_url=escape(links.js), atom_url=escape(links.atom), rss_url=escape(links.rss),
        json_url=escape(links.json), docs_url=escape(links.docs), status_url=escape(links.status))
