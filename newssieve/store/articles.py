"""The article record: the one module that writes and reads the article hash, and its sorted sets.

Everything is flat strings (JSON for lists) in Redis hashes and sorted sets;
nothing is pickled. Ids come from canonical URLs, so writing a page twice
overwrites the same record. Readers ask for one of the field subsets below and
get values decoded by `decode` (lists, numbers, None for an unset optional
field), whichever way the fields were read.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import redis
from redis.client import NEVER_DECODE

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.sites import FeedDef
from newssieve.store.data_errors import DataErrors, reason
from newssieve.store.keys import KeyOwner, Keys
from newssieve.store.record_layout import BODY, compact, decode_body, encode_body, text_value
from newssieve.timespec import iso_timestamp

if TYPE_CHECKING:
    import redis.asyncio as aioredis

LISTED_PUBLISHED_HEADER = "x-newssieve-listed-published"
"""Set by the crawler when a feed or news sitemap gave the article's date."""

EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC).timestamp()
FUTURE_SLACK_SECONDS = 2 * 86400
"""A claimed date may run ahead of the fetch by time zones and clock skew, not more."""
LATEST_STORABLE = datetime(9999, 1, 1, tzinfo=UTC).timestamp()


def _json_list(value: str | None) -> list[str]:
    items = json.loads(value or "[]")
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError(f"not a JSON list of strings: {value[:80]!r}")
    return items


def _comma_list(value: str | None) -> list[str]:
    return [item for item in (value or "").split(",") if item]


def _float(value: str | None) -> float | None:
    return float(value) if value else None


def _moment(value: str | None) -> float | None:
    """A stored time; None when it is not one a date can show (a record from before the range check)."""
    stamp = _float(value)
    return stamp if stamp is not None and 0 <= stamp < LATEST_STORABLE else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _or_none(value: str | None) -> str | None:
    return value or None


def _as_stored(value: str | None) -> str | None:
    return value


def _text(value: str | None) -> str:
    return value or ""


# Every field readers ask for and how its string reads back. The first block is written by
# save_article, the second by story_index.lua. Text fields stay as stored ("" when unset, as the
# API has always shown `site_name`); optional ones that mean "not known" read back as None.
# `text` and `paragraphs` are stored once, as `body` (store/record_layout.py), and read through
# DERIVED below, as is `canonical_url` (not stored when it is the URL); records of the older
# layout (`text` and `paragraphs` plain) read the same.
FIELDS: dict[str, Callable[[str | None], object]] = {
    "id": _as_stored, "url": _as_stored, "canonical_url": _as_stored, "site": _as_stored, "status": _int,
    "fetched_at": _float, "processed_at": _float, "title": _as_stored, "authors": _json_list,
    "published": _or_none, "published_ts": _moment, "lang": _or_none, "site_name": _text,
    "text": _as_stored, "paragraphs": _json_list, "empty_reason": _or_none, "exact_hash": _as_stored,
    "shingles": _int, "feeds": _comma_list,
    "cluster": _or_none, "match": _or_none, "jaccard": _float, "containment": _float, "seen_seq": _int,
    "match_kind": _or_none,  # as stored; readers get it through DERIVED below
}

ENTRY_FIELDS = ("seen_seq", "cluster", "match", "match_kind", "jaccard", "containment")
"""The fields story_index.lua keeps in the article's entry (Keys.entry), not in its record: read from
there, or from the record where the entry is missing (the older layout, until `newssieve migrate`).
feed_rows.lua reads them the same way (its ENTRY)."""

MATCH_KINDS = ("exact", "near", "translation")
"""How a copy was matched (`match_kind`), closest first: the same normalised text, MinHash Jaccard
or containment, a translation."""


def _match_kind(raw: dict[str, str | None]) -> str | None:
    """How the article matched `match`: as stored, or for a record stored before story_index.lua wrote
    `match_kind`, exact when its Jaccard was 1.0, else near. None without a match (a kind left behind
    by an unmatched record does not count)."""
    if not raw["match"]:
        return None
    if raw["match_kind"]:
        return raw["match_kind"]
    try:
        return "exact" if float(raw["jaccard"] or 0) == 1.0 else "near"
    except ValueError:  # a damaged score must not cost the feed page that lists the copy
        return "near"


