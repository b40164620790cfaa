"""Fingerprints of an article's text: an exact hash and a MinHash signature.

Pure functions. The signature travels as bytes (big-endian uint32 per
permutation), never pickled; the story index stores a 16-bit form of it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

WORD_RE = re.compile(r"\w+", re.UNICODE)
SEED = 1
SCHEME = "affine32"  # 32-bit values: 4 bytes per permutation in Redis


@dataclass(frozen=True)
class Fingerprint:
    exact_hash: str
    signature: bytes  # num_perm big-endian uint32 values
    shingles: int  # number of distinct shingles the signature summarises


def words(text: str) -> list[str]:
    """Lower-cased word tokens after Unicode normalisation (so quotes, dashes, case don't matter)."""
    return WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: list[str], size: int) -> set[bytes]:
    if len(tokens) < size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


@lru_cache(maxsize=4)
def minhash_permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Generating permutations dominates MinHash construction; do it once per size."""
    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def fingerprint(text: str, num_perm: int = 128, shingle_size: int = 3) -> Fingerprint:
    tokens = words(text)
    exact = hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=16).hexdigest()
    grams = shingles(tokens, shingle_size)
    permutations = minhash_permutations(num_perm)
    minhash = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME, permutations=permutations)
    if grams:
        minhash.update_batch(list(grams))
    return Fingerprint(exact, minhash.hashvalues.astype(">u4").tobytes(), len(grams))

