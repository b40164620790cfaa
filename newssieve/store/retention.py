"""Retention: forget articles first seen before a cutoff, with every key that refers to them.

Each article goes in one atomic call (StoryIndex.purge): its band-table entries and
record, its cluster membership (a new canonical takes over where it represented the
story in a feed), its site and feed entries, and its article hash. The band table
does not shrink back after a large expiry; it keeps the buckets of its peak size.
"""

from __future__ import annotations

import time

import redis

from newssieve.redis_conn import get_client
from newssieve.store.keys import Keys
from newssieve.store.story_index import StoryIndex

BATCH = 500


def expire_older_than(seconds: float, *, client: redis.Redis | None = None, prefix: str | None = None,
                      now: float | None = None) -> int:
    """Remove articles first seen more than `seconds` ago; returns how many were removed."""
    client = client or get_client()
    keys = Keys(prefix)
    index = StoryIndex(client, keys.prefix)
    cutoff = (time.time() if now is None else now) - seconds
    removed = 0
    while True:
        ids = client.zrangebyscore(keys.articles, "-inf", f"({cutoff}", start=0, num=BATCH)
        purged = index.purge_many(ids, cutoff)
        removed += purged
        if len(ids) < BATCH or not purged:
            return removed


def count_older_than(seconds: float, *, client: redis.Redis | None = None, prefix: str | None = None,
                     now: float | None = None) -> int:
    """How many articles expire_older_than() would remove."""
    client = client or get_client()
    cutoff = (time.time() if now is None else now) - seconds
    return client.zcount(Keys(prefix).articles, "-inf", f"({cutoff}")
