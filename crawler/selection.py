"""Which listed articles a run fetches: the newest `max_pages`, by the date their listing gives.

A sitemap may list 800,000 URLs where a run may fetch 1,000. The spider offers each listed
article it does not have yet to a `Newest` selection as the listing is read, and only the
selection's survivors become requests, so memory follows the budget, not the listing.
Pure: no I/O.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from newssieve.timespec import iso_timestamp


@dataclass(order=True, frozen=True)
class Candidate:
    """A listed article. Ordered by `key`: dated before undated, newer first, then listing order."""

    key: tuple[int, float, int]
    url: str = field(compare=False)
    published: str | None = field(compare=False, default=None)
    source: str | None = field(compare=False, default=None)


def listed_key(published: str | None, lastmod: str | None, seq: int) -> tuple[int, float, int]:
    """The order of a listed article: by its publication date, else its lastmod, else after the dated
    ones; `seq` (its place in the listings) breaks ties, earlier first."""
    when = iso_timestamp(published)
    if when is None:
        when = iso_timestamp(lastmod)
    return (0, 0.0, -seq) if when is None else (1, when, -seq)



class Newest:
    """The `limit` greatest candidates offered so far (a min-heap), one per URL."""

    def __init__(self, limit: int):
        self.limit = limit
        self._heap: list[Candidate] = []
        self._urls: set[str] = set()

    def __len__(self) -> int:
        return len(self._heap)

    def offer(self, candidate: Candidate) -> Candidate | None:
        """Keep the candidate if it is among the newest; returns the one left out (it, or the one it
        displaced), None when none was (a URL already kept is not offered twice)."""
        if candidate.url in self._urls:
            return None
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, candidate)
            self._urls.add(candidate.url)
            return None
        if not self._heap or candidate <= self._heap[0]:
            return candidate
        left_out = heapq.heapreplace(self._heap, candidate)
        self._urls.discard(left_out.url)
        self._urls.add(candidate.url)
        return left_out

    def drain(self) -> list[Candidate]:
        """Everything kept, newest first; the selection is empty afterwards."""
        chosen = sorted(self._heap, reverse=True)
        self._heap, self._urls = [], set()
        return chosen
