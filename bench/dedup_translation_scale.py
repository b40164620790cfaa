"""Translation matching at a realistic index size: does its cost per article stay flat as the index grows?

    .venv/bin/python bench/dedup_translation_scale.py --sizes 10000,50000,100000 [--db 12]

The story index is filled with N multilingual news articles that are nobody's translation
(bench/translation_fill.py), each filed under its MinHash and its translation band keys as a worker would
file it. Then the crosslingual eval set (354 pages: Russian->English, German->French originals and
translations) goes through the dedup stage one page at a time, the way workers/process.py runs it, in
publication order, with another N/4 fill articles interleaved over the same weeks (so between an
original and its translation other news arrives, as it would). Per size, the same pages once with
translation matching off (then removed) and once on:

* ms per page added by translation matching (on minus off, paired per page): mean, p95, and its parts
  (translation fingerprint, the index call's extra time, verification + link);
* candidates returned per page (what the worker verifies);
* index bytes per article of the translation part: MEMORY USAGE of the band tables grown by filing the
  fill's translation keys plus the translation records, per fill article;
* pairwise precision and recall of the eval pages' clusters, and how many pages a fill article joined.

Sizes are cumulative (the 50,000 run adds to the 10,000 one). Fill fingerprints are cached in a temp
folder, so a second run spends its time in Redis only. Runs in its own Redis DB (must be empty; flushed
at the end).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import translation_fill as tf  # noqa: E402
from bench.dedup_translation import article_of, load_rows, pairwise  # noqa: E402
from newssieve.redis_conn import redis_url  # noqa: E402
from newssieve.settings import Settings  # noqa: E402
from newssieve.store.keys import Keys  # noqa: E402
from newssieve.store.story_index import StoryIndex, TranslationEntry  # noqa: E402
from workers.fingerprint import fingerprint  # noqa: E402
from workers.translation import TranslationFingerprint, band_keys  # noqa: E402
from workers.translation_match import TranslationMatcher  # noqa: E402

PREFIX = "xlscale:"
SEED = 11
BATCH = 500


def fill_fingerprints(shared: Path, count: int) -> list[tuple]:
    """(lang, translation fingerprint bytes, MinHash signature, shingles, exact hash) per fill article."""
    docs = tf.source_docs(shared)
    s = Settings()

    def build():
        out = []
        with tf.cached_encoder(docs):
            for lang, title, paras in tf.fill_articles(docs, count, SEED):
                tfp = tf.tr.translation_fingerprint(title, paras, lang)
                fp = fingerprint("\n".join(paras), s.minhash_perm, s.shingle_words)
                out.append((lang, tfp.to_bytes(), fp.signature, fp.shingles, fp.exact_hash))
        return out

    def dump(rows: list[tuple]) -> str:
        return json.dumps([[lang, blob.hex(), sig.hex(), shingles, exact]
                           for lang, blob, sig, shingles, exact in rows])

    def load(text: str) -> list[tuple]:
        return [(lang, bytes.fromhex(blob), bytes.fromhex(sig), shingles, exact)
                for lang, blob, sig, shingles, exact in json.loads(text)]

    tr = tf.tr
    config = (f"v{tr.VERSION}-{tr.LEAD_SENTENCES}-{tr.EVIDENCE_BANDS}x{tr.EVIDENCE_ROWS}"
              f"-{tr.EVIDENCE_SENTENCES}-{tr.MAX_EVIDENCE}")
    name = f"fill-{SEED}-{count}-{config}.json"
    return tf._cached(name, build, dump, load)


def entry_of(raw: bytes) -> TranslationEntry:
    """What a fill article files: its band keys and blob; it probes nothing (it is nobody's copy)."""
    fp = TranslationFingerprint.from_bytes(raw)
    return TranslationEntry(band_keys(fp), [], fp.for_verification().to_bytes(), signature=fp.lead_bits)


def add_fill(index: StoryIndex, fill: list[tuple], start: int, stop: int, passes: tuple[str, ...]):
    """Index fill articles [start, stop): "minhash" files them without translation entries, "translation"
    files their translation entries (an unchanged article gets the ones it lacks), "both" in one call."""
    for lo in range(start, stop, BATCH):
        rows = [(f"f{n}", *fill[n][2:]) for n in range(lo, min(stop, lo + BATCH))]
        articles = [(aid, sig, shingles, exact, 0.0, ["all"]) for aid, sig, shingles, exact in rows]
        for kind in passes:
            entries = None if kind == "minhash" else [entry_of(fill[int(a[0][1:])][1]) for a in articles]
            index.index_many(articles, entries)


def memory(raw: redis.Redis) -> dict[str, int]:
    """MEMORY USAGE summed over the index's key families."""
    totals: dict[str, int] = defaultdict(int)
    keys = list(raw.scan_iter(match=f"{PREFIX}*".encode(), count=5000))
    for lo in range(0, len(keys), 5000):
        pipe = raw.pipeline(transaction=False)
        batch = keys[lo:lo + 5000]
        for key in batch:
            pipe.memory_usage(key, samples=0)
        for key, used in zip(batch, pipe.execute(), strict=True):
            totals[key[len(PREFIX):].split(b":", 1)[0].decode()] += used or 0
    return totals


def time_page(index, matcher, aid: str, row: dict, ts: float, enabled: bool) -> dict:
    article = article_of(row)
    s = index.settings
    t0 = time.perf_counter()
    fp = fingerprint(article.text, s.minhash_perm, s.shingle_words)
    t1 = time.perf_counter()
    tfp, entry = matcher.prepare(article)
    t2 = time.perf_counter()
    result = index.index(aid, fp.signature, fp.shingles, fp.exact_hash, ts, ["all"], entry)
    t3 = time.perf_counter()
    linked = matcher.link(aid, tfp, result)
    t4 = time.perf_counter()
    ranks = [k for k, c in enumerate(result.candidates) if c.id in linked.ids]
    return {"total": (t4 - t0) * 1000, "prepare": (t2 - t1) * 1000, "index": (t3 - t2) * 1000,
            "verify": (t4 - t3) * 1000, "candidates": len(result.candidates),
            "rank": min(ranks, default=None)}


def timeline(index, rows, fill, interleave: range | None, enabled: bool, tag: str) -> list[dict]:
    """The eval pages in publication order, fill articles `interleave` spread evenly between them."""
    matcher = TranslationMatcher(index, enabled)
    extra = list(interleave or ())
    share = np.array_split(np.array(extra, dtype=int), len(rows)) if extra else [()] * len(rows)
    out = []
    for n, (row, between) in enumerate(zip(rows, share, strict=True)):
        if len(between):
            add_fill(index, fill, int(between[0]), int(between[-1]) + 1, ("both",))
        out.append(time_page(index, matcher, f"{tag}{n}", row, float(n), enabled))
    return out


def clusters_of(client, ids: list[str]) -> tuple[dict[str, str], int]:
    """Cluster of each eval page, and how many eval pages share a cluster with a fill article."""
    pipe = client.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(Keys(PREFIX).entry(aid), "cluster")
    clusters = dict(zip(ids, pipe.execute(), strict=True))
    joined = 0
    for cid in set(clusters.values()):
        members = client.zrange(f"{PREFIX}cluster:{cid}", 0, -1)
        joined += sum(1 for m in members if m in ids) if any(m.startswith("f") for m in members) else 0
    return clusters, joined


def score(rows, tag: str, clusters: dict[str, str]) -> dict:
    renamed = {f"x{n}": clusters[f"{tag}{n}"] for n in range(len(rows))}
    return pairwise(rows, renamed)


def summarise(size: int, off: list[dict], on: list[dict], nbytes: dict, sc: dict, joined: int) -> dict:
    added = [b["total"] - a["total"] for a, b in zip(off, on, strict=True)]
    index_added = statistics.mean(b["index"] for b in on) - statistics.mean(a["index"] for a in off)
    mean_off = statistics.mean(a["total"] for a in off)
    return {"size": size, "added_mean": statistics.mean(added), "added_p95": float(np.quantile(added, 0.95)),
            "off_mean": mean_off, "on_mean": statistics.mean(b["total"] for b in on),
            "prepare": statistics.mean(b["prepare"] for b in on), "index_added": index_added,
            "verify": statistics.mean(b["verify"] for b in on),
            "cands_mean": statistics.mean(b["candidates"] for b in on),
            "cands_max": max(b["candidates"] for b in on), "bytes": nbytes, "score": sc,
            "ranks": dict(sorted(Counter(b["rank"] for b in on if b["rank"] is not None).items())),
            "fill_joined": joined,
            "load": os.getloadavg()[0]}


def print_size(r: dict) -> None:
    b, sc = r["bytes"], r["score"]
    print(f"\n== index of {r['size']:,} fill articles (+{r['size'] // 4:,} interleaved during the eval), "
          f"load {r['load']:.1f}", flush=True)
    print(f"  ms/page: off {r['off_mean']:.2f}, on {r['on_mean']:.2f} (x{r['on_mean'] / r['off_mean']:.1f}); "
          f"added mean {r['added_mean']:.2f}, p95 {r['added_p95']:.2f} = translation fingerprint "
          f"{r['prepare']:.2f} + index call {r['index_added']:.2f} + verify/link {r['verify']:.2f}")
    print(f"  candidates/page mean {r['cands_mean']:.1f}, max {r['cands_max']}; rank of the first verified "
          f"candidate among them (pages that linked): {r['ranks']}")
    print(f"  translation bytes/article {b['total']:.0f} (band tables {b['lsh']:.0f}, records "
          f"{b['xrec']:.0f}); MinHash part {b['minhash']:.0f} (x{b['total'] / b['minhash']:.2f} of it)")
    print(f"  eval pairs: P {sc['P']} R {sc['R']} {sc}; "
          f"eval pages in a cluster with fill: {r['fill_joined']}", flush=True)


def prefill(raw, index, fill, start: int, stop: int) -> dict:
    """Fill [start, stop) in two passes and measure the marginal bytes per article of each part."""
    m0 = memory(raw)
    add_fill(index, fill, start, stop, ("minhash",))
    m1 = memory(raw)
    add_fill(index, fill, start, stop, ("translation",))
    m2 = memory(raw)
    n = max(1, stop - start)
    lsh = (m2["lsh"] - m1["lsh"]) / n
    xrec = (m2["xrec"] - m1["xrec"]) / n
    minhash = (m1["lsh"] - m0["lsh"] + m1["rec"] - m0["rec"]) / n
    return {"lsh": lsh, "xrec": xrec, "total": lsh + xrec, "minhash": minhash}


def run_size(client, raw, index, rows, fill, size: int, filled: int) -> tuple[dict, int]:
    """Grow the index to `size`, time the eval pages off then on (fill interleaved), score, remove them."""
    nbytes = prefill(raw, index, fill, filled, size) if filled < size else {}
    filled = max(filled, size)
    off = timeline(index, rows, fill, None, False, f"o{size}-")
    index.forget_many([f"o{size}-{n}" for n in range(len(rows))])
    on = timeline(index, rows, fill, range(filled, filled + size // 4), True, f"n{size}-")
    ids = [f"n{size}-{n}" for n in range(len(rows))]
    clusters, joined = clusters_of(client, ids)
    index.forget_many(ids)
    return summarise(size, off, on, nbytes, score(rows, f"n{size}-", clusters), joined), filled + size // 4


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--db", type=int, default=12)
    ap.add_argument("--shared", type=Path, default=Path("../shared/eval"))
    ap.add_argument("--out", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--candidates", type=int, help="translation_candidates (default: the setting)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    url = redis_url().rsplit("/", 1)[0] + f"/{args.db}"
    client, raw = redis.Redis.from_url(url, decode_responses=True), redis.Redis.from_url(url)
    if client.dbsize():
        sys.exit(f"Redis DB {args.db} is not empty")
    t0 = time.perf_counter()
    fill = fill_fingerprints(args.shared, sizes[-1] + sizes[-1] // 4)
    rows = load_rows(args.shared / "crosslingual")
    print(f"fill: {len(fill):,} articles ready in {time.perf_counter() - t0:.0f} s; langs "
          f"{dict(itertools.islice(sorted(_langs(fill).items(), key=lambda kv: -kv[1]), 8))}", flush=True)
    limits = {"translation_candidates": args.candidates} if args.candidates else {}
    index = StoryIndex(client, PREFIX, Settings(**limits))
    TranslationMatcher(index, True).prepare(article_of(rows[0]))  # load the encoder outside the timing
    results, filled = [], 0
    try:
        for size in sizes:
            r, filled = run_size(client, raw, index, rows, fill, size, filled)
            print_size(r)
            results.append(r)
    finally:
        client.flushdb()
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


def _langs(fill) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in fill:
        counts[row[0]] += 1
    return counts


if __name__ == "__main__":
    main()
