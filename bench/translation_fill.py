"""Realistic multilingual news that is nobody's translation, to fill the story index for the translation
scale bench (bench/dedup_translation_scale.py).

Real sentences, new articles: each fill article is a title and 12-18 sentences of one language, taken in
runs of two consecutive sentences from different real articles of that language, so its embedding looks
like news (it is an average of news sentences on a few subjects), not noise. Sources, read in place from
../shared/eval (nothing is copied into the project; derived caches go to a temp folder):

* crosslingual/manifest.jsonl, only the sentences after each page's first 8 (the encoder embeds the
  title and first 6), so no fill article shares a lead sentence with a page the bench evaluates;
* extraction/ground-truth.json article bodies;
* segments/html pages, cleaned by workers.clean (language from the page or py3langid).

No fill article holds more than two sentences of any source, so none can verify as a translation of an
evaluated page (that needs a chain of at least 3 aligned sentences covering 2/3 of the shorter lead).

Fingerprinting 100,000 articles with the encoder would take ~25 minutes here; USE embeds each sentence
independently, so the fill's sentences are embedded once in batches and `cached_encoder` hands
`translation_fingerprint` exactly the vectors it would compute (difference < 2e-7), and the finished
fingerprints are cached per (seed, count) too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from workers import translation as tr
from workers import translation_evidence as ev

CACHE = Path(tempfile.gettempdir()) / "newssieve-translation-fill"
LEAD = 1 + 8  # title + the first 8 sentences of each eval page are left out (the encoder embeds 1 + 6)
RUN = 2  # consecutive sentences per source
MIN_SENTENCES, MAX_SENTENCES = 12, 18


def _cached(name: str, build, dump=json.dumps, load=json.loads):
    """A value built once and kept in CACHE as JSON (never pickle: the temp folder is shared, and
    reading back a pickle someone else wrote there would run their code)."""
    path = CACHE / name
    if path.exists():
        return load(path.read_text(encoding="utf-8"))
    value = build()
    CACHE.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(dump(value), encoding="utf-8")
    return value


def _cached_vectors(name: str, build) -> dict[bytes, np.ndarray]:
    """Sentence vectors by key, kept as a plain .npz (loaded with allow_pickle=False)."""
    path = CACHE / name
    if path.exists():
        with np.load(path, allow_pickle=False) as saved:
            return dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
    vectors = build()
    CACHE.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez(handle, keys=np.array(list(vectors), dtype="S12"), vectors=np.stack(list(vectors.values())))
    return vectors


def _manifest_docs(shared: Path) -> list[tuple[str, list[str]]]:
    docs = []
    for line in (shared / "crosslingual" / "manifest.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        sents = ev.sentences([p for p in row["body"].split("\n\n") if p.strip()], row["lang"])
        docs.append((row["lang"], sents[LEAD - 1:]))
    return docs


def _extraction_docs(shared: Path) -> list[tuple[str, list[str]]]:
    import py3langid

    truth = json.loads((shared / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for item in truth.values():
        body = item.get("articleBody") or ""
        lang = py3langid.classify(body[:2000])[0]
        docs.append((lang, ev.sentences([p for p in body.split("\n") if p.strip()], lang)))
    return docs


def _segment_docs(shared: Path) -> list[tuple[str, list[str]]]:
    import py3langid

    from workers.clean import clean

    docs = []
    for path in sorted((shared / "segments" / "html").glob("*.html.gz")):
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        article = clean(html, None)
        if article.is_empty:
            continue
        lang = (article.lang or "")[:2] or py3langid.classify(article.text[:2000])[0]
        docs.append((lang, ev.sentences(article.paragraphs, lang)))
    return docs


def source_docs(shared: Path) -> dict[str, list[list[str]]]:
    """Sentences of every usable source document, by language (documents of >= 2 * RUN sentences)."""
    def build():
        by_lang: dict[str, list[list[str]]] = defaultdict(list)
        for lang, sents in _manifest_docs(shared) + _extraction_docs(shared) + _segment_docs(shared):
            sents = [s for s in sents if len(s) >= 25]
            if len(sents) >= 2 * RUN:
                by_lang[lang].append(sents)
        return dict(by_lang)
    return _cached("sources-v2.json", build)


def fill_articles(docs: dict[str, list[list[str]]], count: int,
                  seed: int) -> Iterator[tuple[str, str, list[str]]]:
    """(lang, title, paragraphs) of `count` new articles, languages weighted by how much text they have
    (languages with fewer than 8 source documents are left out: too few to mix)."""
    rng = random.Random(seed)
    langs = sorted(lang for lang, ds in docs.items() if len(ds) >= 8)
    weights = [sum(map(len, docs[lang])) for lang in langs]
    for _ in range(count):
        lang = rng.choices(langs, weights)[0]
        pool = docs[lang]
        picks = rng.sample(range(len(pool)), k=min(len(pool), 1 + MAX_SENTENCES // RUN))
        title = rng.choice(pool[picks[0]])[:120]
        target, paragraphs = rng.randint(MIN_SENTENCES, MAX_SENTENCES), []
        for k in picks[1:]:
            start = rng.randrange(len(pool[k]) - RUN + 1)
            paragraphs.append(" ".join(pool[k][start:start + RUN]))
            if RUN * len(paragraphs) >= target:
                break
        yield lang, title, paragraphs


class CachedEncoder:
    """Stands in for the USE model: sentence vectors from a dict, the misses embedded in one batch."""

    def __init__(self, real, vectors: dict[bytes, np.ndarray]):
        self.real, self.vectors = real, vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self.vectors]
        if missing:
            for t, v in zip(missing, self.real.encode(missing), strict=True):
                self.vectors[_key(t)] = v
        return np.stack([self.vectors[k] for k in keys])


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


@contextmanager
def cached_encoder(docs: dict[str, list[list[str]]]):
    """translation_fingerprint with every source sentence embedded once, in batches of 256."""
    real = tr._encoder()

    def build():
        texts = sorted({ev.normalise(s).strip() for ds in docs.values() for d in ds for s in d})
        vectors = {}
        with tr._one_blas_thread():
            for i in range(0, len(texts), 256):
                batch = texts[i:i + 256]
                vectors.update(zip(map(_key, batch), real.encode(batch), strict=True))
        return vectors
    encoder = CachedEncoder(real, _cached_vectors("vectors-v2.npz", build))
    saved = tr._encoder
    tr._encoder = lambda: encoder
    try:
        yield encoder
    finally:
        tr._encoder = saved
