"""How similar two stored articles are: their MinHash signatures compared position by position.

The index keeps each article's signature at `sig:{id}` as big-endian uint32
values. The `jaccard` field of an article is its similarity to the copy it was
matched with, which need not be the canonical; readers want the similarity to
the canonical, so it is computed here from the two signatures.
"""

from __future__ import annotations

import numpy as np
import redis

from newssieve.keys import Keys


def signature_similarity(sig_a: bytes | None, sig_b: bytes | None) -> float | None:
    """Estimated Jaccard similarity; None when either signature is missing or they differ in length."""
    if not sig_a or not sig_b or len(sig_a) != len(sig_b) or len(sig_a) % 4:
        return None
    a = np.frombuffer(sig_a, dtype=">u4")
    b = np.frombuffer(sig_b, dtype=">u4")
    return round(float(np.count_nonzero(a == b)) / len(a), 4)


def bytes_client(client: redis.Redis) -> redis.Redis:
    """A client on the same server that returns bytes (signatures are binary)."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "decode_responses": False}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs))


class Signatures:
    def __init__(self, client: redis.Redis, keys: Keys):
        self.client = bytes_client(client)
        self.keys = keys

    def similarities(self, pairs: list[tuple[str, str]]) -> list[float | None]:
        """Similarity of each (article, canonical) pair, reading every signature once."""
        ids = sorted({aid for pair in pairs for aid in pair})
        if not ids:
            return []
        sigs = dict(zip(ids, self.client.mget([self.keys.signature(aid) for aid in ids]), strict=True))
        return [1.0 if a == b and sigs[a] else signature_similarity(sigs[a], sigs[b]) for a, b in pairs]
