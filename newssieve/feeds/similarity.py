"""Similarities for the read side that survive a malformed record.

The story index answers every pair in one script call, which fails as a whole when one of the
articles' keys is not a hash. Then each pair is asked alone, and a pair that still fails is
reported (store/data_errors.py) and has no similarity.
"""

from __future__ import annotations

import redis

from newssieve.store.articles import Store
from newssieve.store.data_errors import wrong_type
from newssieve.store.story_index import StoryIndex


def similarities(store: Store, index: StoryIndex, pairs: list[tuple[str, str]]) -> list[float | None]:
    """StoryIndex.similarities, with None for a pair that involves a malformed record."""
    try:
        return index.similarities(pairs)
    except redis.ResponseError as exc:
        if not wrong_type(exc):
            raise
    return [_one(store, index, pair) for pair in pairs]


def _one(store: Store, index: StoryIndex, pair: tuple[str, str]) -> float | None:
    try:
        return index.similarities([pair])[0]
    except redis.ResponseError as exc:
        keys = [store.keys.article(aid) for aid in pair]
        bad = [key for key in keys if store.client.type(key) not in ("hash", "none")]
        store.errors.check(" and ".join(bad or keys), exc)
        return None
