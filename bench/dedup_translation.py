"""Translation matching's cost in the dedup stage, on real text: the same articles indexed with it off,
then on (bench/dedup.py --translation).

Each article of a manifest (default: the crosslingual eval set, Russian->English and German->French news
with their translations) goes through the stage the way workers/process.py runs it: MinHash fingerprint,
[translation fingerprint], the index call, [verifying the candidates and the link call]. Articles come
in publication order into an empty index; each mode runs several rounds and the round with the lowest
mean counts (the machine is shared). Bytes: MEMORY USAGE of the index's keys (band tables, records,
translation records) after a round, per article. Also: pairwise precision and recall of the clusters
against the manifest (index level, on the manifest's clean bodies: no HTML cleaning here), in publication
order and once more in reverse order, since which of a pair is indexed first must not matter.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import redis

from newssieve.models import Article
from newssieve.settings import Settings
from newssieve.store.keys import Keys
from newssieve.store.story_index import StoryIndex
from workers.fingerprint import fingerprint
from workers.translation_match import TranslationMatcher

INDEX_KINDS = ("lsh", "rec", "xrec", "other")


def load_rows(data_dir: Path) -> list[dict]:
    rows = [json.loads(line) for line in (data_dir / "manifest.jsonl").open(encoding="utf-8")]
    return sorted(rows, key=lambda r: r["published"])


def article_of(row: dict) -> Article:
    paragraphs = [p for p in row["body"].split("\n\n") if p.strip()]
    return Article(title=row["title"], text="\n".join(paragraphs), paragraphs=paragraphs, lang=row["lang"])


def one_round(client: redis.Redis, prefix: str, rows: list[dict], enabled: bool,
              ) -> tuple[list[float], list[float], dict]:
    """Index every row once; returns ms per article (wall clock, and this process's CPU: the encoder's part
    does not depend on what else runs on the cores) and article id -> cluster."""
    s = Settings(translation_matching=enabled)
    index = StoryIndex(client, prefix, s)
    matcher = TranslationMatcher(index, enabled)
    times, cpu, ids = [], [], []
    for n, row in enumerate(rows):
        aid, article = f"x{n}", article_of(row)
        t0, c0 = time.perf_counter(), time.process_time()
        fp = fingerprint(article.text, s.minhash_perm, s.shingle_words)
        tfp, entry = matcher.prepare(article)
        result = index.index(aid, fp.signature, fp.shingles, fp.exact_hash, float(n), ["all"], entry)
        matcher.link(aid, tfp, result)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        ids.append(aid)
    pipe = client.pipeline(transaction=False)
    for aid in ids:
        pipe.hget(Keys(prefix).entry(aid), "cluster")
    return times, cpu, dict(zip(ids, pipe.execute(), strict=True))


def pairwise(rows: list[dict], clusters: dict[str, str]) -> dict:
    tp = fp = fn = 0
    labels = [clusters[f"x{n}"] for n in range(len(rows))]
    for i, j in itertools.combinations(range(len(rows)), 2):
        truth, same = rows[i]["cluster"] == rows[j]["cluster"], labels[i] == labels[j]
        tp, fp, fn = tp + (truth and same), fp + (same and not truth), fn + (truth and not same)
    precision = round(tp / (tp + fp), 4) if tp + fp else 1.0
    recall = round(tp / (tp + fn), 4) if tp + fn else 1.0
    return {"P": precision, "R": recall, "tp": tp, "fp": fp, "fn": fn}


def run_mode(client, raw, prefix, rows, enabled: bool, rounds: int,
             memory_by_kind: Callable[[redis.Redis], dict[str, int]]) -> dict:
    best, first = None, None
    for _ in range(rounds):
        client.flushdb()
        times, cpu, clusters = one_round(client, prefix, rows, enabled)
        first = first if first is not None else statistics.mean(times)
        if best is None or statistics.mean(times) < statistics.mean(best[0]):
            best = (times, cpu, clusters)
    kinds = memory_by_kind(raw)
    client.flushdb()
    times, cpu, clusters = best
    return {"mean_ms": statistics.mean(times), "first_round_ms": first, "median_ms": statistics.median(times),
            "cpu_ms": statistics.mean(cpu),
            "bytes": {k: kinds.get(k, 0) / len(rows) for k in INDEX_KINDS}, "score": pairwise(rows, clusters)}


def report(data_dir: Path, client, raw, prefix: str, rounds: int, memory_by_kind) -> None:
    rows = load_rows(data_dir)
    matcher = TranslationMatcher(StoryIndex(client, prefix), True)
    matcher.prepare(article_of(rows[0]))  # the encoder loads once per process: not part of the timing
    print(f"\n== translation matching on real text: {len(rows)} articles of {data_dir}, "
          f"best of {rounds} rounds", flush=True)
    results = {}
    for enabled in (False, True):
        r = results[enabled] = run_mode(client, raw, prefix, rows, enabled, rounds, memory_by_kind)
        b = r["bytes"]
        print(f"  translation {'on ' if enabled else 'off'}: mean {r['mean_ms']:.2f} ms/article "
              f"(median {r['median_ms']:.2f}; this process's CPU {r['cpu_ms']:.2f}); "
              f"index bytes/article {sum(b.values()):,.0f} "
              f"(band tables {b['lsh']:,.0f}, records {b['rec']:,.0f}, "
              f"translation records {b['xrec']:,.0f}); "
              f"pairwise P {r['score']['P']} R {r['score']['R']} {r['score']}", flush=True)
    added_ms = results[True]["mean_ms"] - results[False]["mean_ms"]
    added_cpu = results[True]["cpu_ms"] - results[False]["cpu_ms"]
    added_bytes = sum(results[True]["bytes"].values()) - sum(results[False]["bytes"].values())
    score = results[True]["score"]
    print(f"  added by translation matching: {added_ms:.2f} ms/article (mean; CPU of this process "
          f"{added_cpu:.2f}), {added_bytes:,.0f} index bytes/article; crosslingual pairs P {score['P']} "
          f"R {score['R']} (load average {os.getloadavg()[0]:.1f})", flush=True)
    cold = results[True]["first_round_ms"] - results[False]["first_round_ms"]
    print(f"  first round only (the encoder's token cache cold: every page's tokens new to the process but "
          f"those of the pages before it): added {cold:.2f} ms/article", flush=True)
    client.flushdb()
    _, _, clusters = one_round(client, prefix, rows[::-1], True)
    client.flushdb()
    reverse = pairwise(rows[::-1], clusters)
    print(f"  in reverse publication order (every copy indexed before its original): crosslingual pairs "
          f"P {reverse['P']} R {reverse['R']} {reverse}", flush=True)
