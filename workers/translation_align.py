"""Sentence alignment and ordered-evidence overlap used by `workers.translation.verify_translation`.

A translation keeps its original's sentences in order: we take the mutual-best
sentence pairs (each is the other's nearest sentence), keep the longest chain of
them that is in order in both texts, and ask how much of the shorter lead it covers.
Independent coverage of the same event shares topic, names and maybe a figure, but
not a chain of matching sentences in the same order.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

# A pair of sentences counts as matching above this cosine (estimated from 128-bit
# sketches, std ~0.05 there). USE gives translations ~0.7-0.9 and unrelated sentences
# ~0.0-0.3; sentences on the same subject but not translations sit around 0.4-0.5.
PAIR_MIN_COSINE = 0.55


@dataclass(frozen=True)
class Alignment:
    aligned: int  # length of the in-order chain of mutual-best matches
    shorter: int  # sentences in the shorter of the two leads
    mean_sim: float  # mean estimated cosine along the chain

    @property
    def coverage(self) -> float:
        return self.aligned / self.shorter if self.shorter else 0.0


@dataclass(frozen=True)
class Overlap:
    ordered: int  # longest common subsequence of the two key sequences
    shorter: int  # keys in the shorter sequence

    @property
    def ratio(self) -> float:
        return self.ordered / self.shorter if self.shorter else 0.0

    def as_dict(self) -> dict:
        return {"ordered": self.ordered, "shorter": self.shorter}


def similarities(a: tuple[bytes, ...], b: tuple[bytes, ...]) -> np.ndarray:
    """Cosine estimates from sign sketches: cos(pi * hamming / bits)."""
    bits_a = np.unpackbits(np.frombuffer(b"".join(a), dtype=np.uint8).reshape(len(a), -1), axis=1)
    bits_b = np.unpackbits(np.frombuffer(b"".join(b), dtype=np.uint8).reshape(len(b), -1), axis=1)
    hamming = (bits_a[:, None, :] != bits_b[None, :, :]).sum(axis=2)
    return np.cos(np.pi * hamming / bits_a.shape[1])


def _longest_chain(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Longest chain increasing in both indices (pairs are sorted by the first)."""
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(pairs)
    for k, (_, j, _) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos], tail_idx[pos] = j, k
        prev[k] = tail_idx[pos - 1] if pos else -1
    chain, k = [], tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(pairs[k])
        k = prev[k]
    return chain[::-1]


def align(a: tuple[bytes, ...], b: tuple[bytes, ...], min_cosine: float = PAIR_MIN_COSINE) -> Alignment:
    """In-order chain of mutual-best sentence matches between two leads."""
    if not a or not b:
        return Alignment(0, min(len(a), len(b)), 0.0)
    sim = similarities(a, b)
    best_b, best_a = sim.argmax(axis=1), sim.argmax(axis=0)
    pairs = [(i, int(j), float(sim[i, j])) for i, j in enumerate(best_b)
             if best_a[j] == i and sim[i, j] >= min_cosine]
    chain = _longest_chain(pairs)
    mean = sum(s for _, _, s in chain) / len(chain) if chain else 0.0
    return Alignment(len(chain), min(len(a), len(b)), mean)


def sequence_overlap(a: tuple[int, ...], b: tuple[int, ...]) -> Overlap:
    """Longest common subsequence of two key sequences: shared figures/names in the same order."""
    if not a or not b:
        return Overlap(0, min(len(a), len(b)))
    row = [0] * (len(b) + 1)
    for x in a:
        diag = 0
        for j, y in enumerate(b, 1):
            diag, row[j] = row[j], diag + 1 if x == y else max(row[j], row[j - 1])
    return Overlap(row[-1], min(len(a), len(b)))
