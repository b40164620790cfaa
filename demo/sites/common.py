"""What the five site templates share: resources, escaping, and choosing related pages and slots."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from demo.content.model import Page

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
RSS = "application/rss+xml"
ATOM = "application/atom+xml"
XML = "application/xml"
GZIP = "application/x-gzip"

# Last-Modified of the pages that never change (about pages, robots.txt): the day the network "launched".
LAUNCH = datetime(2026, 11, 1, tzinfo=UTC)

# A 1x1 transparent GIF, so that Harbor Wire's figures need no second request.
PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


@dataclass(frozen=True)
class Resource:
    """One servable response body. The server derives ETag and Last-Modified headers from it."""

    body: bytes
    content_type: str
    last_modified: datetime


def text(value: str) -> str:
    """Escape for an HTML text node (quotes stay readable)."""
    return html.escape(value, quote=False)


def attr(value: str) -> str:
    """Escape for a double-quoted HTML attribute."""
    return html.escape(value, quote=True)


def document(markup: str, last_modified: datetime) -> Resource:
    return Resource(markup.encode("utf-8"), HTML, last_modified)


def newest(pages: Sequence[Page]) -> datetime:
    return max(page.published for page in pages)


def names(authors: Sequence[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(authors) == 1:
        return authors[0]
    return f"{', '.join(authors[:-1])} {conjunction} {authors[-1]}"


def slug(name: str) -> str:
    return "-".join(name.lower().split())


def summary(page: Page, words: int = 28) -> str:
    """The opening words of the first paragraph, as feeds and teasers show them."""
    opening = page.paragraphs[0].split()
    return " ".join(opening[:words]) + (" …" if len(opening) > words else "")


def related(page: Page, pages: Sequence[Page], count: int = 3) -> list[Page]:
    """Other pages of the same site, same section first, newest first."""
    others = [other for other in pages if other.path != page.path]
    return sorted(others, key=lambda other: (other.section != page.section, -other.published.timestamp()))[
        :count]


def variety(page: Page, pages: Sequence[Page], choices: Sequence[int]) -> int:
    """Pick one of `choices` by the page's position on its site, so boilerplate moves from page to page."""
    position = [other.path for other in pages].index(page.path)
    return choices[position % len(choices)]


def weave(paragraphs: Sequence[str], inserts: Sequence[tuple[int, str]]) -> str:
    """Paragraph markup with each extra block placed after the paragraph at its index (-1: before all).

    An index past the end puts the block after the last paragraph; blocks at one index keep their order.
    """
    last = len(paragraphs) - 1
    placed: dict[int, list[str]] = {}
    for index, block in inserts:
        placed.setdefault(min(index, last), []).append(block)
    out = list(placed.get(-1, []))
    for index, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        out.extend(placed.get(index, []))
    return "\n".join(out)
