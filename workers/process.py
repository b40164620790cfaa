"""One page through the pipeline: clean -> site boilerplate -> fingerprint -> dedup -> store.

Each step records what it saw, kept and dropped in the stage counters (store.stats);
a stored article cleaned again (reclean) counts once, under its own stage.
Redis errors propagate (the task retries them); anything wrong with the page
itself becomes an empty article with a reason, never an exception.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict, dataclass

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.settings import get_settings
from newssieve.sites import current_sites
from newssieve.store.articles import Store, feeds_for, published_ts
from newssieve.store.pending import PendingPages
from newssieve.store.stats import Count, Stage, Stats
from newssieve.store.story_index import StoryIndex
from workers.clean import clean
from workers.fingerprint import fingerprint
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


class PageProcessor:
    def __init__(self, store: Store | None = None, stats: Stats | None = None):
        self.settings = get_settings()
        self.store = store or Store()
        self.stats = stats or Stats(self.store.client, self.store.keys.prefix)
        self.index = StoryIndex(self.store.client, self.store.keys.prefix)
        self.translations = TranslationMatcher(self.index, self.settings.translation_matching)
        self.pending = PendingPages(self.store.client, self.store.keys.prefix)
        self.boilerplate = SiteBoilerplate(self.store.client, self.store.keys,
                                           min_pages=self.settings.boilerplate_min_pages)

    def process(self, page: Page) -> ProcessResult:
        self.stats.record(Stage.RECEIVED, {Count.SEEN: 1})
        article = self.clean(page)
        aid = article_id(page.canonical_url)
        retro: tuple[str, ...] = ()
        if not article.is_empty:
            observed = self.boilerplate.observe(page.site, aid, article.paragraphs)
            article = self.drop_boilerplate(article, observed.boilerplate)
            retro = observed.retro_pages
        result = self.store_and_index(page, article)
        self.pending.done(aid)
        for other in retro:
            self.reclean(other)
        # A paragraph may have reached K on another worker while this page was in flight.
        if not article.is_empty and self.boilerplate.boilerplate_of(page.site, article.paragraphs):
            self.reclean(aid)
        return result

    def clean(self, page: Page) -> Article:
        started = time.perf_counter()
        article = clean(page.html, page.canonical_url)
        kept = 0 if article.is_empty else 1
        self.stats.record(Stage.CLEAN, {Count.SEEN: 1, Count.KEPT: kept, Count.DROPPED: 1 - kept,
                                        Count.SECONDS: time.perf_counter() - started})
        return article

    def drop_boilerplate(self, article: Article, boilerplate: frozenset[str]) -> Article:
        kept = without(article.paragraphs, boilerplate)
        dropped = len(article.paragraphs) - len(kept)
        self.stats.record(Stage.BOILERPLATE, {Count.SEEN: len(article.paragraphs), Count.KEPT: len(kept),
                                              Count.DROPPED: dropped})
        if not dropped:
            return article
        return dataclasses.replace(article, paragraphs=kept, text="\n".join(kept),
                                   empty_reason=None if kept else "only site boilerplate")

    def store_and_index(self, page: Page, article: Article, stage: Stage = Stage.STORE) -> ProcessResult:
        """Fingerprint, store and index the article; `stage` is STORE, or RECLEAN for a stored one."""
        started = time.perf_counter()
        fp = fingerprint(article.text, self.settings.minhash_perm, self.settings.shingle_words)
        published = published_ts(article, page)
        feeds = [] if article.is_empty else feeds_for(current_sites().feeds, page.site, article.lang)
        aid = self.store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                                      feeds=feeds, published=published)
        if article.is_empty:
            self.index.remove(aid)
            self.count_stored(stage, started, {Count.EMPTY: 1})
            return ProcessResult(aid, page.site, "empty", reason=article.empty_reason or "no text")
        tfp, entry = self.translations.prepare(article)
        result = self.index.index(aid, fp.signature, fp.shingles, fp.exact_hash, published, feeds, entry)
        linked = self.translations.link(aid, tfp, result)
        status = "duplicate" if linked.ids and result.status == "new" else result.status
        self.count_stored(stage, started, {Count.DUPLICATES: int(status == "duplicate"),
                                           Count.UNCHANGED: int(status == "unchanged"),
                                           Count.MERGED: result.merged + linked.merged})
        match = result.match or next(iter(linked.ids), None)
        return ProcessResult(aid, page.site, status, linked.cluster or result.cluster, match,
                             linked.canonical or result.canonical)

    def count_stored(self, stage: Stage, started: float, outcome: dict[Count, int]) -> None:
        """A page stored for the first time counts its verdict under dedup (an empty one has none) and
        itself under store; a reclean counts both once, under reclean."""
        stored = {Count.SEEN: 1, Count.KEPT: 1, Count.SECONDS: time.perf_counter() - started}
        if stage is Stage.STORE and Count.EMPTY not in outcome:
            kept = 1 - outcome[Count.DUPLICATES]
            self.stats.record(Stage.DEDUP, {Count.SEEN: 1, Count.KEPT: kept} | outcome)
            self.stats.record(Stage.STORE, stored)
        else:
            self.stats.record(stage, stored | outcome)

    def reclean(self, aid: str) -> None:
        """Remove paragraphs that became site boilerplate from a stored article, and re-index it."""
        stored = self.store.load(aid)
        if stored is None:
            return  # not stored yet: its own worker re-checks after storing
        page, article = stored
        boilerplate = self.boilerplate.boilerplate_of(page.site, article.paragraphs)
        if boilerplate:
            self.store_and_index(page, self.drop_boilerplate(article, boilerplate), Stage.RECLEAN)
