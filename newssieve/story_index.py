"""The story index: exact hashes, LSH band tables and clusters, kept in Redis by newssieve.

datasketch computes the signatures; its own Redis storage is not used (it
unpickles what it reads back, needs ~21 round trips per insert and misses
duplicates under concurrent inserts). Here, the query and the insert for one
article are one Lua call, so concurrent workers always see each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import redis

from newssieve.settings import get_settings

SCRIPT = (Path(__file__).with_name("story_index.lua")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class IndexResult:
    status: str  # "new" | "duplicate" | "unchanged"
    cluster: str
    match: str | None  # the article it was found to copy (or be copied by)
    jaccard: float
    containment: float
    canonical: str

    @property
    def is_duplicate(self) -> bool:
        return bool(self.match)


class StoryIndex:
    def __init__(self, client: redis.Redis, prefix: str | None = None):
        settings = get_settings()
        self.client = client
        self.prefix = prefix if prefix is not None else settings.prefix
        self.bands = settings.lsh_bands
        self.jaccard_threshold = settings.jaccard_threshold
        self.containment_threshold = settings.containment_threshold
        self.containment_min_shingles = settings.containment_min_shingles
        self._script = client.register_script(SCRIPT)

    def index(self, article_id: str, signature: bytes, shingles: int, exact_hash: str,
              published_ts: float, feeds: list[str]) -> IndexResult:
        """Find the article's copies and file it in their cluster (or a new one), atomically.

        The article's hash (published_ts, seen order, feeds, shingles) must be written first.
        """
        status, cluster, match, jac, cont, canonical = self._script(args=[
            "index", self.prefix, article_id, signature, shingles, exact_hash, published_ts,
            self.bands, self.jaccard_threshold, self.containment_threshold,
            self.containment_min_shingles, ",".join(feeds),
        ])
        return IndexResult(_s(status), _s(cluster), _s(match) or None, float(jac), float(cont), _s(canonical))

    def remove(self, article_id: str) -> bool:
        """Take an article out of the band tables, its cluster and the feeds (a new canonical is chosen)."""
        return bool(self._script(args=["remove", self.prefix, article_id, self.bands]))


def _s(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
