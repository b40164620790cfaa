"""Site-level boilerplate: a paragraph found on K distinct pages of one site is not the article.

Single-page extractors cannot tell an author bio written as plain paragraphs,
or a recurring "see also" line, from the story; across a site's pages they
repeat. Counts are per site (a paragraph shared by different sites is
syndication, not boilerplate), kept by newssieve.store.paragraph_counts (bounded per site).

The worker observes all the pages of a batch in one round trip (`observe_many`), and asks which
paragraphs are boilerplate now (`boilerplate_of`) in the round trip that stores the page
(`recheck_on` / `recheck_result`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import redis

from newssieve.store.keys import Keys
from newssieve.store.paragraph_counts import ParagraphCounts, Recheck
from workers.fingerprint import words


@lru_cache(maxsize=4096)
def paragraph_key(paragraph: str) -> str:
    """Hash of a paragraph after normalisation (case, punctuation and spacing do not count). Cached: a page's
    paragraphs are asked for three times (counted, dropped, re-checked when stored)."""
    return hashlib.blake2b(" ".join(words(paragraph)).encode("utf-8"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Observation:
    boilerplate: frozenset[str]  # paragraph keys of this page that are the site's boilerplate
    retro_pages: tuple[str, ...]  # earlier pages that held a paragraph which just became boilerplate


class SiteBoilerplate:
    def __init__(self, client: redis.Redis, keys: Keys, min_pages: int = 3, max_entries: int = 20_000):
        self.counts = ParagraphCounts(client, keys.prefix, min_pages=min_pages, max_entries=max_entries)

    def observe(self, site: str, page_id: str, paragraphs: list[str]) -> Observation:
        """Count this page's paragraphs for its site (once per page) and say which are boilerplate."""
        return self.observe_many([(site, page_id, paragraphs)])[0]

    def observe_many(self, pages: list[tuple[str, str, list[str]]]) -> list[Observation]:
        """observe() each (site, page id, paragraphs), in order, in one round trip (each page's count is
        one atomic script call, as observe()'s)."""
        calls = [(site, page_id, sorted({paragraph_key(p) for p in paragraphs}))
                 for site, page_id, paragraphs in pages]
        wanted = [call for call in calls if call[2]]
        replies = iter(self._observe_calls(wanted) if wanted else [])
        out = []
        for _site, page_id, hashes in calls:
            if not hashes:
                out.append(Observation(frozenset(), ()))
                continue
            boiler, retro = self.counts.observed(hashes, next(replies))
            out.append(Observation(boiler, tuple(r for r in retro if r != page_id)))
        return out

    def _observe_calls(self, calls: list[tuple[str, str, list[str]]]) -> list:
        for attempt in (1, 2):
            pipe = self.counts.client.pipeline(transaction=False)
            for site, page_id, hashes in calls:
                self.counts.observe_on(pipe, site, page_id, hashes)
            replies = pipe.execute(raise_on_error=False)
            if attempt == 1 and any(isinstance(r, redis.exceptions.NoScriptError) for r in replies):
                self.load_scripts()  # a restarted Redis: counting is once per page, so the calls that
                continue  # did run may run again
            for reply in replies:
                if isinstance(reply, Exception):
                    raise reply
            return replies
        raise AssertionError("unreachable")

    def load_scripts(self) -> None:
        """Load the counting scripts again (after NOSCRIPT: a restarted or flushed Redis)."""
        self.counts.load_scripts()

    def boilerplate_of(self, site: str, paragraphs: list[str]) -> frozenset[str]:
        """Which of these paragraphs are boilerplate now (no counting)."""
        for attempt in (1, 2):
            pipe = self.counts.client.pipeline(transaction=False)
            recheck = self.recheck_on(pipe, site, paragraphs)
            if not recheck.commands:
                return frozenset()
            try:
                return self.recheck_result(recheck, pipe.execute())
            except redis.exceptions.NoScriptError:
                if attempt == 2:
                    raise
                self.load_scripts()
        raise AssertionError("unreachable")

    def recheck_on(self, pipe, site: str, paragraphs: list[str]) -> Recheck:
        """boilerplate_of(), queued on the caller's pipeline: give recheck_result the `commands` replies
        that follow (none when there are no paragraphs)."""
        return self.counts.recheck_on(pipe, site, [paragraph_key(p) for p in paragraphs])

    def recheck_result(self, recheck: Recheck, replies: list) -> frozenset[str]:
        return self.counts.recheck_result(recheck, replies)


def without(paragraphs: list[str], boilerplate: frozenset[str]) -> list[str]:
    return [p for p in paragraphs if paragraph_key(p) not in boilerplate]
