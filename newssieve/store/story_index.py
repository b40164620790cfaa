"""The story index: exact hashes, LSH band tables and clusters, kept in Redis by newssieve.

datasketch computes the signatures; its own Redis storage is not used (it
unpickles what it reads back, needs ~21 round trips per insert and misses
duplicates under concurrent inserts). Here, the query and the insert for one
article are one Lua call (story_index.lua), so concurrent workers always see
each other.

Memory is what limits an index of millions of articles, so the index keeps a
compact signature and files articles by small integer numbers in hashes small
enough to stay listpack-encoded (layout at the top of story_index.lua). The
compact signature codes each 32-bit MinHash value in 16 bits like a tiny float
(exponent and 11 bits of mantissa): equal values stay equal, two different
values collide about once in a thousand positions, and the order of values is
kept, which gives containment directly: P(min A <= min B) = |A| / |A u B|.

When a new article matches members of several clusters (it bridges copies that
were not found to match each other), the clusters are merged into the largest,
in the same atomic call; cluster ids of the moved members change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import redis

from newssieve.settings import Settings, get_settings
from newssieve.store.keys import Keys

SCRIPT = (Path(__file__).with_name("story_index.lua")).read_text(encoding="utf-8")
EXACT_HASH_LENGTH = 32  # hex digits of the exact text hash
MAX_ID_LENGTH = 28  # an id shares a 64-byte record chunk with the shingle count and the exact hash
CHUNK, RECORDS_PER_BUCKET = 64, 32  # as in story_index.lua
MANTISSA_BITS = 11


@dataclass(frozen=True)
class IndexResult:
    status: str  # "new" | "duplicate" | "unchanged"
    cluster: str
    match: str | None  # the article it was found to copy (or be copied by)
    jaccard: float
    containment: float
    canonical: str
    merged: int = 0  # other clusters folded into this one because the article bridged them

    @property
    def is_duplicate(self) -> bool:
        return bool(self.match)


def compact_signature(signature: bytes) -> bytes:
    """Big-endian uint32 MinHash values -> order-preserving big-endian 16-bit codes, as the index stores them.

    Values below 2^12 are kept as they are; above, the code is (bit length - 11) in the top bits and
    the 11 bits after the leading one below them: monotonic, integer-exact, at most 45055.
    """
    values = np.frombuffer(signature, dtype=">u4").astype(np.int64)
    bit_length = np.frexp(values.astype(np.float64))[1].astype(np.int64)  # exact for integers < 2^53
    shift = np.maximum(bit_length - MANTISSA_BITS - 1, 0)
    mantissa = (values >> shift) & ((1 << MANTISSA_BITS) - 1)
    floated = ((bit_length - MANTISSA_BITS) << MANTISSA_BITS) | mantissa
    codes = np.where(bit_length <= MANTISSA_BITS + 1, values, floated)
    return codes.astype(">u2").tobytes()


class StoryIndex:
    def __init__(self, client: redis.Redis, prefix: str | None = None, settings: Settings | None = None):
        settings = settings or get_settings()
        if settings.lsh_bands * settings.lsh_rows > settings.minhash_perm:
            raise ValueError("lsh_bands x lsh_rows must not exceed minhash_perm")
        self.client = client
        self.prefix = prefix if prefix is not None else settings.prefix
        self.settings = settings
        self._script = client.register_script(SCRIPT)

    def _call(self, mode: str, article_id: str, *args, client=None):
        s = self.settings
        return self._script(args=[mode, self.prefix, article_id, s.minhash_perm, s.lsh_bands, s.lsh_rows,
                                  s.lsh_bucket_fields, *args], client=client)

    def index(self, article_id: str, signature: bytes, shingles: int, exact_hash: str,
              published_ts: float, feeds: list[str]) -> IndexResult:
        """Find the article's copies and file it in their cluster (or a new one), atomically.

        The article's hash (published_ts, feeds) must be written first.
        """
        return _result(self._index_call(article_id, signature, shingles, exact_hash, published_ts, feeds))

    def index_many(self, articles: list[tuple[str, bytes, int, str, float, list[str]]]) -> list[IndexResult]:
        """index() each (id, signature, shingles, exact hash, published, feeds), pipelined: bulk loads."""
        pipe = self.client.pipeline(transaction=False)
        for article in articles:
            self._index_call(*article, client=pipe)
        return [_result(reply) for reply in pipe.execute()] if articles else []

    def _index_call(self, article_id: str, signature: bytes, shingles: int, exact_hash: str,
                    published_ts: float, feeds: list[str], client=None):
        if len(exact_hash) != EXACT_HASH_LENGTH or len(article_id) > MAX_ID_LENGTH:
            raise ValueError("exact hash must be 32 hex digits and article ids at most 28 characters")
        s = self.settings
        return self._call(
            "index", article_id, compact_signature(signature), int(shingles), exact_hash, float(published_ts),
            s.jaccard_threshold, s.containment_threshold, s.containment_min_shingles,
            s.containment_min_jaccard, s.near_min_shingles, ",".join(feeds), client=client,
        )

    def remove(self, article_id: str) -> bool:
        """Take an article out of the band tables, its cluster and the feeds (a new canonical is chosen)."""
        return bool(self._call("remove", article_id))

    def purge(self, article_id: str, cutoff: float) -> bool:
        """Remove every key of an article first seen before `cutoff`: index, cluster, feeds, site, record."""
        return bool(self._call("purge", article_id, cutoff))

    def purge_many(self, article_ids: list[str], cutoff: float) -> int:
        """purge() each article, pipelined (each purge is still one atomic call); returns how many went."""
        pipe = self.client.pipeline(transaction=False)
        for aid in article_ids:
            self._call("purge", aid, cutoff, client=pipe)
        return sum(int(n) for n in pipe.execute()) if article_ids else 0

    def similarities(self, pairs: list[tuple[str, str]]) -> list[float | None]:
        """Estimated Jaccard similarity of each pair of indexed articles (None if one is not indexed)."""
        if not pairs:
            return []
        flat = [aid for pair in pairs for aid in pair]
        return [float(v) if _s(v) else None for v in self._call("similarity", "", *flat)]


@dataclass(frozen=True)
class Audit:
    """What the band tables and records hold, for checking that nothing is orphaned."""

    filed: Counter  # article number -> how many band-table keys list it
    records: set[int]  # article numbers that have a record


def audit(client: redis.Redis, prefix: str, minhash_perm: int | None = None) -> Audit:
    """Read the whole index (tests and operators; O(index size))."""
    pool = client.connection_pool
    raw = redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **{**pool.connection_kwargs, "decode_responses": False}))
    keys = Keys(prefix)
    fields_per_record = 1 + -(-2 * (minhash_perm or get_settings().minhash_perm) // CHUNK)
    filed: Counter = Counter()
    records: set[int] = set()
    try:
        for key in raw.scan_iter(match=keys.index_family("lsh").encode(), count=1000):
            if not key.endswith(b":meta"):
                for value in raw.hvals(key):
                    filed.update(int.from_bytes(value[i:i + 4], "big") for i in range(0, len(value), 4))
        for key in raw.scan_iter(match=keys.index_family("rec").encode(), count=1000):
            bucket = int(key.rsplit(b":", 1)[1])
            records.update(bucket * RECORDS_PER_BUCKET + int(f) // fields_per_record for f in raw.hkeys(key))
    finally:
        raw.connection_pool.disconnect()
    return Audit(filed, records)


def _result(reply) -> IndexResult:
    status, cluster, match, jac, cont, canonical, merged = reply
    return IndexResult(_s(status), _s(cluster), _s(match) or None, float(jac), float(cont), _s(canonical),
                       int(merged))


def _s(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
