"""Benchmark of the HTTP API: latency of `/feeds/all` at a fixed 200 requests/s, and max throughput.

Stores 100k synthetic articles under its own key prefix (written directly with
pipelines, in the schema the story index leaves behind: article hashes, site,
feed, cluster and representative keys), starts the API under uvicorn in a
subprocess on a free 127.0.0.1 port, and drives it from a load generator in a
second process (raw HTTP/1.1 keep-alive over asyncio, so the generator costs
little CPU). Latency at the fixed rate is measured from each request's
scheduled send time, so a stalled server cannot hide queueing delay.
Bounded: about a minute in all; the prefix is deleted at the end.

    .venv/bin/python bench/api.py [--articles 100000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newssieve.redis_conn import delete_prefix, get_client, redis_available  # noqa: E402
from newssieve.store.keys import Keys  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS-api.md"
SITES = [f"site{n:02d}" for n in range(20)]
WORDS = ("harbour council storm budget river school rail energy market police court hospital farm bridge "
         "museum port union water road tax housing festival airport mayor plant").split()
PATH = "/feeds/all"
REQUEST_TIMEOUT = 5.0


# -- the data ------------------------------------------------------------------

def populate(client, keys: Keys, articles: int, seed: int = 7) -> int:
    """Write `articles` articles in stories of 1-5 copies; returns the number of stories."""
    rng = random.Random(seed)
    now = time.time()
    written = stories = 0
    pipe = client.pipeline(transaction=False)
    while written < articles:
        stories += 1
        size = min(articles - written, 1 if rng.random() < 0.7 else rng.randint(2, 5))
        first_ts = int(now - rng.uniform(0, 30 * 86400))  # whole seconds: ties happen
        members = [(f"{stories:08x}{m:02x}{rng.getrandbits(40):010x}", first_ts + 600 * m)
                   for m in range(size)]
        cluster = canonical = members[0][0]
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        text = " ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(90))
        for n, (aid, ts) in enumerate(members):
            site = rng.choice(SITES)
            url = f"https://{site}.example/news/{aid}"
            pipe.hset(keys.article(aid), mapping={
                "id": aid, "url": url, "canonical_url": url, "site": site, "status": 200,
                "fetched_at": ts + 60, "processed_at": ts + 61,
                "title": title if n == 0 else f"{site}: {title}", "authors": json.dumps(["Staff Writer"]),
                "published": datetime.fromtimestamp(ts, UTC).isoformat(), "published_ts": ts, "lang": "en",
                "site_name": site, "text": text, "paragraphs": json.dumps([text]), "empty_reason": "",
                "exact_hash": f"{rng.getrandbits(128):032x}", "shingles": 88, "feeds": "all",
                "seen_seq": written + n, "cluster": cluster, "match": "" if n == 0 else canonical,
                "jaccard": 1.0 if n else 0.0, "containment": 1.0 if n else 0.0,
            })
            pipe.zadd(keys.site(site), {aid: ts})
            pipe.zadd(keys.articles, {aid: ts + 60})
            pipe.zadd(keys.cluster(cluster), {aid: ts})
        pipe.hset(f"{keys.prefix}rep:{cluster}", "all", canonical)
        pipe.zadd(keys.feed("all"), {canonical: first_ts})
        written += size
        if len(pipe) >= 5000:
            pipe.execute()
    pipe.execute()
    return stories


# -- the load generator (runs in its own process) --------------------------------

class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, path: str) -> int:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int({k.lower(): v for k, v in headers.items()}["content-length"])
        await self.reader.readexactly(length)
        return int(lines[0].split(" ", 2)[1])


async def fixed_rate(port: int, rate: float, seconds: float) -> dict:
    """Open loop: request i is due at start + i/rate, whatever happened to the earlier ones."""
    idle: list[Connection] = [await Connection.open(port) for _ in range(16)]
    latencies: list[float] = []
    errors = 0

    async def one(due: float) -> None:
        nonlocal errors
        conn = idle.pop(0) if idle else await Connection.open(port)
        try:
            try:
                status = await asyncio.wait_for(conn.get(PATH), REQUEST_TIMEOUT)
            except (ConnectionError, asyncio.IncompleteReadError):
                # the server closed a keep-alive connection that sat idle: retry once on a new one
                conn = await Connection.open(port)
                status = await asyncio.wait_for(conn.get(PATH), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            errors += 1
            return
        latencies.append(time.perf_counter() - due)
        errors += status != 200
        idle.append(conn)

    tasks = []
    start = time.perf_counter()
    for i in range(int(rate * seconds)):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    return summarise(latencies, errors, time.perf_counter() - start)


async def max_throughput(port: int, concurrency: int, seconds: float) -> dict:
    """Closed loop: `concurrency` connections each send the next request as soon as one returns."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        conn = await Connection.open(port)
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            status = await asyncio.wait_for(conn.get(PATH), REQUEST_TIMEOUT)
            latencies.append(time.perf_counter() - sent)
            errors += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(latencies, errors, time.perf_counter() - start)