# Fields decoded from the whole record: name -> (the stored fields it reads, how).
def _paragraphs(raw: dict) -> list[str]:
    """The paragraphs from the body (decompressed once per record read), else as layout 1 stored them."""
    if "\0paragraphs" not in raw:
        body = decode_body(raw[BODY])
        raw["\0paragraphs"] = body if body is not None else _json_list(raw["paragraphs"])
    return raw["\0paragraphs"]


def _joined(raw: dict) -> str:
    return "\n".join(_paragraphs(raw)) if raw[BODY] else (raw["text"] or "")


DERIVED: dict[str, tuple[tuple[str, ...], Callable[[dict[str, str | None]], object]]] = {
    "match_kind": (("match_kind", "match", "jaccard"), _match_kind),
    "paragraphs": (("paragraphs", BODY), _paragraphs),
    "text": (("text", BODY), _joined),
    "canonical_url": (("canonical_url", "url"), lambda raw: raw["canonical_url"] or raw["url"]),
}

# The subsets readers ask for.
RECORD_FIELDS = tuple(FIELDS)
"""The whole record (Store.load, tests)."""
FEED_ENTRY_FIELDS = ("id", "url", "canonical_url", "site", "title", "authors", "published", "published_ts",
                     "lang", "cluster", "match", "match_kind")
"""One story in a feed page, as its canonical article (with the member it matched, which tells how its
copies match it)."""
COPY_FIELDS = ("id", "url", "site", "title", "published", "published_ts", "lang", "match", "match_kind")
"""One copy of a story, inlined in its feed entry, with the member it matched and how."""
COPY_LINK_FIELDS = ("id", "url")
"""One copy of a story, as a link only."""
MATCH_FIELDS = ("id", "match", "match_kind")
"""The member an article matched when it was indexed, and how: the edges of its cluster's match tree."""
ARTICLE_VIEW_FIELDS = ("id", "url", "canonical_url", "site", "site_name", "title", "authors", "published",
                       "published_ts", "lang", "text", "fetched_at", "status", "feeds", "empty_reason",
                       "cluster", "match", "match_kind", "jaccard", "containment")
"""One article with its text and where it stands in its cluster."""
CLUSTER_MEMBER_FIELDS = ("id", "url", "site", "title", "published", "published_ts", "lang", "match",
                         "match_kind")
"""One member in the listing of a cluster, with the member it matched and how."""
EXPORT_FIELDS = ("id", "url", "canonical_url", "site", "site_name", "title", "authors", "published",
                 "published_ts", "lang", "text", "cluster", "empty_reason")
"""One article in an export."""

FEED_ROWS_SCRIPT = Path(__file__).with_name("feed_rows.lua").read_text(encoding="utf-8")
FEED_ROWS_SHA = hashlib.sha1(FEED_ROWS_SCRIPT.encode("utf-8")).hexdigest()


def fields_to_read(fields: Iterable[str]) -> tuple[str, ...]:
    """The hash fields to read for `fields`: a derived field brings the stored fields it reads."""
    fields = tuple(fields)
    extra = (source for name in fields if name in DERIVED for source in DERIVED[name][0])
    return fields + tuple(name for name in dict.fromkeys(extra) if name not in fields)


def decode(fields: Iterable[str], values: Iterable[str | None]) -> dict:
    """Stored strings as values: JSON lists, numbers, and None for an unset optional field.

    `values` are those of fields_to_read(fields), in that order, as Redis returned them (bytes or str).
    """
    fields = tuple(fields)
    raw = {name: value if name == BODY else text_value(value)
           for name, value in zip(fields_to_read(fields), values, strict=True)}
    return {name: DERIVED[name][1](raw) if name in DERIVED else FIELDS[name](raw[name]) for name in fields}



