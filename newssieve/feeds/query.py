"""Reading the deduplicated feeds: one entry per story, newest first, with its copies.

`feed:{name}` holds the canonical article of each story (scored by published
time); the story's other members are in `cluster:{id}`. Filters (`site`,
`lang`) apply to the canonical article. Pages continue from an opaque cursor
(see zscan), so they stay correct while new articles arrive. The articles of a
page and their copies are read in one call each (Store.feed_rows, Store.copies). Each copy
says how it matches its entry (feeds/matches.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from newssieve.feeds.matches import mark
from newssieve.feeds.similarity import similarities
from newssieve.sites import FeedDef, SitesFileError, current_sites
from newssieve.store.articles import COPY_FIELDS, COPY_LINK_FIELDS, FEED_ENTRY_FIELDS, Store
from newssieve.store.story_index import StoryIndex
from newssieve.store.zscan import Position, walk

log = logging.getLogger(__name__)

MAX_SCAN = 5000  # candidates one filtered page may look at before it returns with a cursor
SUMMARY_CHARS = 320


class UnknownFeed(KeyError):
    pass


@dataclass(frozen=True)
class FeedQuery:
    since: float | None = None  # inclusive, seconds since the epoch
    until: float | None = None  # exclusive
    site: str | None = None
    lang: str | None = None
    limit: int = 50
    after: Position | None = None  # decoded cursor
    copies: bool = False  # inline each copy's details and similarity

    @property
    def filtered(self) -> bool:
        return bool(self.site or self.lang)

    def matches(self, entry: dict) -> bool:
        return (not self.site or entry["site"] == self.site) and (not self.lang or entry["lang"] == self.lang)


@dataclass
class FeedPage:
    feed: FeedDef
    entries: list[dict]
    next_cursor: str | None


def excerpt(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The start of a text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class FeedReader:
    def __init__(self, store: Store | None = None, sites_path: Path | str | None = None):
        self.store = store or Store()
        self.client = self.store.client
        self.keys = self.store.keys
        self.sites_path = sites_path
        self.index = StoryIndex(self.client, self.keys.prefix)

    # -- the feeds -------------------------------------------------------------

    def feed_defs(self) -> dict[str, FeedDef]:
        """The feeds of the sites file; only `all` when the file cannot be read (logged)."""
        try:
            return current_sites(self.sites_path).feeds
        except (OSError, SitesFileError) as exc:
            log.warning("sites file unreadable, serving only the 'all' feed: %s", exc)
            return {"all": FeedDef(name="all", title="All stories")}

    def feed_def(self, name: str) -> FeedDef:
        feeds = self.feed_defs()
        if name not in feeds:
            raise UnknownFeed(name)
        return feeds[name]

    def site_names(self) -> list[str]:
        try:
            return sorted(current_sites(self.sites_path).sites)
        except (OSError, SitesFileError):
            return []

    def feeds(self) -> list[dict]:
        """Every feed with its number of stories."""
        defs = list(self.feed_defs().values())
        pipe = self.client.pipeline(transaction=False)
        for feed in defs:
            pipe.zcard(self.keys.feed(feed.name))
        return [{"name": f.name, "title": f.title or f.name, "sites": f.sites, "langs": f.langs, "count": n}
                for f, n in zip(defs, pipe.execute(), strict=True)]

    # -- a page of stories -----------------------------------------------------

    def page(self, name: str, query: FeedQuery) -> FeedPage:
        feed = self.feed_def(name)
        entries, last, more = self._scan(name, query)
        self._attach_copies(entries, query.copies)
        return FeedPage(feed, entries, last.to_cursor() if more and last else None)

    def iter_entries(self, name: str, query: FeedQuery) -> Iterator[dict]:
        """Up to `query.limit` entries, following cursors (for callers without a page size limit)."""
        remaining = query.limit
        while remaining > 0:
            page = self.page(name, replace(query, limit=min(remaining, 200)))
            yield from page.entries
            remaining -= len(page.entries)
            if not page.next_cursor:
                return
            query = replace(query, after=Position.from_cursor(page.next_cursor))

    def _scan(self, name: str, query: FeedQuery) -> tuple[list[dict], Position | None, bool]:
        """Entries matching the query, the position of the last candidate read, and whether more follow."""
        batch = max(query.limit * 2, 100) if query.filtered else query.limit + 1
        budget = MAX_SCAN if query.filtered else query.limit
        candidates = walk(self.client, self.keys.feed(name), low=query.since, high=query.until,
                          after=query.after, batch=batch)
        entries: list[dict] = []
        last: Position | None = None
        scanned = 0
        while True:
            chunk = list(islice(candidates, batch))
            rows = self.store.feed_rows([member for member, _ in chunk], FEED_ENTRY_FIELDS)
            for (member, score), row in zip(chunk, rows, strict=True):
                if len(entries) == query.limit or scanned == budget:
                    return entries, last, True
                scanned += 1
                last = Position(score, member)
                if row is not None and query.matches(row):
                    entries.append(row)
            if len(chunk) < batch:
                return entries, last, False

    def _attach_copies(self, entries: list[dict], details: bool) -> None:
        """Add `copies` (count) and `copy_urls` to each entry; with details, `copy_details` too, each
        with how it matches the entry (`match`, see feeds/matches.py) and its similarity."""
        fields = COPY_FIELDS if details else COPY_LINK_FIELDS
        found = self.store.copies([(e["id"], e["cluster"]) for e in entries], fields)
        for entry, copies in zip(entries, found, strict=True):
            edge = {"id": entry["id"], "match": entry.pop("match"), "match_kind": entry.pop("match_kind")}
            entry["copies"] = len(copies)
            entry["copy_urls"] = [c["url"] for c in copies]
            if details:
                mark(entry["id"], copies, [edge])
                entry["copy_details"] = copies
        if details:
            pairs = [(c["id"], e["id"]) for e in entries for c in e["copy_details"]]
            sims = iter(similarities(self.store, self.index, pairs))
            for entry in entries:
                for copy in entry["copy_details"]:
                    copy["similarity"] = next(sims)

    def summaries(self, ids: list[str]) -> dict[str, str]:
        """A short excerpt of each article's text (Atom, RSS and the web page)."""
        return {aid: excerpt(text) for aid, text in zip(ids, self.store.texts(ids), strict=True)}
