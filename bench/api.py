"""Benchmark of the HTTP API: `/feeds/all` at a fixed 200 requests/s and at max throughput, this code
against a baseline commit in the same run, with the work each request costs.

Stores 100k synthetic articles under its own key prefix in a Redis of its own (the embedded
valkey-server, so that its CPU time is the API's alone; `--redis-url` to use another), written
directly with pipelines in the schema the story index leaves behind (article hashes, site, feed,
cluster and representative keys). Then, in rounds, each code base (this checkout, and the
baseline commit extracted with `git archive` into a temporary directory: no git state changes)
is served by `python -m newssieve serve` on a free 127.0.0.1 port and driven by a load generator
in another process (raw HTTP/1.1 keep-alive over asyncio, so the generator costs little CPU):

- fixed rate: 200 requests/s, open loop; latency counts from each request's scheduled time, so a
  stalled server cannot hide queueing delay;
- max: 8 and then 32 connections, closed loop (the higher rate counts: on a busy machine 8
  connections can leave the server waiting for the scheduler rather than for work).

For each phase it reads the CPU time the server process and Redis spent, per request. The order
of the code bases alternates between rounds (the machine's other load changes over a run); the
spread over rounds is printed. Then, per request, in-process (the ASGI app called directly, no
HTTP), on unchanged data and on data that changes before every request: wall and CPU ms, Redis
round trips, time in the Redis client, in serialisation (pydantic, json) and in the middleware
(CPU time of the app with its middleware against the same app without).

    .venv/bin/python bench/api.py [--articles 100000] [--seconds 8] [--rounds 2] [--baseline REF]

Bounded: about six minutes with the defaults; the prefix (and the embedded server) go at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newssieve.redis_conn import delete_prefix, embedded_redis  # noqa: E402
from newssieve.store.keys import Keys  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS-api.md"
BASELINE = "bd14097"  # main before issue 15 (the read side as it was)
SITES = [f"site{n:02d}" for n in range(20)]
WORDS = ("harbour council storm budget river school rail energy market police court hospital farm bridge "
         "museum port union water road tax housing festival airport mayor plant").split()
PATH = "/feeds/all"
REQUEST_TIMEOUT = 5.0
MAX_CONNECTIONS = (8, 32)  # closed loops; the higher rate of the two is the maximum
FIXED_RATE = 200


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
            })
            pipe.hset(keys.entry(aid), mapping={  # as story_index.lua writes it
                "seen_seq": written + n, "published_ts": ts, "feeds": "all", "cluster": cluster,
                "match": "" if n == 0 else canonical, "jaccard": 1.0 if n else 0.0,
                "containment": 1.0 if n else 0.0,
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

    def close(self) -> None:
        self.writer.close()


async def fixed_rate(port: int, rate: float, seconds: float) -> dict:
    """Open loop: request i is due at start + i/rate, whatever happened to the earlier ones."""
    idle: list[Connection] = [await Connection.open(port) for _ in range(16)]
    opened = list(idle)
    latencies: list[float] = []
    errors = 0

    async def one(due: float) -> None:
        nonlocal errors
        conn = idle.pop(0) if idle else await Connection.open(port)
        opened.append(conn)
        try:
            try:
                status = await asyncio.wait_for(conn.get(PATH), REQUEST_TIMEOUT)
            except (ConnectionError, asyncio.IncompleteReadError):
                # the server closed a keep-alive connection that sat idle: retry once on a new one
                conn = await Connection.open(port)
                opened.append(conn)
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
    for conn in opened:
        conn.close()
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
            try:
                status = await asyncio.wait_for(conn.get(PATH), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                errors += 1
                conn.close()
                conn = await Connection.open(port)
                continue
            latencies.append(time.perf_counter() - sent)
            errors += status != 200
        conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarise(latencies, errors, time.perf_counter() - start)


def summarise(latencies: list[float], errors: int, elapsed: float) -> dict:
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(ordered), "errors": errors, "seconds": elapsed, "rps": len(ordered) / elapsed,
            "p50": pct(0.50), "p90": pct(0.90), "p99": pct(0.99), "max": ordered[-1] * 1000 if ordered else 0}


def load_process(commands, results) -> None:
    """Runs phases as the parent asks: (kind, port, seconds), until None."""
    while (command := commands.get()) is not None:
        kind, port, seconds = command
        if kind == "warm":
            results.put(asyncio.run(fixed_rate(port, 100, seconds)))
        elif kind == "fixed":
            results.put(asyncio.run(fixed_rate(port, FIXED_RATE, seconds)))
        else:
            results.put(asyncio.run(max_throughput(port, int(kind.removeprefix("max")), seconds)))


# -- serving a code base -----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@contextlib.contextmanager
def serving(tree: Path, env: dict):
    """`newssieve serve` of the code in `tree` (its own modules come first on sys.path)."""
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning"], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                log.seek(0)
                raise SystemExit(f"the API of {tree} did not start: {log.read().decode()[-2000:]}")
            time.sleep(0.1)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_phases(tree: Path, env: dict, client, commands, results, seconds: float) -> dict:
    out = {}
    with serving(tree, env) as (proc, port):
        phases = [("warm", 2.0), ("fixed", seconds), *((f"max{n}", seconds) for n in MAX_CONNECTIONS)]
        for kind, length in phases:
            server_before, redis_before = process_cpu(proc.pid), redis_cpu(client)
            commands.put((kind, port, length))
            phase = results.get(timeout=length + 120)
            served = max(1, phase["requests"])
            phase["server_cpu_ms"] = (process_cpu(proc.pid) - server_before) / served * 1000
            phase["redis_cpu_ms"] = (redis_cpu(client) - redis_before) / served * 1000
            phase["connections"] = int(kind.removeprefix("max")) if kind.startswith("max") else None
            out[kind] = phase
    out["max"] = max((out[f"max{n}"] for n in MAX_CONNECTIONS), key=lambda phase: phase["rps"])
    return out


# -- per-request work, in-process ----------------------------------------------------

PROBE = r'''
import asyncio, json, os, sys, time
sys.path.insert(0, os.getcwd())
import redis, redis.client, redis.connection, redis.asyncio, redis.asyncio.connection, pydantic
from newssieve.api.app import create_app

N = int(sys.argv[1])
PATH = sys.argv[2]
stats = {"round_trips": 0, "redis_ms": 0.0, "serialise_ms": 0.0}
send_packed = redis.connection.AbstractConnection.send_packed_command

def counted(self, *args, **kwargs):
    stats["round_trips"] += 1
    return send_packed(self, *args, **kwargs)

redis.connection.AbstractConnection.send_packed_command = counted
async_send_packed = redis.asyncio.connection.AbstractConnection.send_packed_command

async def async_counted(self, *args, **kwargs):
    stats["round_trips"] += 1
    return await async_send_packed(self, *args, **kwargs)

redis.asyncio.connection.AbstractConnection.send_packed_command = async_counted
async_execute = redis.asyncio.Redis.execute_command

async def async_timed(self, *args, **kwargs):
    start = time.perf_counter()
    try:
        return await async_execute(self, *args, **kwargs)
    finally:
        stats["redis_ms"] += (time.perf_counter() - start) * 1000

redis.asyncio.Redis.execute_command = async_timed

def timed(owner, name, key):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stats[key] += (time.perf_counter() - start) * 1000
    setattr(owner, name, wrapper)

timed(redis.Redis, "execute_command", "redis_ms")
timed(redis.client.Pipeline, "execute", "redis_ms")
for name in ("validate_python", "dump_json", "dump_python"):
    timed(pydantic.TypeAdapter, name, "serialise_ms")
timed(json, "dumps", "serialise_ms")
timed(json, "loads", "serialise_ms")

def scope():
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
            "state": {}}

async def call(app):
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    await app(scope(), receive, send)
    assert sent[0]["status"] == 200, sent

async def run(app, change=None):
    for _ in range(20):
        await call(app)
    for key in stats:
        stats[key] = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(N):
        if change:
            change(i)
        await call(app)
    return {"wall_ms": (time.perf_counter() - wall) / N * 1000,
            "cpu_ms": (time.process_time() - cpu) / N * 1000,
            **{key: value / N for key, value in stats.items()}}

async def main():
    app = create_app()
    bare = create_app()
    bare.user_middleware = []  # the framework's own stack only
    bare.middleware_stack = None
    runs = [await run(app), await run(bare), await run(app), await run(bare)]  # the lower of two each
    full = min(runs[0], runs[2], key=lambda r: r["cpu_ms"])
    without = min(runs[1], runs[3], key=lambda r: r["cpu_ms"])
    client = redis.Redis.from_url(os.environ["NEWSSIEVE_REDIS_URL"], decode_responses=True)
    key = os.environ["NEWSSIEVE_PREFIX"] + "article:" + client.zrevrange(
        os.environ["NEWSSIEVE_PREFIX"] + "feed:all", 0, 0)[0]
    title = client.hget(key, "title")
    changing = await run(app, lambda i: client.hset(key, "title", f"{title} {i}"))
    client.hset(key, "title", title)
    changing["round_trips"] -= 1  # the HSET that changed the data
    full["middleware_ms"] = max(0.0, full["cpu_ms"] - without["cpu_ms"])
    print(json.dumps({"unchanged": full, "changing": changing}))

asyncio.run(main())
'''


def probe(tree: Path, env: dict, requests: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, str(requests), PATH], cwd=tree, env=env,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"the per-request probe failed in {tree}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the run -----------------------------------------------------------------------

def extract(ref: str, into: Path) -> Path:
    """The tree of commit `ref`, from `git archive` (the repository is only read)."""
    archive = into / "baseline.tar"
    with archive.open("wb") as handle:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref], stdout=handle, check=True)
    tree = into / "baseline"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def summary_rows(name: str, rounds: list[dict]) -> list[str]:
    rows = []
    for kind, label in (("fixed", f"fixed {FIXED_RATE} req/s"),
                        *((f"max{n}", f"max ({n} connections)") for n in MAX_CONNECTIONS)):
        phases = [r[kind] for r in rounds]
        cells = [spread([p["rps"] for p in phases]), spread([p["p50"] for p in phases], "{:.1f}"),
                 spread([p["p99"] for p in phases], "{:.1f}"), str(sum(p["errors"] for p in phases)),
                 spread([p["server_cpu_ms"] for p in phases], "{:.2f}"),
                 spread([p["redis_cpu_ms"] for p in phases], "{:.2f}")]
        rows.append(f"| {name} | {label} | {' | '.join(cells)} |")
    return rows


def work_rows(name: str, work: dict) -> list[str]:
    rows = []
    for case in ("unchanged", "changing"):
        w = work[case]
        middleware = f"{w['middleware_ms']:.2f}" if "middleware_ms" in w else "–"
        rows.append(f"| {name} | {case} | {w['wall_ms']:.2f} | {w['cpu_ms']:.2f} | {w['round_trips']:.1f} | "
                    f"{w['redis_ms']:.2f} | {w['serialise_ms']:.2f} | {middleware} |")
    return rows


def report(args, stories: int, fill_seconds: float, load_before: float, runs: dict, work: dict,
           baseline: str | None) -> str:
    names = list(runs)
    lines = [
        "# API benchmark: `GET /feeds/all` (50 stories, copy counts and URLs)", "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores shared by the API, Redis and the "
        f"load generator · `newssieve serve` (one uvicorn process, log level warning) · {args.articles:,} "
        f"articles in {stories:,} stories (stored in {fill_seconds:.1f} s) · load average before the run "
        f"{load_before:.2f} (other work on the machine) · {args.rounds} round(s), alternating order: median "
        "(min–max)", "",
        "| code | load | req/s | p50 ms | p99 ms | errors | server CPU ms/req | Redis CPU ms/req |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        lines += summary_rows(name, runs[name])
    if baseline:
        ratio = [new["max"]["rps"] / old["max"]["rps"] for new, old in zip(runs["this"], runs[baseline],
                                                                            strict=True)]
        best = [max(r["max"]["rps"] for r in runs[name]) for name in ("this", baseline)]
        both = " and ".join(map(str, MAX_CONNECTIONS))
        lines += ["", f"Max req/s (the higher of {both} connections), this / "
                      f"baseline, per round: {', '.join(f'{r:.2f}' for r in ratio)}; best round of each: "
                      f"{best[0]:.0f} / {best[1]:.0f} = {best[0] / best[1]:.2f} (target ≥ 2)."]
    p99 = max(r["fixed"]["p99"] for r in runs["this"])
    errors = sum(r["fixed"]["errors"] for r in runs["this"])
    lines += [f"Target p99 < 50 ms at {FIXED_RATE} req/s (this code, worst round): "
              f"**{'met' if p99 < 50 and errors == 0 else 'NOT met'}** ({p99:.1f} ms).", "",
              f"Per request, in-process ({args.probe} requests through the ASGI app, no HTTP): `unchanged` "
              "repeats the same page; `changing` edits the title of its first story before each request.",
              "",
              "| code | data | wall ms | CPU ms | Redis round trips | Redis client ms | serialisation ms | "
              "middleware CPU ms |",
              "|---|---|---|---|---|---|---|---|"]
    for name in names:
        lines += work_rows(name, work[name])
    lines += ["", "Latency at the fixed rate counts from each request's scheduled time (open loop); at max "
              "throughput from its send time. Server and Redis CPU: each process's CPU time over the phase "
              "divided by the requests served.",
              f"Reproduce: `.venv/bin/python bench/api.py` (baseline: `--baseline {args.baseline}`).", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="per load phase")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--probe", type=int, default=300, help="requests per in-process measurement")
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with ('none': no baseline)")
    parser.add_argument("--redis-url", help="an existing Redis (default: an embedded one of its own)")
    args = parser.parse_args()
    baseline = None if args.baseline == "none" else f"baseline {args.baseline}"

    import redis

    with tempfile.TemporaryDirectory(prefix="newssieve-bench-api-") as tmp, \
            (contextlib.nullcontext(args.redis_url) if args.redis_url
             else embedded_redis(Path(tmp) / "redis")) as url:
        client = redis.Redis.from_url(url, decode_responses=True)
        prefix = f"nsbench-api-{uuid.uuid4().hex[:8]}:"
        trees = {"this": ROOT}
        if baseline:
            trees[baseline] = extract(args.baseline, Path(tmp))
        env = {**os.environ, "NEWSSIEVE_PREFIX": prefix, "NEWSSIEVE_REDIS_URL": url}
        env.pop("NEWSSIEVE_API_TOKEN", None)
        context = multiprocessing.get_context("spawn")
        commands, results = context.Queue(), context.Queue()
        loader = context.Process(target=load_process, args=(commands, results))
        try:
            started = time.perf_counter()
            stories = populate(client, Keys(prefix), args.articles)
            fill_seconds = time.perf_counter() - started
            print(f"stored {args.articles:,} articles in {stories:,} stories in {fill_seconds:.1f} s",
                  flush=True)
            loader.start()
            load_before = os.getloadavg()[0]
            runs: dict[str, list[dict]] = {name: [] for name in trees}
            for round_ in range(args.rounds):
                order = list(trees) if round_ % 2 else list(reversed(trees))
                for name in order:
                    phases = run_phases(trees[name], env, client, commands, results, args.seconds)
                    runs[name].append(phases)
                    fixed, top = phases["fixed"], phases["max"]
                    print(f"round {round_ + 1}, {name}: fixed {FIXED_RATE} req/s p50 {fixed['p50']:.1f} ms "
                          f"p99 {fixed['p99']:.1f} ms ({fixed['errors']} errors); max {top['rps']:.0f} req/s "
                          f"({top['connections']} connections) p99 {top['p99']:.1f} ms; server CPU "
                          f"{top['server_cpu_ms']:.2f} ms/req, Redis CPU {top['redis_cpu_ms']:.2f} ms/req",
                          flush=True)
            work = {name: probe(tree, env, args.probe) for name, tree in trees.items()}
            text = report(args, stories, fill_seconds, load_before, runs, work, baseline)
            print(text)
            RESULTS.write_text(text, encoding="utf-8")
        finally:
            commands.put(None)
            if loader.is_alive():
                loader.join(10)
            delete_prefix(client, prefix)


if __name__ == "__main__":
    main()