def published_ts(article: Article, page: Page) -> float:
    """Seconds since the epoch of publication: the page's date, else the date its feed or
    sitemap listed, else the fetch time.

    Both claimed dates are range-checked the same way: a date before 1990 is a placeholder,
    and one after the fetch (beyond the slack) would pin the article to the top of every feed
    (a listing's 9999-12-31 also broke the Atom and RSS feeds and the reader page).
    """
    fetched = page.fetched_at or time.time()
    latest = max(fetched, time.time()) + FUTURE_SLACK_SECONDS
    for value in (article.published, page.headers.get(LISTED_PUBLISHED_HEADER)):
        stamp = iso_timestamp(value)
        if stamp is not None and EARLIEST_PUBLISHED <= stamp <= latest:
            return stamp
    return fetched


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


async def stored_urls(client: aioredis.Redis, canonical_urls: list[str],
                      prefix: str | None = None) -> set[str]:
    """Which of these canonical URLs have their article stored, asked on an asyncio client (the
    crawler's) in one pipelined round trip."""
    if not canonical_urls:
        return set()
    keys = Keys(prefix)
    async with client.pipeline(transaction=False) as pipe:
        for url in canonical_urls:
            pipe.exists(keys.article(article_id(url)))
        found = await pipe.execute()
    return {url for url, exists in zip(canonical_urls, found, strict=True) if exists}


async def is_stored(client: aioredis.Redis, canonical_url: str, prefix: str | None = None) -> bool:
    """Whether the article of a canonical URL is stored (see stored_urls)."""
    return bool(await stored_urls(client, [canonical_url], prefix))


