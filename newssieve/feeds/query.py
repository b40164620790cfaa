"""Reading the deduplicated feeds: one entry per story, newest first, with its copies.

`feed:{name}` holds the canonical article of each story (scored by published
time); the story's other members are in `cluster:{id}`. Filters (`site`,
`lang`) apply to the canonical article. Pages continue from an opaque cursor
(see zscan), so they stay correct while new articles arrive. The articles of a
page and their copies are read in one call each (Store.feed_rows, Store.copies). Each copy
says how it matches its entry (feeds/matches.py). On a Redis Cluster, where one script cannot read
across slots, every page takes the path of a filtered one (pipelined reads) and is rendered each time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import islice
from pathlib import Path

import redis
import redis.asyncio as aioredis
from anyio import to_thread

from newssieve.feeds import search
from newssieve.feeds.matches import mark
from newssieve.feeds.similarity import similarities
from newssieve.sites import FeedDef, SitesFileError, current_sites
from newssieve.store.articles import (
    COPY_FIELDS,
    COPY_LINK_FIELDS,
    FEED_ENTRY_FIELDS,
    FEED_ROWS_SCRIPT,
    Store,
    decode,
    fields_to_read,
)
from newssieve.store.data_errors import reason
from newssieve.store.story_index import StoryIndex
from newssieve.store.zscan import Position, walk

log = logging.getLogger(__name__)

MAX_SCAN = 5000  # candidates one filtered page may look at before it returns with a cursor
RENDERED_KEPT = 256  # rendered pages kept in memory (FeedReader.rendered), the least recently used go
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
    search: tuple[str, ...] = ()  # words the title or text must hold (feeds/search.py: terms)

    @property
    def filtered(self) -> bool:
        return bool(self.site or self.lang or self.search)

    @property
    def fields(self) -> tuple[str, ...]:
        return FEED_ENTRY_FIELDS + ("text",) if self.search else FEED_ENTRY_FIELDS

    def matches(self, entry: dict) -> bool:
        """Whether the entry passes the filters; the text read for a search leaves the entry here."""
        return ((not self.site or entry["site"] == self.site)
                and (not self.lang or entry["lang"] == self.lang)
                and (not self.search or search.found(self.search, entry["title"], entry.pop("text") or "")))


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
        self._rendered: OrderedDict[tuple, tuple[str, bytes]] = OrderedDict()
        self._rendered_lock = threading.Lock()
        self._async_states: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

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
        if not (query.filtered or self.keys.on_cluster):
            return self._whole_page(feed, query)
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

    # -- an unfiltered page in one call, and its rendering kept while its data is unchanged ------

    def rendered(self, name: str, query: FeedQuery, render: Callable[[FeedPage], bytes]) -> bytes:
        """`render(self.page(name, query))`, answered again from memory while everything the page is
        made of is unchanged in Redis, so never stale.

        An unfiltered page without copy details is read in one call (feed_rows.lua `page`) that also
        tells whether the page's data still has the digest of the one rendered last: then Redis
        answers one character and nothing is decoded or rendered. A page that read a malformed
        record is not kept (every read of it is reported, as before), nor is a filtered page or one
        with copy details (their similarities are read elsewhere): those are rendered each time.
        """
        feed = self.feed_def(name)
        if query.filtered or query.copies or self.keys.on_cluster:
            return render(self.page(name, query))
        key, held = self._held(feed, query, render)
        args = _page_args(self.keys.prefix, feed.name, query, held[0] if held else "")
        reply = self._page_script(args=args) if args else None
        return self._answer(key, held, feed, query, reply, render)

    async def rendered_async(self, name: str, query: FeedQuery, render: Callable[[FeedPage], bytes]) -> bytes:
        """`rendered` for an event loop: the one call is awaited on an asyncio client of this loop, so
        an unchanged page costs no thread; decoding and rendering a changed page (which may report
        a malformed record), and pages that take more calls, run in a worker thread.

        Requests for the same page share calls, never a call that started before they arrived:
        while one is on its way, the requests that come meanwhile wait for it to end and then share
        the next one. So each answer still reflects Redis as it was after its request arrived,
        and a busy page costs about one call per round trip instead of one per request.
        """
        feed = self.feed_def(name)
        if query.filtered or query.copies or self.keys.on_cluster:
            return await to_thread.run_sync(lambda: render(self.page(name, query)))
        key = (feed.name, feed.title, query, render)
        state = self._loop_state()
        calls = state.setdefault(key, [None, None])  # [the call on its way, the next one's answer]
        if calls[0] is None:
            calls[0] = asyncio.ensure_future(self._shared_call(state, calls, key, feed, query, render))
            return await asyncio.shield(calls[0])
        if calls[1] is None:
            calls[1] = asyncio.get_running_loop().create_future()
        return await asyncio.shield(calls[1])

    async def _shared_call(self, state: dict, calls: list, key: tuple, feed: FeedDef, query: FeedQuery,
                           render: Callable[[FeedPage], bytes]) -> bytes:
        """One call for a page and its body; when it ends, the next call starts for the requests that
        came meanwhile (calls[1]), or the page leaves `state` when none did."""
        try:
            _, held = self._held(feed, query, render)
            args = _page_args(self.keys.prefix, feed.name, query, held[0] if held else "")
            reply = await self._async_page_script(args=args) if args else None
            if reply == "=" and held is not None:
                return self._answer(key, held, feed, query, reply, render)
            return await to_thread.run_sync(self._answer, key, held, feed, query, reply, render)
        finally:
            waiting, calls[1] = calls[1], None
            calls[0] = None
            if waiting is not None:
                calls[0] = asyncio.ensure_future(self._shared_call(state, calls, key, feed, query, render))
                calls[0].add_done_callback(lambda done: _settle(waiting, done))
            elif state.get(key) is calls:
                del state[key]

    def _held(self, feed: FeedDef, query: FeedQuery,
              render: Callable) -> tuple[tuple, tuple[str, bytes] | None]:
        key = (feed.name, feed.title, query, render)
        with self._rendered_lock:
            return key, self._rendered.get(key)

    def _answer(self, key: tuple, held: tuple[str, bytes] | None, feed: FeedDef, query: FeedQuery,
                reply: str | None, render: Callable[[FeedPage], bytes]) -> bytes:
        """The body for feed_rows.lua's `reply`: the one held when it says unchanged, else rendered
        (and kept when it read no malformed record)."""
        if reply == "=" and held is not None:
            with self._rendered_lock:
                if key in self._rendered:
                    self._rendered.move_to_end(key)
            return held[1]
        digest, page, clean = self._page_from(feed, query, reply)
        body = render(page)
        if clean and digest:
            with self._rendered_lock:
                self._rendered[key] = (digest, body)
                self._rendered.move_to_end(key)
                while len(self._rendered) > RENDERED_KEPT:
                    self._rendered.popitem(last=False)
        return body

    def _whole_page(self, feed: FeedDef, query: FeedQuery) -> FeedPage:
        """An unfiltered page, read in one call."""
        args = _page_args(self.keys.prefix, feed.name, query, "")
        return self._page_from(feed, query, self._page_script(args=args) if args else None)[1]

    def _page_from(self, feed: FeedDef, query: FeedQuery, reply: str | None) -> tuple[str, FeedPage, bool]:
        """feed_rows.lua's answer for a page (None: nothing to read) as (its data's digest, the page,
        whether it read no malformed record)."""
        if reply is None:  # the cursor is past the range
            return "", FeedPage(feed, [], None), True
        digest, (flat, rows, copies) = reply[:40], json.loads(reply[40:])
        errors: list[str] = []
        rows = [self._row(flat[2 * n], query.fields, values, errors) for n, values in enumerate(rows)]
        scanned = min(len(rows), query.limit)  # the candidate after those only tells that more follow
        entries, found = [], []
        for n, row in enumerate(rows[:scanned]):
            if row is not None:
                entries.append(row)
                cluster = row["cluster"] or row["id"]
                found.append(self._copies(cluster, _copy_fields(query), copies[n], errors))
        self._attach_copies(entries, query.copies, found)
        last = Position(float(flat[2 * scanned - 1]), flat[2 * scanned - 2]) if scanned else None
        more = len(rows) > query.limit
        return digest, FeedPage(feed, entries, last.to_cursor() if more and last else None), not errors

    def _row(self, aid: str, fields: tuple[str, ...], values: list | dict | None,
             errors: list[str]) -> dict | None:
        """One article as feed_rows.lua answers it (its values, null when gone, {error, id} when the key
        is not a hash), decoded; a malformed one is reported (and noted in `errors`) and read as gone."""
        if values is None:
            return None
        if isinstance(values, dict):
            key, why = self.store.script_key(values, aid), str(values.get("error"))
        else:
            try:
                return decode(fields, values)
            except (ValueError, TypeError) as exc:
                key, why = self.keys.article(aid), reason(exc)
        errors.append(key)
        self.store.errors.report(key, why)
        return None

    def _copies(self, cluster_id: str, fields: tuple[str, ...], members: list | dict,
                errors: list[str]) -> list[dict]:
        """A story's copies as feed_rows.lua answers them ({error} when the cluster key is not a zset)."""
        if isinstance(members, dict) and "error" in members:
            errors.append(self.keys.cluster(cluster_id))
            self.store.errors.report(self.keys.cluster(cluster_id), str(members["error"]))
            return []
        rows = (self._row("?", fields, values, errors) for values in members or [])
        return [row for row in rows if row is not None]

    @cached_property
    def _page_script(self):
        return self.client.register_script(FEED_ROWS_SCRIPT)

    def _loop_state(self) -> dict:
        """This event loop's shared calls (page key -> calls), and its asyncio client's feed_rows.lua
        (one per loop: a client's connections belong to the loop they were opened on)."""
        loop = asyncio.get_running_loop()
        state = self._async_states.get(loop)
        if state is None:
            state = self._async_states[loop] = {
                "script": async_twin(self.client).register_script(FEED_ROWS_SCRIPT)}
        return state

    @property
    def _async_page_script(self):
        return self._loop_state()["script"]

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
            rows = self.store.feed_rows([member for member, _ in chunk], query.fields)
            for (member, score), row in zip(chunk, rows, strict=True):
                if len(entries) == query.limit or scanned == budget:
                    return entries, last, True
                scanned += 1
                last = Position(score, member)
                if row is not None and query.matches(row):
                    entries.append(row)
            if len(chunk) < batch:
                return entries, last, False

    def _attach_copies(self, entries: list[dict], details: bool,
                       found: list[list[dict]] | None = None) -> None:
        """Add `copies` (count) and `copy_urls` to each entry; with details, `copy_details` too, each
        with how it matches the entry (`match`, see feeds/matches.py) and its similarity. `found`: each
        entry's copies when they were read already."""
        if found is None:
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


