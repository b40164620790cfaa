"""One page through the pipeline: clean -> fingerprint -> dedup -> store.

Each step records what it saw, kept and dropped in the stage counters.
Redis errors propagate (the task retries them); anything wrong with the page
itself is turned into an empty article with a reason, never an exception.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from newssieve.models import Article, Page
from newssieve.settings import get_settings
from newssieve.sites import current_sites
from newssieve.stats import Stats
from newssieve.storage import Store, feeds_for, published_ts
from newssieve.story_index import StoryIndex
from workers.clean import clean
from workers.fingerprint import fingerprint


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
        self.store = store or Store()
        self.stats = stats or Stats(self.store.client, self.store.keys.prefix)
        self.index = StoryIndex(self.store.client, self.store.keys.prefix)
        self.settings = get_settings()

    def clean(self, page: Page) -> Article:
        started = time.perf_counter()
        article = clean(page.html, page.canonical_url)
        kept = 0 if article.is_empty else 1
        self.stats.record("clean", seen=1, kept=kept, dropped=1 - kept, seconds=time.perf_counter() - started)
        return article

    def process(self, page: Page) -> ProcessResult:
        self.stats.record("received", seen=1)
        article = self.clean(page)
        started = time.perf_counter()
        fp = fingerprint(article.text, self.settings.minhash_perm, self.settings.shingle_words)
        published = published_ts(article, page)
        feeds = [] if article.is_empty else feeds_for(current_sites().feeds, page.site, article.lang)
        aid = self.store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                                      feeds=feeds, published=published)
        if article.is_empty:
            self.stats.record("store", seen=1, kept=1, empty=1, seconds=time.perf_counter() - started)
            return ProcessResult(aid, page.site, "empty", reason=article.empty_reason or "no text")
        result = self.index.index(aid, fp.signature, fp.shingles, fp.exact_hash, published, feeds)
        duplicate = int(result.status == "duplicate")
        self.stats.record("dedup", seen=1, kept=1 - duplicate, duplicates=duplicate,
                          unchanged=int(result.status == "unchanged"))
        self.stats.record("store", seen=1, kept=1, seconds=time.perf_counter() - started)
        return ProcessResult(aid, page.site, result.status, result.cluster, result.match, result.canonical)