class Store(KeyOwner):
    # -- writing ---------------------------------------------------------------

    def save_article(self, page: Page, article: Article, *, exact_hash: str, shingles: int,
                     feeds: list[str], published: float) -> str:
        """Write the article record and its site entry; returns the article id (one MULTI/EXEC; on a Redis
        Cluster, where the three keys are in different slots, one pipelined round trip)."""
        pipe = self.client.pipeline(transaction=not self.keys.on_cluster)
        aid = self.save_on(pipe, page, article, exact_hash=exact_hash, shingles=shingles, feeds=feeds,
                           published=published)
        pipe.execute()
        return aid

    def save_on(self, pipe, page: Page, article: Article, *, exact_hash: str, shingles: int,
                feeds: list[str], published: float) -> str:
        """save_article() as commands on the caller's pipeline (the worker's one round trip per page:
        store, index and pending together); returns the article id."""
        aid = article_id(page.canonical_url)
        now = time.time()
        fields = {
            "id": aid, "url": page.url, "canonical_url": page.canonical_url, "site": page.site,
            "status": page.status, "fetched_at": page.fetched_at, "processed_at": now,
            "title": article.title, "authors": json.dumps(article.authors, ensure_ascii=False),
            "published": article.published or "", "published_ts": published, "lang": article.lang or "",
            "site_name": article.site_name or "", BODY: encode_body(article.text, article.paragraphs),
            "empty_reason": article.empty_reason or "", "exact_hash": exact_hash, "shingles": shingles,
            "feeds": ",".join(feeds),
        }
        fields, dropped = compact(fields)
        pipe.hdel(self.keys.article(aid), *dropped)  # the older layout's copies, and values now empty
        pipe.hset(self.keys.article(aid), mapping=fields)
        pipe.zadd(self.keys.site(page.site), {aid: published})
        pipe.zadd(self.keys.articles, {aid: now}, nx=True)
        return aid

    def delete(self, ids: list[str]) -> int:
        """Delete the records and their site entries, then their places in `articles` (retention, after
        the story index forgot them); returns how many were listed there."""
        if not ids:
            return 0
        sites = self.client.pipeline(transaction=False)
        for aid in ids:
            sites.hget(self.keys.article(aid), "site")
        pipe = self.client.pipeline(transaction=False)
        for aid, site in zip(ids, sites.execute(raise_on_error=False), strict=True):
            if isinstance(site, str):
                pipe.zrem(self.keys.site(site), aid)
            pipe.delete(self.keys.article(aid))
        pipe.execute(raise_on_error=False)  # a site key of the wrong type: the record goes all the same
        return self.client.zrem(self.keys.articles, *ids)

    # -- reading ---------------------------------------------------------------

    def load(self, aid: str) -> tuple[Page, Article] | None:
        """The page and article as stored, to be stored again (the page's HTML is not kept).

        The stored publication time comes back as the listed date, so storing the pair
        again keeps it even when it came from the page's feed or sitemap.
        """
        row = self.article(aid)
        if row is None:
            return None
        headers = {}
        if row["published_ts"] is not None:
            listed = datetime.fromtimestamp(row["published_ts"], UTC).isoformat()
            headers[LISTED_PUBLISHED_HEADER] = listed
        page = Page(url=row["url"], canonical_url=row["canonical_url"], site=row["site"], html="",
                    status=row["status"] or 200, headers=headers, fetched_at=row["fetched_at"] or 0.0)
        article = Article(title=row["title"] or "", authors=row["authors"], published=row["published"],
                          lang=row["lang"], site_name=row["site_name"] or None, text=row["text"] or "",
                          paragraphs=row["paragraphs"], empty_reason=row["empty_reason"])
        return page, article

    def stored_among(self, ids: list[str]) -> list[str]:
        """The ids whose article record exists."""
        pipe = self.client.pipeline(transaction=False)
        for aid in ids:
            pipe.exists(self.keys.article(aid))
        return [aid for aid, exists in zip(ids, pipe.execute(), strict=True) if exists]

    def article(self, aid: str, fields: tuple[str, ...] = RECORD_FIELDS) -> dict | None:
        """One article's fields, decoded; None when it is not stored."""
        return self.rows([aid], fields)[0]

    def rows(self, ids: list[str], fields: tuple[str, ...]) -> list[dict | None]:
        """Each article's fields, decoded, in the order of `ids` (None for one that is not stored).

        An article is stored when its hash has an id (the story index may touch a hash after
        retention removed it).
        """
        if not ids:
            return []
        names = fields_to_read(fields)
        entry_names = [name for name in names if name in ENTRY_FIELDS]
        pipe = self.client.pipeline(transaction=False)
        for aid in ids:  # undecoded: the body is bytes (decode() reads the rest as UTF-8)
            pipe.execute_command("HMGET", self.keys.article(aid), "id", *names, **{NEVER_DECODE: True})
            if entry_names:
                pipe.hmget(self.keys.entry(aid), entry_names)
        found = pipe.execute(raise_on_error=False)
        if entry_names:
            found = [self._with_entry(aid, names, *found[2 * n:2 * n + 2]) for n, aid in enumerate(ids)]
        return [self._row(aid, fields, values) for aid, values in zip(ids, found, strict=True)]

    def _with_entry(self, aid: str, names: tuple[str, ...], record: list | Exception,
                    entry: list | Exception) -> list | Exception:
        """A record's HMGET reply ("id", then `names`) with the ENTRY_FIELDS values taken from the
        article's entry where it has one; read as not stored (and reported) when the entry is not a hash."""
        if isinstance(entry, Exception):
            self.errors.check(self.keys.entry(aid), entry)
            return [None]
        if isinstance(record, Exception) or not any(entry):
            return record
        values = iter(entry)
        return [record[0], *(next(values) if name in ENTRY_FIELDS else value
                             for name, value in zip(names, record[1:], strict=True))]

    # A malformed record (a value that does not decode, a key that is not a hash) is reported to
    # DataErrors and read as not stored, so it costs its own entry, not the page or export around it.

    @cached_property
    def errors(self) -> DataErrors:
        return DataErrors(self.client, self.keys.prefix)

    def _row(self, aid: str, fields: tuple[str, ...], values: list | Exception) -> dict | None:
        """One HMGET reply ("id" first) decoded; None when the article is not stored or malformed."""
        if isinstance(values, Exception):
            self.errors.check(self.keys.article(aid), values)
            return None
        return self._decoded(aid, fields, values[1:]) if values[0] else None

    def _decoded(self, aid: str, fields: tuple[str, ...], values: list) -> dict | None:
        try:
            return decode(fields, values)
        except (ValueError, TypeError) as exc:
            self.errors.report(self.keys.article(aid), reason(exc))
            return None

    def _script_row(self, aid: str, fields: tuple[str, ...], values: list | dict | None) -> dict | None:
        """One article as feed_rows.lua answers it: its values, null when gone, {error, id} when bad."""
        if isinstance(values, dict):
            self.errors.report(self.script_key(values, aid), str(values.get("error")))
            return None
        return None if values is None else self._decoded(aid, fields, values)

    def script_key(self, error: dict, aid: str) -> str:
        """The key a {error, id[, entry]} answer of feed_rows.lua is about: the record or its entry."""
        named = error.get("id") or aid
        return self.keys.entry(named) if error.get("entry") else self.keys.article(named)

    def articles(self, ids: list[str], fields: tuple[str, ...] = FEED_ENTRY_FIELDS) -> list[dict]:
        """The fields of the articles that are stored, decoded (ids that expired are left out)."""
        return [row for row in self.rows(ids, fields) if row is not None]

    def feed_rows(self, ids: list[str], fields: tuple[str, ...]) -> list[dict | None]:
        """rows() in one call to Redis (feed_rows.lua): a feed page's articles. On a Redis Cluster, where
        one script cannot read across slots, rows() itself (one pipelined round trip a node)."""
        if self.keys.on_cluster:
            return self.rows(ids, fields)
        found = self._feed_rows("rows", fields, ids)
        return [self._script_row(aid, fields, values) for aid, values in zip(ids, found, strict=True)]

    def copies(self, stories: list[tuple[str, str | None]], fields: tuple[str, ...]) -> list[list[dict]]:
        """For each (article id, cluster id): the fields of the cluster's other members, earliest
        published first, in one call to Redis (feed_rows.lua; on a Redis Cluster, two pipelined reads)."""
        if self.keys.on_cluster:
            members = self.cluster_ids([cluster or aid for aid, cluster in stories])
            others = [[m for m in ids if m != aid] for (aid, _), ids in zip(stories, members, strict=True)]
            rows = iter(self.rows([m for ids in others for m in ids], fields))
            return [[row for row in islice(rows, len(ids)) if row is not None] for ids in others]
        pairs = [value for aid, cluster in stories for value in (aid, cluster or aid)]
        found = self._feed_rows("copies", fields, pairs)
        return [self._script_copies(cluster or aid, fields, members)
                for (aid, cluster), members in zip(stories, found, strict=True)]

    def _script_copies(self, cluster_id: str, fields: tuple[str, ...], members: list | dict) -> list[dict]:
        """A cluster's copies as feed_rows.lua answers them; {error} when the cluster key is bad."""
        if isinstance(members, dict) and "error" in members:
            self.errors.report(self.keys.cluster(cluster_id), str(members["error"]))
            return []
        # an empty Lua table comes back as {} (JSON cannot tell an empty list from an empty object)
        rows = (self._script_row("?", fields, values) for values in members or [])
        return [row for row in rows if row is not None]

    def _feed_rows(self, mode: str, fields: tuple[str, ...], args: list[str]) -> list:
        if not args:
            return []
        names = json.dumps(fields_to_read(fields))
        argv = [mode, self.keys.prefix, names, *args]
        try:  # undecoded, as rows() reads: a body's bytes are not UTF-8
            reply = self.client.execute_command("EVALSHA", FEED_ROWS_SHA, 0, *argv, **{NEVER_DECODE: True})
        except redis.exceptions.NoScriptError:  # a restarted Redis lost it
            self.client.script_load(FEED_ROWS_SCRIPT)
            reply = self.client.execute_command("EVALSHA", FEED_ROWS_SHA, 0, *argv, **{NEVER_DECODE: True})
        try:
            return json.loads(reply.decode("utf-8"))
        except UnicodeDecodeError:  # a body's bytes: decode() takes them back out of the str
            return json.loads(reply.decode("utf-8", "surrogateescape"))

    def texts(self, ids: list[str]) -> list[str]:
        """Each article's text ("" for one that is not stored)."""
        return [(row["text"] or "") if row else "" for row in self.rows(ids, ("text",))]

    def cluster_members(self, cluster_id: str) -> list[str]:
        """Member ids, earliest published first."""
        return self.cluster_ids([cluster_id])[0]

    def cluster_ids(self, cluster_ids: list[str]) -> list[list[str]]:
        """Each cluster's member ids, earliest published first ([] for a cluster key that is bad)."""
        if not cluster_ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for cluster_id in cluster_ids:
            pipe.zrange(self.keys.cluster(cluster_id), 0, -1)
        members = self._checked(pipe, [self.keys.cluster(c) for c in cluster_ids], None)
        alone = self.implicit([c for c, ids in zip(cluster_ids, members, strict=True) if ids == []])
        return [ids or ([c] if c in alone else []) for c, ids in zip(cluster_ids, members, strict=True)]

    def implicit(self, cluster_ids: list[str]) -> set[str]:
        """Those of these clusters without keys that are a story of one article named after it, which
        story_index.lua leaves implicit: its only member and, in each of its feeds, its representative."""
        if not cluster_ids:
            return set()
        pipe = self.client.pipeline(transaction=False)
        for cluster_id in cluster_ids:
            pipe.hget(self.keys.entry(cluster_id), "cluster")
        named = pipe.execute(raise_on_error=False)
        return {c for c, name in zip(cluster_ids, named, strict=True) if name == c}

    def cluster_rows(self, cluster_ids: list[str], fields: tuple[str, ...]) -> list[list[dict]]:
        """For each cluster, the fields of every stored member, earliest published first."""
        members = self.cluster_ids(cluster_ids)
        rows = iter(self.rows([aid for ids in members for aid in ids], fields))
        return [[row for row in islice(rows, len(ids)) if row is not None] for ids in members]

    def cluster_size(self, cluster_id: str) -> int:
        key = self.keys.cluster(cluster_id)
        try:
            return self.client.zcard(key) or len(self.implicit([cluster_id]))
        except redis.ResponseError as exc:
            self.errors.check(key, exc)
            return 0

    def _checked(self, pipe, keys: list[str], default: object) -> list:
        """The pipeline's replies, one per key; `default` (reported) for a key of the wrong type."""
        replies = pipe.execute(raise_on_error=False)
        for n, (key, reply) in enumerate(zip(keys, replies, strict=True)):
            if isinstance(reply, Exception):
                self.errors.check(key, reply)
                replies[n] = default
        return replies

    def feed_ids(self, name: str, *, limit: int = 50, until: float | None = None,
                 since: float | None = None) -> list[str]:
        """Canonical article ids of a feed, newest first."""
        top = "+inf" if until is None else until
        bottom = "-inf" if since is None else since
        return self.client.zrevrangebyscore(self.keys.feed(name), top, bottom, start=0, num=limit)

    def article_count(self) -> int:
        return self.client.zcard(self.keys.articles)

    def canonicals(self, cluster_ids: list[str], feed: str = "all") -> list[str | None]:
        """Each cluster's representative in a feed, as story_index.lua keeps it (an implicit cluster's
        founder, when the feed lists it)."""
        if not cluster_ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for cluster_id in cluster_ids:
            pipe.hget(self.keys.rep(cluster_id), feed)
        bad = object()  # a rep key of the wrong type: reported, and no representative
        reps = self._checked(pipe, [self.keys.rep(c) for c in cluster_ids], bad)
        unknown = [c for c, rep in zip(cluster_ids, reps, strict=True) if rep is None]
        listed = self._listed(feed, unknown)
        alone = self.implicit([c for c in unknown if c in listed])
        return [None if rep is bad else rep or (c if c in alone else None)
                for c, rep in zip(cluster_ids, reps, strict=True)]

    def _listed(self, feed: str, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        return {aid for aid, score in zip(ids, self.client.zmscore(self.keys.feed(feed), ids), strict=True)
                if score is not None}