def _settle(future: asyncio.Future, done: asyncio.Future) -> None:
    """Give `future` the outcome of `done`."""
    if future.done():
        return
    if done.cancelled():
        future.cancel()
    elif done.exception() is not None:
        future.set_exception(done.exception())
    else:
        future.set_result(done.result())


def _copy_fields(query: FeedQuery) -> tuple[str, ...]:
    return COPY_FIELDS if query.copies else COPY_LINK_FIELDS


def _page_args(prefix: str, name: str, query: FeedQuery, known: str) -> list | None:
    """feed_rows.lua's arguments for an unfiltered page, read as zscan.walk reads a newest-first one;
    None when the cursor is past the range (a cursor above the range starts at the range's top)."""
    after = query.after
    if after is not None and query.since is not None and after.score < query.since:
        return None
    if after is not None and query.until is not None and after.score >= query.until:
        after = None
    top = after.score if after else query.until
    return ["page", prefix, json.dumps(fields_to_read(query.fields)),
            json.dumps(fields_to_read(_copy_fields(query))), name, "+inf" if top is None else f"({top!r}",
            "-inf" if query.since is None else repr(query.since), repr(after.score) if after else "",
            after.member if after else "", query.limit + 1, query.limit, known]


ASYNC_OPTIONS = ("host", "port", "db", "username", "password", "socket_timeout", "socket_connect_timeout",
                 "decode_responses", "encoding", "encoding_errors", "health_check_interval", "client_name",
                 "path", "ssl_keyfile", "ssl_certfile", "ssl_cert_reqs", "ssl_ca_certs", "ssl_check_hostname")


def async_twin(client: redis.Redis) -> aioredis.Redis:
    """An asyncio client on the same server as `client`, with its timeouts and decoding."""
    pool = client.connection_pool
    kind = {redis.UnixDomainSocketConnection: aioredis.UnixDomainSocketConnection,
            redis.SSLConnection: aioredis.SSLConnection}.get(pool.connection_class, aioredis.Connection)
    options = {k: v for k, v in pool.connection_kwargs.items() if k in ASYNC_OPTIONS}
    return aioredis.Redis(connection_pool=aioredis.ConnectionPool(connection_class=kind, **options))
