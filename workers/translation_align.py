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

# A sentence sketch (workers.translation.sentence_sketches): SKETCH_DIMS coordinates on the basis of news
# sentences, SKETCH_BITS bits each, levels SKETCH_STEP wide: 21 bytes.
SKETCH_DIMS, SKETCH_BITS, SKETCH_STEP = 56, 3, 0.625
# A pair of sentences counts as matching above this cosine of their sketches. There, translated
# sentences sit at ~0.6-0.9, unrelated ones near 0, sentences on the same subject mostly below 0.45.
# On the crosslingual set every threshold from 0.45 to 0.52 gives the same verdicts (bench/crosslingual.py
# prints the sweep): the middle.
PAIR_MIN_COSINE = 0.48


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


def decode(sketches: tuple[bytes, ...]) -> np.ndarray:
    """Sketches -> unit rows (each coordinate the middle of its level)."""
    bits = np.unpackbits(np.frombuffer(b"".join(sketches), dtype=np.uint8).reshape(len(sketches), -1), axis=1)
    weights = (1 << np.arange(SKETCH_BITS - 1, -1, -1)).astype(np.float32)
    codes = (bits.reshape(len(sketches), SKETCH_DIMS, SKETCH_BITS) * weights).sum(axis=2)
    x = (codes - ((1 << (SKETCH_BITS - 1)) - 0.5)) * SKETCH_STEP
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def similarities(a: tuple[bytes, ...], b: tuple[bytes, ...]) -> np.ndarray:
    """Cosines of two lists of sentence sketches."""
    return decode(a) @ decode(b).T


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


def placed_overlap(a: tuple[int, ...], b: tuple[int, ...], shift: int, mask: int, near: int = 1,
                   drift: float = 0.2) -> Overlap:
    """Longest common subsequence of two evidence-token sequences where a match is the same token (bits
    under `mask`) in nearby sentences (the sentence number is the bits from `shift` up): at most `near`
    apart, plus `drift` of the earlier sentence number, since a translation splits and joins a few
    sentences. Independent coverage of an event names the same people, but not sentence by sentence."""
    if not a or not b:
        return Overlap(0, min(len(a), len(b)))
    row = [0] * (len(b) + 1)
    placed_b = [(t >> shift, t & mask) for t in b]
    for t in a:
        sa, ta = t >> shift, t & mask
        diag = 0
        for j, (sb, tb) in enumerate(placed_b, 1):
            same = ta == tb and abs(sa - sb) <= near + drift * min(sa, sb)
            diag, row[j] = row[j], diag + 1 if same else max(row[j], row[j - 1])
    return Overlap(row[-1], min(len(a), len(b)))
