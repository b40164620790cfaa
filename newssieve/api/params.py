"""The query parameters of a feed (JSON, Atom, RSS and the web page), validated into a FeedQuery.

Bad values are answered with FastAPI's usual 422 body: `{"detail": [{"loc", "msg", ...}]}`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator

from newssieve.feeds.query import FeedQuery
from newssieve.sites import NAME_RE
from newssieve.store.zscan import Position
from newssieve.timespec import parse_when

MAX_LIMIT = 200


def _readable_time(value: str | None) -> str | None:
    if value is not None:
        parse_when(value)
    return value


def _readable_cursor(value: str | None) -> str | None:
    if value is not None:
        Position.from_cursor(value)
    return value


When = Annotated[str | None, AfterValidator(_readable_time)]
Cursor = Annotated[str | None, AfterValidator(_readable_cursor)]
TIME_HELP = "ISO 8601 (a time without a zone is UTC) or a duration back from now: 30m, 2h, 7d."


async def feed_query(
    since: Annotated[When, Query(description=f"Published at or after this. {TIME_HELP}")] = None,
    until: Annotated[When, Query(description=f"Published before this. {TIME_HELP}")] = None,
    site: Annotated[str | None, Query(max_length=64, pattern=NAME_RE.pattern,
                                      description="Only stories whose canonical article is from this site.")
                    ] = None,
    lang: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$",
                                      description="Only stories in this language (ISO 639-1).")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Stories per page.")] = 50,
    cursor: Annotated[Cursor, Query(max_length=400, description="`next_cursor` of the previous page.")
                      ] = None,
    copies: Annotated[bool, Query(description="Inline each copy: id, url, site, title, published, "
                                              "similarity to the canonical.")] = False,
) -> FeedQuery:
    start = parse_when(since) if since else None
    end = parse_when(until) if until else None
    if start is not None and end is not None and start >= end:
        raise RequestValidationError([{"type": "value_error", "loc": ("query", "until"),
                                       "msg": "until must be later than since", "input": until}])
    return FeedQuery(since=start, until=end, site=site, lang=lang, limit=limit,
                     after=Position.from_cursor(cursor) if cursor else None, copies=copies)
