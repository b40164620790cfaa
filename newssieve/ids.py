"""Stable ids: an article's id is derived from its canonical URL, so re-processing is idempotent."""

from __future__ import annotations

import hashlib


def article_id(canonical_url: str) -> str:
    return hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=10).hexdigest()
