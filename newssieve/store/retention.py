"""Retention: forget articles first seen before a cutoff, with every key that refers to them.

A batch goes in three steps, each safe to repeat: the story index forgets each article in one atomic
call (StoryIndex.forget_many: its band-table entries and records, its cluster membership -- a new
canonical takes over where it represented the story in a feed -- its feed entries and its entry);
then its article record and site entry go; then its place in `articles`, last, so that a run stopped
half-way lists what it left for the next run to finish. The steps are apart because on a Redis
Cluster the index, the records and `articles` are in different slots. The band table does not
shrink back after a large expiry; it keeps the buckets of its peak size.
"""

from __future__ import annotations

import time

import redis

from newssieve.redis_conn import get_client
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.story_index import StoryIndex

BATCH = 500


def expire_older_than(seconds: float, *, client: redis.Redis | None = None, prefix: str | None = None,
                      now: float | None = None) -> int:
    """Remove articles first seen more than `seconds` ago; returns how many were removed."""
    client = client or get_client()
    store = Store(client, prefix)
    index = StoryIndex(client, store.keys.prefix)
    cutoff = (time.time() if now is None else now) - seconds
    removed = 0
    while True:
        ids = client.zrangebyscore(store.keys.articles, "-inf", f"({cutoff}", start=0, num=BATCH)
        index.forget_many(ids)
        removed += store.delete(ids)
        if len(ids) < BATCH:
            return removed


def count_older_than(seconds: float, *, client: redis.Redis | None = None, prefix: str | None = None,
                     now: float | None = None) -> int:
    """How many articles expire_older_than() would remove."""
    client = client or get_client()
    cutoff = (time.time() if now is None else now) - seconds
    return client.zcount(Keys(prefix).articles, "-inf", f"({cutoff}")