def summarise(latencies: list[float], errors: int, elapsed: float) -> dict:
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(ordered), "errors": errors, "seconds": elapsed, "rps": len(ordered) / elapsed,
            "p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": ordered[-1] * 1000 if ordered else 0}


def load_process(port: int, seconds: float, out) -> None:
    async def run() -> dict:
        await fixed_rate(port, 100, 2)  # warm-up: connections, caches, the thread pool
        return {"fixed": await fixed_rate(port, 200, seconds),
                "max": await max_throughput(port, 8, seconds)}

    out.put(asyncio.run(run()))


# -- the run -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api(port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "newssieve.api.app:app", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("the API did not start")
        time.sleep(0.1)


def report(articles: int, stories: int, fill_seconds: float, results: dict) -> str:
    fixed, top = results["fixed"], results["max"]
    verdict = "met" if fixed["p99"] < 50 and fixed["errors"] == 0 else "NOT met"
    row = "| {name} | {requests} | {errors} | {rps:.0f} | {p50:.1f} | {p90:.1f} | {p99:.1f} | {max:.1f} |"
    return "\n".join([
        "# API benchmark: `GET /feeds/all` (50 stories, copy counts and URLs)", "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores shared by the API, Redis and the "
        f"load generator · one uvicorn process · {articles:,} articles in {stories:,} stories "
        f"(stored in {fill_seconds:.1f} s) · load average before the run {results['load_before']:.2f} "
        "(other work on the machine)", "",
        "| load | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
        row.format(name="fixed 200 req/s", **fixed),
        row.format(name="max (8 connections)", **top), "",
        f"Target p99 < 50 ms at 200 req/s: **{verdict}**. Latency at the fixed rate counts from each "
        "request's scheduled time (open loop); at max throughput from its send time.",
        "Reproduce: `.venv/bin/python bench/api.py`.", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per load phase")
    args = parser.parse_args()
    with redis_available() as url:
        client = get_client()
        prefix = f"nsbench-api-{uuid.uuid4().hex[:8]}:"
        api = None
        try:
            started = time.perf_counter()
            stories = populate(client, Keys(prefix), args.articles)
            fill_seconds = time.perf_counter() - started
            print(f"stored {args.articles:,} articles in {stories:,} stories in {fill_seconds:.1f} s",
                  flush=True)
            port = free_port()
            env = {**os.environ, "NEWSSIEVE_PREFIX": prefix, "NEWSSIEVE_REDIS_URL": url}
            env.pop("NEWSSIEVE_API_TOKEN", None)
            api = start_api(port, env)
            queue = multiprocessing.get_context("spawn").Queue()
            loader = multiprocessing.get_context("spawn").Process(target=load_process,
                                                                  args=(port, args.seconds, queue))
            load_before = os.getloadavg()[0]
            loader.start()
            results = queue.get(timeout=6 * args.seconds + 60)
            loader.join(10)
            results["load_before"] = load_before
            text = report(args.articles, stories, fill_seconds, results)
            print(text)
            RESULTS.write_text(text, encoding="utf-8")
        finally:
            if api is not None:
                api.terminate()
                api.wait(10)
            delete_prefix(client, prefix)


if __name__ == "__main__":
    main()
