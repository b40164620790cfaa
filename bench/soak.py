"""Soak: N synthetic pages (default 50,000, a third of them syndicated near-copies) through one real
`celery worker` with 2 pool processes, on a Redis server of the soak's own (a throwaway server on a
free 127.0.0.1 port, AOF off; or NEWSSIEVE_REDIS_URL with --shared-redis, under its own prefix).

Pages are sent --batch at a time through the normal send path (store.pending.send_pages: filed as
pending, then several pages to a message), keeping at most about --backlog pages waiting so the queue
itself does not dominate Redis memory. While it runs, the RSS of the
worker's whole process tree is sampled every --sample seconds. At the end it checks that every page
was stored exactly once and the clusters are exactly the stories, and prints and writes to
bench/RESULTS-soak.md: the rate, worker memory after warm-up and its growth, and Redis memory per
stored article. Bounded: it stops sending after --max-minutes and reports what it did. Cleans up
after itself (its prefix, or the throwaway server).

    .venv/bin/python bench/soak.py [--pages 50000] [--max-minutes 25]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newssieve.ops.drain import queue_depth, unacked  # noqa: E402
from newssieve.ops.worker_procs import worker_command  # noqa: E402
from newssieve.redis_conn import delete_prefix, get_client, redis_url  # noqa: E402
from newssieve.settings import get_settings  # noqa: E402
from newssieve.store.deadletters import DeadLetters  # noqa: E402
from newssieve.store.keys import Keys  # noqa: E402
from newssieve.store.pending import BATCH_PAGES, PendingPages, send_pages  # noqa: E402
from newssieve.taskqueue import make_celery  # noqa: E402
from tests.reliability_pages import SyntheticPage, iter_synthetic_pages  # noqa: E402
from tests.reliability_support import (  # noqa: E402
    assert_exactly_once,
    newssieve_on,
    throwaway_redis,
    tree_rss,
)
from tests.workers_helper import stop_worker  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS-soak.md"
MB = 1024 * 1024


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


def key_memory(client, prefix: str, sample: int = 2000) -> dict[str, float]:
    """Bytes by kind of key (article, lsh, rec, cluster, ...): exact for small kinds, sampled for big ones."""
    counts: dict[str, int] = {}
    sampled: dict[str, list[int]] = {}
    for key in client.scan_iter(match=f"{prefix}*", count=2000):
        kind = key[len(prefix):].split(":", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
        if len(sampled.setdefault(kind, [])) < sample:
            sampled[kind].append(client.memory_usage(key, samples=0) or 0)
    return {kind: statistics.fmean(sampled[kind]) * counts[kind] for kind in counts}


def run(args) -> dict:
    prefix = get_settings().prefix
    client = get_client()
    keys = Keys(prefix)
    baseline = used_memory(client)
    app = make_celery("newssieve-soak")
    log_path = Path(args.log)
    env = {**os.environ}
    cmd = worker_command(["-Q", "process", "-c", str(args.concurrency), "-l", "WARNING", "--without-gossip",
                          "--without-mingle", "-n", f"soak-{os.getpid()}@%h"])
    kept: list[SyntheticPage] = []  # without their HTML, for the final check
    samples: list[tuple[float, int, int]] = []  # (seconds, pages stored, worker tree RSS)
    sent = 0
    started = time.monotonic()
    deadline = started + args.max_minutes * 60
    pages = iter_synthetic_pages(args.pages, seed=args.seed, run=prefix.rstrip(":") + "/")
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    next_sample = 0.0
    stopped_early = False
    pending = PendingPages()
    try:
        while True:
            now = time.monotonic()
            stored = client.zcard(keys.articles)
            if now >= next_sample:
                samples.append((now - started, stored, tree_rss(worker)))
                next_sample = now + args.sample
            if worker.poll() is not None:
                raise RuntimeError(f"the worker exited with {worker.returncode}; see {log_path}")
            waiting = queue_depth(client, prefix) * BATCH_PAGES  # about: a message holds up to BATCH_PAGES
            if sent < args.pages and now < deadline and waiting < args.backlog:
                chunk = [item for _, item in zip(range(args.batch), pages, strict=False)]
                send_pages(app, [item.page for item in chunk], pending)
                kept += [replace(item, page=replace(item.page, html="")) for item in chunk]
                sent += len(chunk)
                continue
            if sent < args.pages and now >= deadline:
                stopped_early = True
            if (sent >= args.pages or stopped_early) and stored >= sent and \
                    queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0:
                break
            if now > deadline + 600:
                raise RuntimeError("the worker did not drain the queue within 10 minutes of the deadline")
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        samples.append((elapsed, client.zcard(keys.articles), tree_rss(worker)))
    finally:
        stop_worker(worker)
        app.close()

    checked = "not run"
    check_started = time.monotonic()
    try:
        assert_exactly_once(client, prefix, kept)
        checked = f"passed ({time.monotonic() - check_started:.0f} s)"
    except AssertionError as exc:
        checked = f"FAILED: {str(exc)[:300]}"
    stored = client.zcard(keys.articles)
    dead = DeadLetters(client, prefix).count()
    total_memory = used_memory(client) - baseline
    by_kind = key_memory(client, prefix)
    clusters = client.zcard(keys.feed("all"))
    if args.keep:
        print(f"kept prefix {prefix}")
    else:
        delete_prefix(client, prefix)

    warm_index = next((n for n, s in enumerate(samples) if s[1] >= args.warmup * sent), len(samples) - 1)
    after = samples[warm_index:]
    rss_warm = statistics.median(s[2] for s in after[:3])
    rss_end = statistics.median(s[2] for s in after[-3:])
    rss_max = max(s[2] for s in after)
    return {
        "pages": args.pages, "sent": sent, "stored": stored, "dead": dead, "stories": clusters,
        "stopped_early": stopped_early, "elapsed": elapsed, "rate": stored / elapsed,
        "check": checked, "rss_warm": rss_warm, "rss_end": rss_end, "rss_max": rss_max,
        "growth_end": rss_end / rss_warm - 1, "growth_max": rss_max / rss_warm - 1,
        "warmup_pages": samples[warm_index][1], "samples": samples,
        "redis_bytes": total_memory, "per_article": total_memory / max(1, stored),
        "by_kind": {k: v / max(1, stored) for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1])},
        "concurrency": args.concurrency,
    }


def report(result: dict, args, load: tuple[float, float, float]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    r = result
    verdict = "met" if r["growth_end"] < 0.10 and r["growth_max"] < 0.10 else "NOT met"
    lines = [
        "# Soak: pages through real Celery workers",
        "",
        f"{when} · {os.cpu_count()} cores shared by the worker, Redis and the sender · Python "
        f"{platform.python_version()} · load average before the run {load[0]:.2f} · one `celery worker` "
        f"with {r['concurrency']} pool processes · "
        + ("the shared Redis, own prefix" if args.shared_redis else "a Redis server of the soak's own") + ".",
        "",
        "| figure | value |",
        "|---|---|",
        f"| pages sent / stored / dead-lettered | {r['sent']:,} / {r['stored']:,} / {r['dead']} |",
        f"| stories (feed entries) | {r['stories']:,} |",
        f"| every page stored once, clusters = stories, LSH filed once | {r['check']} |",
        f"| wall time | {r['elapsed']:.0f} s |",
        f"| rate | {r['rate']:.0f} pages/s ({r['rate'] / r['concurrency']:.0f} per pool process) |",
        f"| worker tree RSS after warm-up ({r['warmup_pages']:,} pages) | {r['rss_warm'] / MB:.0f} MB |",
        f"| worker tree RSS at the end / max after warm-up | {r['rss_end'] / MB:.0f} MB / "
        f"{r['rss_max'] / MB:.0f} MB |",
        f"| RSS growth after warm-up (end / max) | {r['growth_end']:+.1%} / {r['growth_max']:+.1%} "
        f"(target < 10 %: **{verdict}**) |",
        f"| Redis memory per stored article | {r['per_article'] / 1024:.2f} KiB "
        f"({r['redis_bytes'] / MB:.0f} MB for {r['stored']:,}) |",
        "",
        "Redis bytes per stored article by kind of key (MEMORY USAGE, sampled):",
        "",
        "| key kind | bytes/article |",
        "|---|---|",
    ]
    lines += [f"| `{kind}` | {value:,.0f} |" for kind, value in r["by_kind"].items() if value >= 1]
    if r["stopped_early"]:
        projected = r["pages"] / r["rate"]
        lines += ["", f"Stopped sending at the {args.max_minutes}-minute bound: {r['sent']:,} of "
                  f"{r['pages']:,} pages; at {r['rate']:.0f} pages/s all of them would take "
                  f"{projected / 60:.0f} min."]
    samples = r["samples"]
    step = max(1, len(samples) // 12)
    lines += ["", "Worker memory over the run (seconds, pages stored, tree RSS MB):", "",
              " · ".join(f"{t:.0f} s: {n:,} → {rss / MB:.0f}" for t, n, rss in samples[::step]),
              "", f"Reproduce: `.venv/bin/python bench/soak.py --pages {r['pages']}`."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500, help="pages sent per batch")
    parser.add_argument("--backlog", type=int, default=2000, help="about the most pages waiting in the queue")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=float, default=0.1, help="share of the pages counted as warm-up")
    parser.add_argument("--max-minutes", type=float, default=25.0, help="stop sending after this long")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--shared-redis", action="store_true", help="use NEWSSIEVE_REDIS_URL (own prefix)")
    parser.add_argument("--keep", action="store_true", help="keep the prefix (shared Redis only)")
    parser.add_argument("--log", default="/tmp/newssieve-soak-worker.log")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS-soak.md")
    args = parser.parse_args()
    load = os.getloadavg()
    server = contextlib.nullcontext(None) if args.shared_redis else throwaway_redis(aof=False)
    with server as own, newssieve_on(own.url if own else redis_url(), f"soak-{uuid.uuid4().hex[:8]}:"):
        result = run(args)
    text = report(result, args, load)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    ok = result["check"].startswith("passed") and result["growth_end"] < 0.10 and result["dead"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
