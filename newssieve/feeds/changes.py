"""What a copy changed against its original, for the story page: pure functions over paragraphs.

A copy in the original's language is compared paragraph by paragraph (difflib): a paragraph only in
the original was trimmed, one only in the copy was added (extended), and a pair that differs was
edited and carries a word-level diff. A translation cannot be diffed word by word, so its sentences
are aligned with the original's by length (the idea of Gale and Church: a sentence and its
translation have proportional lengths) to be read side by side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, TRIMMED, ADDED, EDITED = "same", "trimmed", "added", "edited"
PAIRED = 0.5  # word similarity at which two differing paragraphs count as one edited paragraph
MAX_SENTENCES = 400  # per side; sentences past that are paired by position (the alignment is quadratic)
SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+|(?<=[.!?…。！？][\"'”»)\]])\s+")


@dataclass(frozen=True)
class Row:
    """One paragraph of the comparison. `words` (edited rows): (op, text) runs, op one of "same",
    "del" (only in the original) and "ins" (only in the copy)."""

    kind: str
    original: str | None
    copy: str | None
    words: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]

    def count(self, kind: str) -> int:
        return sum(row.kind == kind for row in self.rows)

    @property
    def words_changed(self) -> int:
        """Words deleted, inserted or replaced across the edited paragraphs (a replacement counts once)."""
        return sum(_changed_words(row.words) for row in self.rows if row.kind == EDITED)

    @property
    def changes(self) -> list[str]:
        """What the copy did, in words a reader knows: trimmed, edited, extended; [] when identical."""
        names = {TRIMMED: "trimmed", EDITED: "edited", ADDED: "extended"}
        return [name for kind, name in names.items() if self.count(kind)]


def _changed_words(runs: Iterable[tuple[str, str]]) -> int:
    deleted = inserted = total = 0
    for op, text in [*runs, ("same", "")]:
        if op == "del":
            deleted += len(text.split())
        elif op == "ins":
            inserted += len(text.split())
        else:
            total, deleted, inserted = total + max(deleted, inserted), 0, 0
    return total


def _norm(paragraph: str) -> str:
    return " ".join(paragraph.split())


def word_diff(original: str, copy: str) -> tuple[tuple[str, str], ...]:
    """The two paragraphs as runs of words kept ("same"), removed ("del") and added ("ins")."""
    old, new = original.split(), copy.split()
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", " ".join(old[i1:i2])))
        if j2 > j1:
            runs.append(("ins", " ".join(new[j1:j2])))
    return tuple(runs)


def _similar(original: str, copy: str) -> bool:
    matcher = SequenceMatcher(None, original.split(), copy.split(), autojunk=False)
    return matcher.quick_ratio() >= PAIRED and matcher.ratio() >= PAIRED


def _pair_block(old: list[str], new: list[str]) -> list[Row]:
    """Rows for paragraphs that differ: each original paragraph pairs with the next similar copy
    paragraph (in order); what pairs with nothing was trimmed or added."""
    rows: list[Row] = []
    j = 0
    for paragraph in old:
        k = next((k for k in range(j, len(new)) if _similar(paragraph, new[k])), None)
        if k is None:
            rows.append(Row(TRIMMED, paragraph, None))
            continue
        rows.extend(Row(ADDED, None, added) for added in new[j:k])
        rows.append(Row(EDITED, paragraph, new[k], word_diff(paragraph, new[k])))
        j = k + 1
    rows.extend(Row(ADDED, None, added) for added in new[j:])
    return rows


def compare(original: list[str], copy: list[str]) -> Comparison:
    """The copy's paragraphs against the original's, in reading order (whitespace does not count)."""
    old = [_norm(p) for p in original if p.strip()]
    new = [_norm(p) for p in copy if p.strip()]
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(Row(SAME, p, p) for p in old[i1:i2])
        else:
            rows.extend(_pair_block(old[i1:i2], new[j1:j2]))
    return Comparison(tuple(rows))


def sentences(paragraphs: Iterable[str]) -> list[str]:
    """The sentences of a text: each paragraph split after a full stop, question or exclamation mark."""
    return [s.strip() for p in paragraphs for s in SENTENCE_END.split(_norm(p)) if s.strip()]


# Alignment moves (sentences of the original, of the copy) and what each costs beyond the lengths
# (a sentence left alone costs its penalty only: cheaper than hiding it in a neighbour's pair).
MOVES = {(1, 1): 0.0, (2, 1): 0.8, (1, 2): 0.8, (1, 0): 0.8, (0, 1): 0.8}


def align(original: list[str], copy: list[str]) -> list[tuple[str, str]]:
    """Sentences of a text and of its translation paired for reading side by side: 1-1, 2-1 or 1-2,
    or alone ("" on the other side), the pairing whose lengths agree best overall."""
    head_old, head_new = original[:MAX_SENTENCES], copy[:MAX_SENTENCES]
    pairs = _align(head_old, head_new)
    tail = max(len(original), len(copy)) - MAX_SENTENCES
    for n in range(max(tail, 0)):
        pairs.append((_at(original, MAX_SENTENCES + n), _at(copy, MAX_SENTENCES + n)))
    return pairs


def _at(items: list[str], n: int) -> str:
    return items[n] if n < len(items) else ""


def _align(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    ratio = (sum(map(len, new)) + 1) / (sum(map(len, old)) + 1)  # how much longer the language runs
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    for i in range(len(old) + 1):
        for j in range(len(new) + 1):
            for (di, dj), penalty in MOVES.items():
                if (i - di, j - dj) not in best:
                    continue
                a = sum(len(s) for s in old[i - di:i]) * ratio
                b = sum(len(s) for s in new[j - dj:j])
                mismatch = abs(math.log((b + 10) / (a + 10))) if di and dj else 0.0
                cost = best[(i - di, j - dj)][0] + penalty + mismatch
                if (i, j) not in best or cost < best[(i, j)][0]:
                    best[(i, j)] = (cost, (di, dj))
    pairs: list[tuple[str, str]] = []
    i, j = len(old), len(new)
    while (i, j) != (0, 0):
        di, dj = best[(i, j)][1]
        pairs.append((" ".join(old[i - di:i]), " ".join(new[j - dj:j])))
        i, j = i - di, j - dj
    return pairs[::-1]
