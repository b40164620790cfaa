"""Reading the deduplicated feeds: one entry per story, newest first, with its copies.

`feed:{name}` holds the canonical article of each story (scored by published
time); the story's other members are in `cluster:{id}`. Filters (`site`,
`lang`) apply to the canonical article. Pages continue from an opaque cursor
(see zscan), so they stay correct while new articles arrive. The articles of a
page and their copies are read by feed_rows.lua, one call each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from newssieve.sites import FeedDef, SitesFileError, current_sites
from newssieve.storage import Store
from newssieve.story_index import StoryIndex
from newssieve.zscan import Position, walk

log = logging.getLogger(__name__)

ENTRY_FIELDS = ("id", "url", "canonical_url", "site", "title", "authors", "published", "published_ts",
                "lang", "cluster")
COPY_FIELDS = ("id", "url", "site", "title", "published", "published_ts")
MAX_SCAN = 5000  # candidates one filtered page may look at before it returns with a cursor
SUMMARY_CHARS = 320
ROWS_SCRIPT = (Path(__file__).with_name("feed_rows.lua")).read_text(encoding="utf-8")


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


def entry_from_row(row: dict) -> dict:
    """A stored article's strings as JSON-ready values (missing ones as None)."""
    out = dict(row)
    if "authors" in out:
        out["authors"] = json.loads(out["authors"] or "[]")
    if "published_ts" in out:
        out["published_ts"] = float(out["published_ts"]) if out["published_ts"] else None
    for name in ("published", "lang", "cluster"):
        if name in out:
            out[name] = out[name] or None
    return out


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
        self._rows_script = self.client.register_script(ROWS_SCRIPT)

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
            rows = self._rows([member for member, _ in chunk], ENTRY_FIELDS)
            for (member, score), row in zip(chunk, rows, strict=True):
                if len(entries) == query.limit or scanned == budget:
                    return entries, last, True
                scanned += 1
                last = Position(score, member)
                if row is not None and query.matches(row):
                    entries.append(row)
            if len(chunk) < batch:
                return entries, last, False

    def _read(self, mode: str, fields: tuple[str, ...], args: list[str]) -> list:
        if not args:
            return []
        return json.loads(self._rows_script(args=[mode, self.keys.prefix, json.dumps(fields), *args]))

    def _rows(self, ids: list[str], fields: tuple[str, ...]) -> list[dict | None]:
        """The fields of each article (None for one that vanished since its id was read)."""
        return [entry_from_row(dict(zip(fields, values, strict=True))) if values else None
                for values in self._read("rows", fields, ids)]

    def _attach_copies(self, entries: list[dict], details: bool) -> None:
        """Add `copies` (count) and `copy_urls` to each entry; with details, `copy_details` too."""
        fields = COPY_FIELDS if details else ("id", "url")
        pairs = [value for e in entries for value in (e["id"], e["cluster"] or e["id"])]
        # an empty Lua table comes back as {} (JSON cannot tell an empty list from an empty object)
        found = [rows or [] for rows in self._read("copies", fields, pairs)]
        for entry, rows in zip(entries, found, strict=True):
            copies = [entry_from_row(dict(zip(fields, values, strict=True))) for values in rows]
            entry["copies"] = len(copies)
            entry["copy_urls"] = [c["url"] for c in copies]
            if details:
                entry["copy_details"] = copies
        if details:
            pairs = [(c["id"], e["id"]) for e in entries for c in e["copy_details"]]
            sims = iter(self.index.similarities(pairs))
            for entry in entries:
                for copy in entry["copy_details"]:
                    copy["similarity"] = next(sims)

    def summaries(self, ids: list[str]) -> dict[str, str]:
        """A short excerpt of each article's text (Atom, RSS and the web page)."""
        pipe = self.client.pipeline(transaction=False)
        for aid in ids:
            pipe.hget(self.keys.article(aid), "text")
        texts = pipe.execute() if ids else []
        return {aid: excerpt(text or "") for aid, text in zip(ids, texts, strict=True)}
