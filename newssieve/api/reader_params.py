"""The reader page's query parameters: feed, q (search), site, lang, from, to (dates), cursor.

They come from a GET form, so a search is a URL to share, and an empty field arrives as `name=`
(read as "not set"). A value that cannot be read is not a 422 JSON body here but a message on the
page, which then searches nothing. `from` and `to` are days in UTC, both included; `since` and
`until` (a time or a duration, as the feeds take them) still narrow the window too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import Query

from newssieve.api.params import MAX_LIMIT
from newssieve.feeds import search
from newssieve.feeds.query import FeedQuery
from newssieve.sites import NAME_RE
from newssieve.store.zscan import Position
from newssieve.timespec import parse_when

LANG_RE = re.compile(r"^[a-z]{2,3}$")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Selection:
    """What the reader chose, as typed (the form shows it back)."""

    feed: str = "all"
    q: str = ""
    site: str = ""
    lang: str = ""
    start: str = ""  # `from`
    end: str = ""  # `to`

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the feed narrows the list."""
        return bool(self.q.strip() or self.site or self.lang or self.start or self.end)


@dataclass
class ReaderAsk:
    selection: Selection
    query: FeedQuery
    problems: list[str] = field(default_factory=list)


def _day(value: str, name: str, problems: list[str]) -> float | None:
    """Midnight UTC of a YYYY-MM-DD day; None (and a problem noted) when it is not one."""
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC).timestamp()
    except ValueError:
        problems.append(f"“{value}” is not a date (YYYY-MM-DD) for “{name}”.")
        return None


def _when(value: str | None, name: str, problems: list[str]) -> float | None:
    try:
        return parse_when(value) if value else None
    except ValueError as exc:
        problems.append(f"{name}: {exc}.")
        return None


def _window(start: str, end: str, since: str | None, until: str | None,
            problems: list[str]) -> tuple[float | None, float | None]:
    """The published-time window [low, high) the dates and times ask for."""
    lows = [_day(start, "from", problems) if start else None, _when(since, "since", problems)]
    highs = [_day(end, "to", problems) if end else None, _when(until, "until", problems)]
    if highs[0] is not None:
        highs[0] += timedelta(days=1).total_seconds()  # `to` includes its day
    low = max((v for v in lows if v is not None), default=None)
    high = min((v for v in highs if v is not None), default=None)
    if low is not None and high is not None and low >= high:
        problems.append("“to” is earlier than “from”.")
    return low, high


def _checked(value: str, pattern: re.Pattern, what: str, problems: list[str]) -> str:
    if value and not pattern.match(value):
        problems.append(f"“{value}” is not a {what}.")
        return ""
    return value


def _position(cursor: str | None, problems: list[str]) -> Position | None:
    try:
        return Position.from_cursor(cursor) if cursor else None
    except ValueError:
        problems.append("The link to older stories is damaged: start again from the newest.")
        return None


async def reader_ask(
    feed: Annotated[str, Query(max_length=64, description="The feed to read.")] = "all",
    q: Annotated[str, Query(max_length=200, description="Words in the title or text (all of them).")] = "",
    site: Annotated[str, Query(max_length=64, description="Only stories from this site.")] = "",
    lang: Annotated[str, Query(max_length=64, description="Only stories in this language.")] = "",
    start: Annotated[str, Query(alias="from", max_length=10, description="Published on or after this day "
                                "(YYYY-MM-DD, UTC).")] = "",
    end: Annotated[str, Query(alias="to", max_length=10,
                              description="Published on or before this day.")] = "",
    since: Annotated[str | None, Query(max_length=40, description="As for the feeds.")] = None,
    until: Annotated[str | None, Query(max_length=40, description="As for the feeds.")] = None,
    cursor: Annotated[str | None, Query(max_length=400, description="To continue a list.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Stories per page.")] = PAGE_SIZE,
) -> ReaderAsk:
    problems: list[str] = []
    selection = Selection(feed=_checked(feed, NAME_RE, "feed name", problems) or "all", q=q,
                          site=_checked(site, NAME_RE, "site name", problems),
                          lang=_checked(lang, LANG_RE, "language code (en, de, fr …)", problems),
                          start=start, end=end)
    low, high = _window(start, end, since, until, problems)
    query = FeedQuery(since=low, until=high, site=selection.site or None, lang=selection.lang or None,
                      limit=limit, after=_position(cursor, problems), copies=True,
                      search=search.terms(q))
    return ReaderAsk(selection, query, problems)
