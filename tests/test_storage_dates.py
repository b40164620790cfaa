"""Which date orders an article: the page's own, else its feed's, else the fetch time."""

from __future__ import annotations

from newssieve.models import Article, Page
from newssieve.store.articles import LISTED_PUBLISHED_HEADER, published_ts


def page(fetched_at: float = 1000.0, **headers: str) -> Page:
    return Page(url="u", canonical_url="u", site="s", html="", headers=headers, fetched_at=fetched_at)


def test_page_date_wins():
    article = Article(published="2026-11-20T08:00:00+00:00")
    listed = page(**{LISTED_PUBLISHED_HEADER: "2026-11-01T00:00:00Z"})
    assert published_ts(article, listed) == 1795161600.0


def test_feed_date_when_the_page_has_none():
    assert published_ts(Article(), page(**{LISTED_PUBLISHED_HEADER: "2026-11-20T08:00:00Z"})) == 1795161600.0


def test_fetch_time_when_nothing_parses():
    assert published_ts(Article(published="yesterday"), page(**{LISTED_PUBLISHED_HEADER: "soon"})) == 1000.0


def test_listed_dates_out_of_range_fall_back():
    """A listing's 9999-12-31 (or 1970, or 2099) is not a publication date: the fetch time is."""
    fetched = 1795161600.0
    for claimed in ("9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z", "2099-01-01T00:00:00Z"):
        assert published_ts(Article(), page(fetched, **{LISTED_PUBLISHED_HEADER: claimed})) == fetched
        assert published_ts(Article(published=claimed), page(fetched)) == fetched


def test_a_page_date_out_of_range_gives_way_to_the_listed_one():
    listed = page(**{LISTED_PUBLISHED_HEADER: "2026-11-20T08:00:00Z"})
    assert published_ts(Article(published="9999-12-31T23:59:59Z"), listed) == 1795161600.0
