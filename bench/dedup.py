"""Dedup stage at scale: ms per article and Redis bytes per article, against datasketch's Redis storage.

    .venv/bin/python bench/dedup.py [--sizes 10000,100000,1000000] [--db 13] [--sample 1000]
                                    [--datasketch-max 100000]

The index is grown to each size with synthetic signatures made with numpy (real MinHash is the
slow part and says nothing about the index): 70% new stories, 30% near copies of a recent one.
At each size a sample of generated news articles (bench/syndication, with their own copies)
goes through the whole dedup stage one by one — words, shingles, datasketch MinHash, and the one
Redis round trip of the index — and is timed, in several rounds; the machine is shared, so the
round with the lowest median counts (all round medians are printed). Memory is read with
MEMORY USAGE per key, by kind of key, and as the growth of INFO used_memory (which also moves
with other clients of the server).

datasketch's MinHashLSH with Redis storage (same permutations, 32 bands x 3 rows, bytes keys so
nothing is pickled) is filled with the same signatures and timed on the same sample (query, then
insert: its nearest equivalent of the index's single call) up to --datasketch-max articles.

With --translation, the same stage runs on real text with translation matching off, then on
(bench/dedup_translation.py): ms per article added (wall clock, and this process's CPU time, which moves
less with other work on the cores), index bytes per article added, and the pairwise precision and recall
of the clusters. `--sizes ""` skips the synthetic scale runs.

Runs in a separate Redis DB (default 13) that must be empty, and FLUSHDBs it at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dedup_translation  # noqa: E402
from bench.syndication.corpus import build_corpus  # noqa: E402
from newssieve.redis_conn import redis_url  # noqa: E402
from newssieve.settings import get_settings  # noqa: E402
from newssieve.store.story_index import StoryIndex  # noqa: E402
from workers.fingerprint import fingerprint, minhash_permutations  # noqa: E402

PREFIX = "nsbench:"
DS_BASENAME = b"nsbench-ds"
BATCH = 500
COPY_SHARE = 0.3
RECENT = 20_000  # near copies are made of the last RECENT stories, as syndication follows publication


class SyntheticSignatures:
    """MinHash-like signatures: each value the minimum of `shingles` uniform 32-bit hashes."""

    def __init__(self, perm: int, seed: int = 1):
        self.rng = np.random.default_rng(seed)
        self.perm = perm
        self.recent = np.zeros((RECENT, perm), dtype=np.uint32)
        self.recent_shingles = np.zeros(RECENT, dtype=np.int64)
        self.made = 0

    def fresh(self, shingles: np.ndarray) -> np.ndarray:
        draws = self.rng.exponential(2.0**32 / (shingles[:, None] + 1), (len(shingles), self.perm))
        return np.minimum(draws, 2**32 - 1).astype(np.uint32)

    def batch(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        shingles = self.rng.integers(150, 900, n)
        sigs = self.fresh(shingles)
        copies = np.flatnonzero(self.rng.random(n) < COPY_SHARE) if self.made else np.array([], dtype=int)
        if len(copies):
            sources = self.rng.integers(0, min(self.made, RECENT), len(copies))
            share_changed = self.rng.uniform(0.02, 0.5, (len(copies), 1))
            changed = self.rng.random((len(copies), self.perm)) < share_changed
            sigs[copies] = np.where(changed, sigs[copies], self.recent[sources])
            shingles[copies] = self.recent_shingles[sources]
        slots = (self.made + np.arange(n)) % RECENT
        self.recent[slots], self.recent_shingles[slots] = sigs, shingles
        self.made += n
        return sigs, shingles


def article_key(n: int) -> str:
    return hashlib.blake2b(str(n).encode(), digest_size=10).hexdigest()


def fill(index: StoryIndex, gen: SyntheticSignatures, start: int, stop: int, ds_session=None) -> None:
    """Index synthetic articles start..stop-1 (and hand them to datasketch when a session is given)."""
    rng = np.random.default_rng(start)
    for first in range(start, stop, BATCH):
        n = min(BATCH, stop - first)
        sigs, shingles = gen.batch(n)
        published = rng.uniform(1.7e9, 1.7e9 + 30 * 86400, n)
        entries = []
        for i in range(n):
            aid = article_key(first + i)
            exact = hashlib.blake2b(sigs[i].tobytes(), digest_size=16).hexdigest()
            signature = sigs[i].astype(">u4").tobytes()
            entries.append((aid, signature, int(shingles[i]), exact, float(published[i]), ["all"]))
        index.index_many(entries)
        if ds_session is not None:
            for aid, sig in zip((e[0] for e in entries), sigs, strict=True):
                ds_session.insert(aid.encode(), datasketch_minhash(sig))


def db_client(db: int, decode: bool) -> redis.Redis:
    """A client of the configured server on DB `db` (a URL's own /db would win over a db= argument)."""
    params = {**redis.connection.parse_url(redis_url()), "db": db}
    return redis.Redis(**params, decode_responses=decode, socket_timeout=120)


def datasketch_minhash(values: np.ndarray):
    from datasketch import MinHash

    perm = len(values)
    permutations = minhash_permutations(perm)
    return MinHash(num_perm=perm, hashvalues=values, scheme="affine32", permutations=permutations)


def datasketch_lsh(db: int):
    from datasketch import MinHashLSH

    s = get_settings()
    params = {**redis.connection.parse_url(redis_url()), "db": db}
    config = {"type": "redis", "basename": DS_BASENAME, "redis": params}
    return MinHashLSH(num_perm=s.minhash_perm, params=(s.lsh_bands, s.lsh_rows), storage_config=config,
                      prepickle=False)


def sample_texts(n: int, seed: int) -> list[tuple[str, float]]:
    docs = build_corpus(max(10, n // 2), seed=seed, demo=False)[:n]
    return [(doc.text, 1.7e9 + doc.published) for doc in docs]


def time_ours(index: StoryIndex, texts, first: int) -> dict[str, list[float]]:
    """Per article: fingerprint (words, shingles, MinHash) and the index's one round trip, in ms."""
    s = get_settings()
    out = defaultdict(list)
    for k, (text, published) in enumerate(texts):
        aid = article_key(first + k)
        t0 = time.perf_counter()
        fp = fingerprint(text, s.minhash_perm, s.shingle_words)
        t1 = time.perf_counter()
        index.index(aid, fp.signature, fp.shingles, fp.exact_hash, published, ["all"])
        t2 = time.perf_counter()
        out["fingerprint"].append((t1 - t0) * 1000)
        out["redis"].append((t2 - t1) * 1000)
        out["stage"].append((t2 - t0) * 1000)
    return out


def time_datasketch(lsh, texts, first: int) -> dict[str, list[float]]:
    """Per article: fingerprint, then datasketch's query and insert against its Redis storage, in ms."""
    s = get_settings()
    out = defaultdict(list)
    for k, (text, _) in enumerate(texts):
        t0 = time.perf_counter()
        fp = fingerprint(text, s.minhash_perm, s.shingle_words)
        minhash = datasketch_minhash(np.frombuffer(fp.signature, dtype=">u4").astype(np.uint32))
        t1 = time.perf_counter()
        lsh.query(minhash)
        lsh.insert(article_key(first + k).encode(), minhash)
        t2 = time.perf_counter()
        out["fingerprint"].append((t1 - t0) * 1000)
        out["redis"].append((t2 - t1) * 1000)
        out["stage"].append((t2 - t0) * 1000)
    return out


def key_kind(key: bytes) -> str:
    if key.startswith(DS_BASENAME):
        return "datasketch"
    rest = key[len(PREFIX):].decode()
    kind = rest.split(":", 1)[0]
    return kind if kind in ("lsh", "rec", "xrec", "entry", "article", "cluster", "rep", "feed") else "other"


def memory_by_kind(raw: redis.Redis) -> dict[str, int]:
    """MEMORY USAGE of every key in the DB, summed by kind (one SCAN, pipelined)."""
    totals: dict[str, int] = defaultdict(int)
    batch: list[bytes] = []

    def flush():
        pipe = raw.pipeline(transaction=False)
        for key in batch:
            pipe.memory_usage(key, samples=0)
        for key, used in zip(batch, pipe.execute(), strict=True):
            totals[key_kind(key)] += used or 0
        batch.clear()

    for key in raw.scan_iter(count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return dict(totals)


def summary(values: list[float]) -> str:
    q = np.quantile(values, [0.5, 0.9, 0.99])
    return f"median {q[0]:.3f} ms, p90 {q[1]:.3f}, p99 {q[2]:.3f}"


def best_round(rounds: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """The round least disturbed by other work on the machine: the lowest median for the whole stage."""
    return min(rounds, key=lambda r: statistics.median(r["stage"]))


def measure(size: int, client, raw, index, chunks, first, baseline, lsh=None) -> dict:
    """Time each chunk of sample texts as one round (ours, then datasketch's), then read memory."""
    load = os.getloadavg()[0]
    ours, theirs = [], []
    for k, chunk in enumerate(chunks):
        ours.append(time_ours(index, chunk, first + k * len(chunk)))
        if lsh is not None:
            theirs.append(time_datasketch(lsh, chunk, first + k * len(chunk)))
    kinds = memory_by_kind(raw)
    result = {"size": size, "ours": ours, "datasketch": theirs, "kinds": kinds, "load": load,
              "indexed": int(client.get(f"{PREFIX}seq")),
              "used_memory": int(raw.info("memory")["used_memory"]) - baseline}
    report(result)
    return result


def report(r: dict) -> None:
    n, kinds = r["indexed"], r["kinds"]
    index_bytes = sum(kinds.get(k, 0) for k in dedup_translation.INDEX_KINDS)
    stage_bytes = index_bytes + sum(kinds.get(k, 0) for k in ("cluster", "rep", "feed"))
    timed = sum(len(c["stage"]) for c in r["ours"])
    print(f"\n== {r['size']:,} synthetic articles indexed, then {timed:,} timed ones "
          f"in {len(r['ours'])} rounds (load average {r['load']:.2f})", flush=True)
    ours = best_round(r["ours"])
    print("  ours, round medians: " + ", ".join(f"{statistics.median(c['stage']):.3f}" for c in r["ours"]))
    for part in ("stage", "fingerprint", "redis"):
        print(f"  ours       {part:<12} {summary(ours[part])}")
    if r["datasketch"]:
        theirs = best_round(r["datasketch"])
        for part in ("stage", "redis"):
            print(f"  datasketch {part:<12} {summary(theirs[part])}")
        ratio = statistics.median(theirs["stage"]) / statistics.median(ours["stage"])
        print(f"  datasketch / ours, whole stage: {ratio:.1f}x; Redis part: "
              f"{statistics.median(theirs['redis']) / statistics.median(ours['redis']):.1f}x")
        print(f"  datasketch bytes per article: {kinds.get('datasketch', 0) / n:,.0f}")
    print(f"  index bytes per article (band tables + records): {index_bytes / n:,.0f} "
          f"(band tables {kinds.get('lsh', 0) / n:,.0f}, records {kinds.get('rec', 0) / n:,.0f})")
    print(f"  + clusters, representatives, feed entries: {stage_bytes / n:,.0f}; "
          f"+ the bench's minimal article hashes: {(stage_bytes + kinds.get('article', 0)) / n:,.0f}")
    print(f"  INFO used_memory growth per article (everything, datasketch too): {r['used_memory'] / n:,.0f}",
          flush=True)


def flatness(results: list[dict]) -> None:
    base = statistics.median(best_round(results[0]["ours"])["stage"])
    print("\nmedian ms per article (best round) relative to the first size:")
    for r in results:
        median = statistics.median(best_round(r["ours"])["stage"])
        print(f"  {r['size']:>10,}  {median:.3f} ms  x{median / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--db", type=int, default=13)
    parser.add_argument("--sample", type=int, default=1000, help="articles timed through the whole stage")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per size; the best one counts")
    parser.add_argument("--datasketch-max", type=int, default=100_000)
    parser.add_argument("--translation", type=Path, nargs="?", const=Path("../shared/eval/crosslingual"),
                        help="also time translation matching off vs on over this manifest's articles")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]

    client, raw = db_client(args.db, decode=True), db_client(args.db, decode=False)
    if client.dbsize():
        sys.exit(f"DB {args.db} is not empty; choose another with --db")
    s = get_settings()
    print(f"dedup bench: DB {args.db}, {s.minhash_perm} permutations, {s.lsh_bands} bands x {s.lsh_rows} "
          f"rows, {s.shingle_words}-word shingles, sample {args.sample} x {args.rounds} rounds", flush=True)
    index = StoryIndex(client, PREFIX)
    gen = SyntheticSignatures(s.minhash_perm)
    lsh = datasketch_lsh(args.db) if sizes and sizes[0] <= args.datasketch_max else None
    texts = sample_texts(args.sample * args.rounds * len(sizes), seed=7)
    baseline = int(raw.info("memory")["used_memory"])
    done, first_sample, results = 0, 10**9, []
    started = time.perf_counter()
    try:
        for n, size in enumerate(sizes):
            with_ds = lsh is not None and size <= args.datasketch_max
            session = lsh.insertion_session(buffer_size=BATCH * 32) if with_ds else None
            fill(index, gen, done, size, session)
            if session is not None:
                session.close()
            done = size
            per_size = args.sample * args.rounds
            chunks = [texts[n * per_size + k * args.sample:][:args.sample] for k in range(args.rounds)]
            results.append(measure(size, client, raw, index, chunks, first_sample, baseline,
                                   lsh if with_ds else None))
            first_sample += per_size
            print(f"  (elapsed {time.perf_counter() - started:,.0f} s)", flush=True)
            if lsh is not None and not any(s <= args.datasketch_max for s in sizes[n + 1:]):
                for key in raw.scan_iter(match=DS_BASENAME + b"*", count=5000):
                    raw.unlink(key)
                lsh = None
        if results:
            flatness(results)
        if args.translation:
            dedup_translation.report(args.translation, client, raw, PREFIX, args.rounds, memory_by_kind)
    finally:
        client.flushdb()


if __name__ == "__main__":
    main()
