"""Response models: they shape /openapi.json and /docs, and keep responses to the documented fields."""

from __future__ import annotations

from pydantic import BaseModel, Field

MATCH = ("exact (the same text), near (MinHash Jaccard or containment) or translation; null when not "
         "known.")
MATCH_CANONICAL = f"How it matches the canonical: {MATCH} Null for the canonical."


class FeedInfo(BaseModel):
    name: str
    title: str
    sites: list[str] = Field(description="Sites it selects (empty: every site).")
    langs: list[str] = Field(description="Languages it selects (empty: every language).")
    count: int = Field(description="Stories in the feed.")


class FeedList(BaseModel):
    feeds: list[FeedInfo]


class Copy(BaseModel):
    id: str
    url: str
    site: str
    title: str
    published: str | None
    similarity: float | None = Field(description="Estimated Jaccard similarity to the canonical (0-1).")
    match: str | None = Field(description="How it matches the entry it is listed under: " + MATCH)
    lang: str | None = Field(description="The copy's language (ISO 639-1), or null.")


class Entry(BaseModel):
    """One story: its canonical article (the earliest published copy in this feed)."""

    id: str
    url: str
    canonical_url: str
    site: str
    title: str
    authors: list[str]
    published: str | None = Field(description="As the page gave it (ISO 8601), or null.")
    published_ts: float | None = Field(description="Seconds since the epoch; the fetch time when undated.")
    lang: str | None
    cluster: str | None
    copies: int = Field(description="How many other articles carry this story.")
    copy_urls: list[str]
    copy_details: list[Copy] | None = Field(None, description="Only with copies=true.")


class FeedPageOut(BaseModel):
    feed: str
    title: str
    entries: list[Entry]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end. "
                                                "A filtered page may hold fewer than `limit` entries "
                                                "and still have a next page.")


class Match(BaseModel):
    id: str | None = Field(description="The copy this article was matched with when it was indexed.")
    jaccard: float | None
    containment: float | None
    kind: str | None = Field(description="How it matched that copy: exact, near or translation.")


class ArticleCluster(BaseModel):
    id: str
    canonical: str | None
    is_canonical: bool
    size: int
    similarity: float | None = Field(description="Estimated Jaccard similarity to the canonical.")
    match: str | None = Field(description=MATCH_CANONICAL)
    matched: Match


class ArticleOut(BaseModel):
    id: str
    url: str
    canonical_url: str
    site: str
    site_name: str | None
    title: str
    authors: list[str]
    published: str | None
    published_ts: float | None
    lang: str | None
    text: str
    fetched_at: float | None
    status: int | None
    feeds: list[str]
    empty_reason: str | None
    cluster: ArticleCluster | None


class Member(BaseModel):
    id: str
    url: str
    site: str
    title: str
    published: str | None
    published_ts: float | None
    lang: str | None
    canonical: bool
    similarity: float | None = Field(description="Estimated Jaccard similarity to the canonical.")
    match: str | None = Field(description=MATCH_CANONICAL)


class ClusterOut(BaseModel):
    id: str
    canonical: str
    size: int
    members: list[Member] = Field(description="Earliest published first.")


class DataError(BaseModel):
    key: str
    why: str
    at: float = Field(description="When it was last skipped (Unix time).")


class DataErrors(BaseModel):
    count: int = Field(description="Malformed records the readers skipped (each read counts).")
    latest: list[DataError] = Field(description="The latest distinct ones, newest first.")


class Health(BaseModel):
    status: str
    redis: str
    data_errors: DataErrors | None = Field(
        default=None, description="Malformed records skipped instead of failing a page (null: not read).")
