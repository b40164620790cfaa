"""The storage schema: articles, per-site and per-feed sorted sets, clusters.

Everything is flat strings (JSON for lists) in Redis hashes and sorted sets;
nothing is pickled. Ids come from canonical URLs, so writing a page twice
overwrites the same record.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from newssieve.ids import article_id
from newssieve.keys import Keys
from newssieve.models import Article, Page
from newssieve.redis_conn import get_client
from newssieve.sites import FeedDef

SUMMARY_FIELDS = ("id", "url", "canonical_url", "site", "title", "authors", "published", "lang", "cluster")


LISTED_PUBLISHED_HEADER = "x-newssieve-listed-published"
"""Set by the crawler when a feed or news sitemap gave the article's date."""


def _timestamp(value: str | None) -> float | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def published_ts(article: Article, page: Page) -> float:
    """Seconds since the epoch of publication: the page's date, else the date its feed or
    sitemap listed, else the fetch time."""
    for value in (article.published, page.headers.get(LISTED_PUBLISHED_HEADER)):
        if (stamp := _timestamp(value)) is not None:
            return stamp
    return page.fetched_at or time.time()


def feeds_for(feed_defs: dict[str, FeedDef], site: str, lang: str | None) -> list[str]:
    """The named feeds an article belongs to ('all' always)."""
    names = []
    for feed in feed_defs.values():
        if feed.sites and site not in feed.sites:
            continue
        if feed.langs and (lang or "") not in feed.langs:
            continue
        names.append(feed.name)
    if "all" not in names:
        names.insert(0, "all")
    return names


@dataclass
class StoredArticle:
    fields: dict[str, str]

    @property
    def id(self) -> str:
        return self.fields["id"]

    def to_dict(self) -> dict:
        out: dict = dict(self.fields)
        for name in ("authors", "paragraphs"):
            out[name] = json.loads(out.get(name) or "[]")
        for name in ("published_ts", "fetched_at", "jaccard", "containment"):
            if out.get(name):
                out[name] = float(out[name])
        for name in ("shingles", "seen_seq", "status"):
            if out.get(name):
                out[name] = int(out[name])
        out["feeds"] = [f for f in out.get("feeds", "").split(",") if f]
        out["match"] = out.get("match") or None
        return out


class Store:
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix)

    # -- writing ---------------------------------------------------------------

    def save_article(self, page: Page, article: Article, *, exact_hash: str, shingles: int,
                     feeds: list[str], published: float) -> str:
        """Write the article record and its site entry; returns the article id."""
        aid = article_id(page.canonical_url)
        fields = {
            "id": aid, "url": page.url, "canonical_url": page.canonical_url, "site": page.site,
            "status": page.status, "fetched_at": page.fetched_at, "processed_at": time.time(),
            "title": article.title, "authors": json.dumps(article.authors, ensure_ascii=False),
            "published": article.published or "", "published_ts": published, "lang": article.lang or "",
            "site_name": article.site_name or "", "text": article.text,
            "paragraphs": json.dumps(article.paragraphs, ensure_ascii=False),
            "empty_reason": article.empty_reason or "", "exact_hash": exact_hash, "shingles": shingles,
            "feeds": ",".join(feeds),
        }
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.article(aid), mapping=fields)
        pipe.zadd(self.keys.site(page.site), {aid: published})
        pipe.zadd(self.keys.articles, {aid: time.time()}, nx=True)
        pipe.execute()
        return aid

    # -- reading ---------------------------------------------------------------

    def article(self, aid: str) -> StoredArticle | None:
        fields = self.client.hgetall(self.keys.article(aid))
        return StoredArticle(fields) if fields else None

    def articles(self, ids: list[str], fields: tuple[str, ...] = SUMMARY_FIELDS) -> list[dict]:
        pipe = self.client.pipeline(transaction=False)
        for aid in ids:
            pipe.hmget(self.keys.article(aid), fields)
        rows = []
        for values in pipe.execute():
            if values[0] is None:
                continue  # expired between the index read and this one
            row = dict(zip(fields, values, strict=True))
            if "authors" in row:
                row["authors"] = json.loads(row["authors"] or "[]")
            rows.append(row)
        return rows

    def cluster_members(self, cluster_id: str) -> list[str]:
        """Member ids, earliest published first."""
        return self.client.zrange(self.keys.cluster(cluster_id), 0, -1)

    def feed_ids(self, name: str, *, limit: int = 50, until: float | None = None,
                 since: float | None = None) -> list[str]:
        """Canonical article ids of a feed, newest first."""
        top = "+inf" if until is None else until
        bottom = "-inf" if since is None else since
        return self.client.zrevrangebyscore(self.keys.feed(name), top, bottom, start=0, num=limit)

    def article_count(self) -> int:
        return self.client.zcard(self.keys.articles)

    def canonicals(self, cluster_ids: list[str], feed: str = "all") -> list[str | None]:
        """Each cluster's representative in a feed, as story_index.lua keeps it."""
        pipe = self.client.pipeline(transaction=False)
        for cluster_id in cluster_ids:
            pipe.hget(self.keys.rep(cluster_id), feed)
        return pipe.execute() if cluster_ids else []
