"""One page through the pipeline: clean -> site boilerplate -> fingerprint -> dedup -> store.

Each step records what it saw, kept and dropped in the stage counters (store.stats), with
per-site counters and latency histograms; a stored article cleaned again (reclean) counts
once, under its own stage. Redis errors propagate (the task retries them); anything wrong
with the page itself becomes an empty article with a reason, never an exception.

Round trips to Redis, for one page or a batch of pages (`process_many`, the batch task's):
one to count the paragraphs for the site boilerplate (every page of the batch, pipelined),
and one MULTI/EXEC that stores every page, indexes it, asks which of its paragraphs are
boilerplate now (another worker may have made one so while the page was in flight) and
takes it off the pending pages. Store and index stay idempotent: a page processed twice is
stored once. More only when needed: linking verified translations, recleaning a stored
article whose paragraph just became boilerplate. The counters are counted in the process
(store.stats.BatchedStats) and cost one more round trip per flush: after each call when
`flush_seconds` is None (the default: exact when `process` returns); else when the owner
calls `flush()` (the Celery tasks do after each task, waiting for Redis apart from the page),
and by a thread of the process within `flush_seconds` of a count still unflushed, and on
`close()` (a clean stop).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict, dataclass

import redis

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.settings import get_settings
from newssieve.sites import current_sites
from newssieve.store.articles import Store, feeds_for, published_ts
from newssieve.store.paragraph_counts import Recheck
from newssieve.store.pending import PendingPages
from newssieve.store.stats import BatchedStats, Count, Latency, SiteCount, Stage, Stats
from newssieve.store.story_index import StoryIndex, TranslationEntry
from workers.clean import clean
from workers.fingerprint import Fingerprint, fingerprint
from workers.site_boilerplate import SiteBoilerplate, without
from workers.translation_match import TranslationMatcher


@dataclass
class ProcessResult:
    id: str
    site: str
    status: str  # "new" | "duplicate" | "unchanged" | "empty"
    cluster: str | None = None
    match: str | None = None
    canonical: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Stored:
    """One article on its way into the store round trip, and what it needs afterwards."""

    page: Page
    article: Article
    stage: Stage
    done: bool  # leaves the pending pages (a page from the queue; not a reclean)
    fp: Fingerprint
    published: float
    feeds: list[str]
    translation_fp: object
    entry: TranslationEntry | None
    seconds: float  # fingerprinting it
    filed_at: float | None = None  # read by id from the pending pages: leaves them only if still filed then
    aid: str = ""
    recheck: Recheck = Recheck()  # the boilerplate re-check's reads, queued after the index call


class PageProcessor:
    def __init__(self, store: Store | None = None, stats: Stats | None = None,
                 flush_seconds: float | None = None):
        self.settings = get_settings()
        self.store = store or Store()
        self.stats = stats or Stats(self.store.client, self.store.keys.prefix)
        self.counts = BatchedStats(self.stats, flush_seconds)
        self.index = StoryIndex(self.store.client, self.store.keys.prefix)
        self.translations = TranslationMatcher(self.index, self.settings.translation_matching)
        self.pending = PendingPages(self.store.client, self.store.keys.prefix)
        self.boilerplate = SiteBoilerplate(self.store.client, self.store.keys,
                                           min_pages=self.settings.boilerplate_min_pages,
                                           max_entries=self.settings.boilerplate_max_entries)
        self.index.load_script()
        self.boilerplate.load_scripts()

    def process(self, page: Page) -> ProcessResult:
        return self.process_many([page])[0]

    def process_many(self, pages: list[Page], filed_at: list[float] | None = None) -> list[ProcessResult]:
        """Process the pages as one batch (the same round trips as one page); results in their order.
        `filed_at`: when each was filed, for pages read from the pending pages (PendingPages.done_on)."""
        results = self._process(pages, filed_at)
        if self.counts.interval is None:
            self.counts.flush()
        return results

    def flush(self) -> None:
        """Write the counters counted so far (exact afterwards)."""
        self.counts.flush()

    def close(self) -> None:
        """Stop the flushing thread and write what is left: a clean stop."""
        self.counts.close()

    def _process(self, pages: list[Page], filed_at: list[float] | None = None) -> list[ProcessResult]:
        for page in pages:
            self.counts.record(Stage.RECEIVED, {Count.SEEN: 1})
            self.counts.site(page.site, {SiteCount.PAGES: 1})
        articles = [self.clean(page) for page in pages]
        ids = [article_id(page.canonical_url) for page in pages]
        with_text = [i for i, article in enumerate(articles) if not article.is_empty]
        started = time.perf_counter()
        observed = self.boilerplate.observe_many([(pages[i].site, ids[i], articles[i].paragraphs)
                                                  for i in with_text])
        share = (time.perf_counter() - started) / max(1, len(with_text))
        retro: list[str] = []
        for i, observation in zip(with_text, observed, strict=True):
            started = time.perf_counter()
            articles[i] = self.drop_boilerplate(articles[i], observation.boilerplate)
            self.counts.observe(Latency.BOILERPLATE, share + time.perf_counter() - started)
            retro += observation.retro_pages
        filed_at = filed_at or [None] * len(pages)
        results, recheck = self._store_many([(page, article, Stage.STORE, True, at) for page, article, at
                                             in zip(pages, articles, filed_at, strict=True)])
        # Earlier pages that held a paragraph which just became boilerplate, and this batch's pages that
        # hold one that became so on another worker while they were in flight: cleaned again, once each.
        for aid in dict.fromkeys([*retro, *recheck]):
            self.reclean(aid)
        return results

    def clean(self, page: Page) -> Article:
        started = time.perf_counter()
        article = clean(page.html, page.canonical_url)
        kept = 0 if article.is_empty else 1
        seconds = time.perf_counter() - started
        self.counts.record(Stage.CLEAN, {Count.SEEN: 1, Count.KEPT: kept, Count.DROPPED: 1 - kept,
                                         Count.SECONDS: seconds})
        self.counts.observe(Latency.CLEAN, seconds)
        return article

    def drop_boilerplate(self, article: Article, boilerplate: frozenset[str]) -> Article:
        kept = without(article.paragraphs, boilerplate)
        dropped = len(article.paragraphs) - len(kept)
        self.counts.record(Stage.BOILERPLATE, {Count.SEEN: len(article.paragraphs), Count.KEPT: len(kept),
                                               Count.DROPPED: dropped})
        if not dropped:
            return article
        return dataclasses.replace(article, paragraphs=kept, text="\n".join(kept),
                                   empty_reason=None if kept else "only site boilerplate")

    def store_and_index(self, page: Page, article: Article, stage: Stage = Stage.STORE) -> ProcessResult:
        """Fingerprint, store and index the article; `stage` is STORE, or RECLEAN for a stored one."""
        return self._store_many([(page, article, stage, False)])[0][0]

    def _store_many(self, items: list[tuple],
                    ) -> tuple[list[ProcessResult], list[str]]:
        """Store and index each (page, article, stage, leaves the pending pages[, filed at]) in one round
        trip; the results, and the ids of the stored ones holding a paragraph that is boilerplate now."""
        prepared = [self._prepare(*item) for item in items]
        started = time.perf_counter()
        replies = self._commit(prepared)
        share = (time.perf_counter() - started) / max(1, len(prepared))
        results, recheck = [], []
        for item, (index_reply, recheck_reply) in zip(prepared, replies, strict=True):
            results.append(self._settle(item, index_reply, share))
            if recheck_reply is not None and self.boilerplate.recheck_result(item.recheck, recheck_reply):
                recheck.append(item.aid)
        return results, recheck

    def _prepare(self, page: Page, article: Article, stage: Stage, done: bool,
                 filed_at: float | None = None) -> _Stored:
        started = time.perf_counter()
        fp = fingerprint(article.text, self.settings.minhash_perm, self.settings.shingle_words)
        published = published_ts(article, page)
        feeds = [] if article.is_empty else feeds_for(current_sites().feeds, page.site, article.lang)
        translation_fp, entry = self.translations.prepare(article)
        return _Stored(page, article, stage, done, fp, published, feeds, translation_fp, entry,
                       time.perf_counter() - started, filed_at)

    def _commit(self, items: list[_Stored]) -> list[tuple[object, list | None]]:
        """The one MULTI/EXEC: per item, its record, its index call (remove for an empty article), the
        boilerplate re-check and leaving the pending pages. (index reply, re-check reply or None) per item.
        On a Redis Cluster those commands span slots, so they go without MULTI, and the pages leave the
        pending ones in a second round trip once the rest has succeeded (they stay pending otherwise).

        NOSCRIPT (a restarted Redis lost the scripts): load them and send it all again; storing and indexing
        are idempotent."""
        cluster = self.store.keys.on_cluster
        for attempt in (1, 2):
            pipe = self.store.client.pipeline(transaction=not cluster)
            layout = []
            for item in items:
                item.aid = self.store.save_on(pipe, item.page, item.article, exact_hash=item.fp.exact_hash,
                                              shingles=item.fp.shingles, feeds=item.feeds,
                                              published=item.published)
                at = len(pipe)
                if item.article.is_empty:
                    self.index.remove_on(pipe, item.aid)
                else:
                    self.index.index_on(pipe, item.aid, item.fp.signature, item.fp.shingles,
                                        item.fp.exact_hash, item.published, item.feeds, item.entry)
                item.recheck = Recheck() if item.article.is_empty or item.stage is not Stage.STORE else \
                    self.boilerplate.recheck_on(pipe, item.page.site, item.article.paragraphs)
                if item.done and not cluster:
                    self.pending.done_on(pipe, item.aid, item.filed_at)
                layout.append(at)
            replies = pipe.execute(raise_on_error=False)
            if attempt == 1 and any(isinstance(r, redis.exceptions.NoScriptError) for r in replies):
                self.index.load_script()
                self.boilerplate.load_scripts()
                continue
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
            if cluster:
                self._leave_pending([item for item in items if item.done])
            # `at`: where the index reply sits, after the record's commands; the re-check follows it
            return [(replies[at], replies[at + 1:at + 1 + item.recheck.commands] if item.recheck.commands
                     else None) for item, at in zip(items, layout, strict=True)]
        raise AssertionError("unreachable")

    def _leave_pending(self, items: list[_Stored]) -> None:
        """The second round trip of a commit on a Redis Cluster (see _commit): one transaction, as the
        pending pages' keys share a slot."""
        if not items:  # a reclean, or pages that were not pending
            return
        for attempt in (1, 2):
            pipe = self.store.client.pipeline(transaction=True)
            for item in items:
                self.pending.done_on(pipe, item.aid, item.filed_at)
            try:
                pipe.execute()
                return
            except redis.exceptions.NoScriptError:  # a restarted node lost the script: load it, once
                if attempt == 2:
                    raise
                self.pending.load_script()

    def _settle(self, item: _Stored, index_reply, commit_share: float) -> ProcessResult:
        """Count the stored article and link its verified translations."""
        page, article, stage, aid = item.page, item.article, item.stage, item.aid
        if stage is Stage.STORE:
            self.counts.observe(Latency.STORE, commit_share)
        if article.is_empty:
            self.count_stored(item, item.seconds + commit_share, {Count.EMPTY: 1})
            return ProcessResult(aid, page.site, "empty", reason=article.empty_reason or "no text")
        result = self.index.index_result(index_reply)
        started = time.perf_counter()
        linked = self.translations.link(aid, item.translation_fp, result)
        linking = time.perf_counter() - started
        if stage is Stage.STORE:
            self.counts.observe(Latency.DEDUP, item.seconds + linking)
        status = "duplicate" if linked.ids and result.status == "new" else result.status
        self.count_stored(item, item.seconds + commit_share + linking,
                          {Count.DUPLICATES: int(status == "duplicate"),
                           Count.UNCHANGED: int(status == "unchanged"),
                           Count.MERGED: result.merged + linked.merged})
        match = result.match or next(iter(linked.ids), None)
        return ProcessResult(aid, page.site, status, linked.cluster or result.cluster, match,
                             linked.canonical or result.canonical)

    def count_stored(self, item: _Stored, seconds: float, outcome: dict[Count, int]) -> None:
        """A page stored for the first time counts its verdict under dedup (an empty one has none) and
        itself under store; a reclean counts both once, under reclean."""
        stage = item.stage
        stored = {Count.SEEN: 1, Count.KEPT: 1, Count.SECONDS: seconds}
        if stage is Stage.STORE and Count.EMPTY not in outcome:
            kept = 1 - outcome[Count.DUPLICATES]
            self.counts.record(Stage.DEDUP, {Count.SEEN: 1, Count.KEPT: kept} | outcome)
            self.counts.record(Stage.STORE, stored)
            self.counts.site(item.page.site,
                             {SiteCount.STORED: 1, SiteCount.DUPLICATES: outcome[Count.DUPLICATES]})
        else:
            self.counts.record(stage, stored | outcome)
        if stage is Stage.STORE:
            if item.page.fetched_at:
                self.counts.observe(Latency.FETCH_TO_STORED, time.time() - item.page.fetched_at)

    def reclean(self, aid: str) -> None:
        """Remove paragraphs that became site boilerplate from a stored article, and re-index it."""
        stored = self.store.load(aid)
        if stored is None:
            return  # not stored yet: its own worker re-checks after storing
        page, article = stored
        boilerplate = self.boilerplate.boilerplate_of(page.site, article.paragraphs)
        if boilerplate:
            self.store_and_index(page, self.drop_boilerplate(article, boilerplate), Stage.RECLEAN)
