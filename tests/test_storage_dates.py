"""Which date orders an article: the page's own, else its feed's, else the fetch time."""

from __future__ import annotations

from newssieve.models import Article, Page
from newssieve.store.articles import LISTED_PUBLISHED_HEADER, published_ts


def page(**headers: str) -> Page:
    return Page(url="u", canonical_url="u", site="s", html="", headers=headers, fetched_at=1000.0)


def test_page_date_wins():
    article = Article(published="2026-11-20T08:00:00+00:00")
    listed = page(**{LISTED_PUBLISHED_HEADER: "2026-11-01T00:00:00Z"})
    assert published_ts(article, listed) == 1795161600.0


def test_feed_date_when_the_page_has_none():
    assert published_ts(Article(), page(**{LISTED_PUBLISHED_HEADER: "2026-11-20T08:00:00Z"})) == 1795161600.0


def test_fetch_time_when_nothing_parses():
    assert published_ts(Article(published="yesterday"), page(**{LISTED_PUBLISHED_HEADER: "soon"})) == 1000.0

