"""Pipeline throughput: what a page costs beyond cleaning and fingerprinting it.

In one run, on the same pages, against a Redis server of the bench's own (a throwaway
server on a free 127.0.0.1 port, AOF off, killed at the end):

* limit      clean + fingerprint (+ the translation fingerprint when translation matching is on)
             alone, in one process: the compute-bound limit;
* limit2     the same in two processes at once: what two processes can reach on this machine now
             (on a machine shared with other work, less than 2x; the control for worker2);
* inprocess  `PageProcessor.process` page after page in one process, no Celery;
* worker1/2  a real `celery worker` with 1 and with 2 pool processes: the pages are queued through
             the normal send path (`send_pages` when the code has it, else `send_page`), the worker is
             started, and the clock runs from the moment its warm-up pages are stored until every page
             is stored and the queue is drained (nothing waiting, nothing unacknowledged).

Pages: the shared eval extraction pages (119 real pages, ~180 KB of HTML each) and the pages of the
crosslingual WARC (354 small pages), read in place from ../shared/eval (never copied). Each mode
first runs through the set once to warm up (not measured; see load_pages), then --rounds times more,
measured: each of those rounds' pages is the same page on another site (a syndicated reprint: its own
article id and site, the same text), so the work per page is the same every round (and every measured
page is a copy of a story the warm-up round filed).

Printed per set and mode: pages/s and its ratio to the limit (for 2 processes, also to one process);
CPU ms per page of the measured processes (a worker's whole tree: main process and pool) and the
limit's CPU per page over it (on a machine shared with other work, wall-clock rates follow the load,
CPU per page much less); Redis round trips per page (counted in every process that talks to Redis by
a counting hook on redis-py's connection, loaded into the workers through a sitecustomize on their
PYTHONPATH: every command or pipeline sent is one round trip; the broker's traffic counts too); Redis
commands (those run by Lua scripts included) and Redis CPU per page (INFO deltas); the overhead in
CPU ms per page (the mode's less the limit's) and the worker tree's RSS at the end. With --repeat N each
measurement runs N times, the trees in turn, and the fastest run is kept.

--baseline REF measures REF's code too (extracted with `git archive` into a temporary directory and
run from there, with the same venv), in the same run, so before and after share the machine's load;
--baseline-dir DIR the code of another checkout. Translation matching is off by default (its sentence
encoder, ~14 ms a page, would hide the rest); --translation on puts it in the limit and the workers.

    .venv/bin/python bench/pipeline.py [--baseline HEAD] [--rounds 3] [--repeat 2] [--translation on]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("NEWSSIEVE_EVAL_DIR", ROOT.parent / "shared" / "eval"))
SETS = ("extraction", "crosslingual")
MODES = ("limit", "limit2", "inprocess", "worker1", "worker2")
MB = 1024 * 1024

# Loaded into every Python process started with HOOK_DIR on its PYTHONPATH (the workers): counts the
# requests (one command, or one pipeline) each process sends to Redis, written to COUNT_DIR/<pid>.
SITECUSTOMIZE = '''
import os, time
_dir = os.environ.get("BENCH_ROUNDTRIP_DIR")
if _dir:
    try:
        from redis.connection import AbstractConnection as _Conn
    except ImportError:
        _Conn = None
    if _Conn is not None:
        _send = _Conn.send_packed_command
        _state = {"n": 0, "at": 0.0, "pid": 0}

        def _write():
            with open(os.path.join(_dir, str(os.getpid())), "w") as f:
                f.write(str(_state["n"]))

        def send_packed_command(self, command, check_health=True):
            if _state["pid"] != os.getpid():  # a forked pool process counts on its own
                _state.update(n=0, pid=os.getpid())
            _state["n"] += 1
            now = time.monotonic()
            if now - _state["at"] > 0.05:
                _state["at"] = now
                _write()
            return _send(self, command, check_health)

        _Conn.send_packed_command = send_packed_command
'''


# -- pages ------------------------------------------------------------------------------------------


def load_pages(which: str, rounds: int) -> tuple[list, list]:
    """(the warm-up pages, the measured ones): the set's pages once to warm up, then `rounds` times again
    (each later round: the same pages as reprints on other sites).

    A process's first pages of a varied set cost ~30 % more than the rest (measured in one process on
    the extraction pages: ~23 ms a page over the first 60, then ~17 ms, on pages it had not seen
    either): languages' stop lists, date patterns and the like load on first use, once a process.
    A whole round to warm up, in every mode, keeps that one-off cost out of the per-page figures; with
    a few pages only, it was paid once by one process and twice by two, which lowered the 2-process
    ratio by ~1 ms a page."""
    import gzip
    from collections import Counter
    from dataclasses import replace
    from urllib.parse import urlsplit

    from newssieve.models import Page

    if which == "extraction":
        truth = json.loads((EVAL / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
        base = []
        for page_id, record in sorted(truth.items()):
            with gzip.open(EVAL / "extraction" / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
                html = f.read()
            url = record["url"]
            base.append(Page(url=url, canonical_url=url, site=urlsplit(url).hostname or "unknown", html=html,
                             fetched_at=time.time()))
    else:
        from newssieve.ops.ingest import pages_from_warc

        counts: Counter = Counter()
        counts["errors"] = []
        base = [replace(p, fetched_at=time.time())
                for p in pages_from_warc(str(EVAL / "crosslingual" / "pages.warc.gz"), counts)]
    pages = list(base)
    for r in range(1, rounds + 1):
        for page in base:
            url = f"{page.canonical_url}{'&' if '?' in page.canonical_url else '?'}reprint={r}"
            pages.append(replace(page, url=url, canonical_url=url, site=f"{page.site}.reprint{r}"))
    return pages[:len(base)], pages[len(base):]


# -- the children: each runs one measurement with the code of one tree -----------------------------


def child_limit(args) -> dict:
    from newssieve.settings import get_settings
    from workers.clean import clean
    from workers.fingerprint import fingerprint

    settings = get_settings()
    matcher = None
    if settings.translation_matching:
        from workers.translation_match import TranslationMatcher

        matcher = TranslationMatcher(None, True)
    warm, pages = load_pages(args.set, args.rounds)

    def work(page):
        article = clean(page.html, page.canonical_url)
        fingerprint(article.text, settings.minhash_perm, settings.shingle_words)
        if matcher is not None:
            matcher.prepare(article)

    for page in warm:
        work(page)
    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        work(page)
    elapsed = time.perf_counter() - started
    return {"pages": len(pages), "seconds": elapsed, "cpu": time.process_time() - cpu}


def child_inprocess(args) -> dict:
    import inspect

    from newssieve.redis_conn import get_client
    from workers.process import PageProcessor

    warm, pages = load_pages(args.set, args.rounds)
    # as a worker's pool process has it: counters flushed every second (where the code has the option)
    batched = "flush_seconds" in inspect.signature(PageProcessor).parameters
    processor = PageProcessor(flush_seconds=1.0) if batched else PageProcessor()
    for page in warm:
        processor.process(page)
    flush = getattr(processor, "flush", None)
    if flush:
        flush()
    import sitecustomize  # the counting hook (SITECUSTOMIZE), loaded at start through PYTHONPATH

    client = get_client()
    before = redis_info(client)
    trips_before = sitecustomize._state["n"]
    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        processor.process(page)
    if flush:
        flush()  # the counters of the last pages: part of the work
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    trips = sitecustomize._state["n"] - trips_before
    after = redis_info(client)
    after["commands"] -= 1  # the INFO itself
    return {"pages": len(pages), "seconds": elapsed, "cpu": cpu, "roundtrips": trips,
            **info_delta(before, after)}


def child_send(args) -> dict:
    """Queue the warm-up pages, then the measured ones, through the tree's normal send path."""
    from newssieve.store import pending as pending_module
    from newssieve.store.pending import PendingPages
    from newssieve.taskqueue import make_celery

    warm, pages = load_pages(args.set, args.rounds)
    app = make_celery("bench-pipeline-sender")
    pending = PendingPages()
    try:
        batch_send = getattr(pending_module, "send_pages", None)
        for group in (warm, pages):
            if batch_send is not None:
                batch_send(app, group, pending, **({"batch": args.batch} if args.batch else {}))
            else:
                for page in group:
                    pending_module.send_page(app, page, pending)
    finally:
        app.close()
    return {"warmup": len(warm), "pages": len(pages)}


CHILDREN = {"limit": child_limit, "inprocess": child_inprocess, "send": child_send}


def redis_info(client) -> dict:
    info = client.info("all")
    return {"commands": int(info["total_commands_processed"]),
            "cpu": float(info["used_cpu_sys"]) + float(info["used_cpu_user"])}


def info_delta(before: dict, after: dict) -> dict:
    return {"commands": after["commands"] - before["commands"], "redis_cpu": after["cpu"] - before["cpu"]}


def tree_cpu(proc) -> tuple[float, float]:
    """CPU seconds (user + system) of a process and its descendants so far, and of the process alone."""
    import psutil

    total = main = 0.0
    try:
        root = psutil.Process(proc.pid)
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return total, main
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = member.cpu_times()
            total += times.user + times.system
            if member is root:
                main = times.user + times.system
    return total, main


def roundtrips(count_dir: Path) -> int:
    total = 0
    for path in count_dir.iterdir():
        with contextlib.suppress(ValueError, OSError):
            total += int(path.read_text() or 0)
    return total


# -- the parent --------------------------------------------------------------------------------------


class Tree:
    """A code tree: this checkout, or a ref extracted with git archive."""

    def __init__(self, label: str, path: Path):
        self.label, self.path = label, path

    def env(self, redis_url: str, prefix: str, translation: bool, count_dir: Path, hook_dir: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSIEVE_")}
        env.update({"NEWSSIEVE_REDIS_URL": redis_url, "NEWSSIEVE_PREFIX": prefix,
                    "NEWSSIEVE_TRANSLATION_MATCHING": "true" if translation else "false",
                    "NEWSSIEVE_EVAL_DIR": str(EVAL), "BENCH_ROUNDTRIP_DIR": str(count_dir),
                    "PYTHONPATH": os.pathsep.join([str(hook_dir), str(self.path)])})
        return env


def run_child(tree: Tree, mode: str, env: dict, args, concurrency: int = 1) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--set", args.set,
           "--rounds", str(args.rounds), "--concurrency", str(concurrency),
           *(["--batch", str(args.batch)] if args.batch else [])]
    done = subprocess.run(cmd, cwd=tree.path, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{tree.label} {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_children(tree: Tree, mode: str, env: dict, args, n: int) -> dict:
    """`n` children of one mode at once: their pages together over the slowest one's time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(n) as pool:
        done = list(pool.map(lambda _: run_child(tree, mode, env, args), range(n)))
    return {"pages": sum(d["pages"] for d in done), "seconds": max(d["seconds"] for d in done),
            "cpu": sum(d["cpu"] for d in done)}


def measure_worker(tree: Tree, env: dict, args, concurrency: int, client, prefix: str) -> dict:
    from newssieve.ops.drain import queue_depth, unacked
    from newssieve.store.keys import Keys
    from tests.reliability_support import tree_rss
    from tests.workers_helper import stop_worker

    sent = run_child(tree, "send", env, args, concurrency)
    keys = Keys(prefix)
    count_dir = Path(env["BENCH_ROUNDTRIP_DIR"])
    total = sent["warmup"] + sent["pages"]
    cmd = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "-Q", "process",
           "-c", str(concurrency), "-l", "WARNING", "--without-gossip", "--without-mingle",
           "-n", f"bench-{uuid.uuid4().hex[:8]}@%h", *args.worker_options]
    log_path = Path(tempfile.gettempdir()) / f"bench-pipeline-{tree.label}-{args.set}-{concurrency}.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(cmd, cwd=tree.path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 900
        while client.zcard(keys.articles) < sent["warmup"]:
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not get through its warm-up; see {log_path}")
            time.sleep(0.01)
        started = time.perf_counter()
        cpu, main_cpu = tree_cpu(worker)
        trips_before = roundtrips(count_dir)
        before = redis_info(client)
        own = 1  # the bench's own commands since `before` (INFO counts them): taken out below
        while True:
            own += 1
            if client.zcard(keys.articles) >= total:
                own += len(keys.queue_lists("process")) + 1
                if queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0:
                    break
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not drain the queue; see {log_path}")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        cpu, main_cpu = (now - then for now, then in zip(tree_cpu(worker), (cpu, main_cpu), strict=True))
        after = redis_info(client)
        after["commands"] -= own
        rss = tree_rss(worker)
        time.sleep(0.3)  # the counting hook writes at most every 50 ms
        trips = roundtrips(count_dir) - trips_before
    finally:
        stop_worker(worker)
    return {"pages": sent["pages"], "seconds": elapsed, "cpu": cpu, "main_cpu": main_cpu, "roundtrips": trips,
            "rss": rss,
            **info_delta(before, after)}


def measure(tree: Tree, args, redis_url: str, translation: bool) -> dict:
    import redis

    from newssieve.redis_conn import delete_prefix

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    results = {}
    hook_dir = Path(tempfile.mkdtemp(prefix="bench-pipeline-hook-"))
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    try:
        for mode in args.modes:
            prefix = f"bench-pipeline-{uuid.uuid4().hex[:8]}:"
            count_dir = Path(tempfile.mkdtemp(prefix="bench-pipeline-trips-"))
            env = tree.env(redis_url, prefix, translation, count_dir, hook_dir)
            try:
                if mode in ("limit", "inprocess"):
                    results[mode] = run_child(tree, mode, env, args)
                elif mode == "limit2":
                    results[mode] = run_children(tree, "limit", env, args, 2)
                else:
                    results[mode] = measure_worker(tree, env, args, int(mode[-1]), client, prefix)
            finally:
                delete_prefix(client, prefix)
                shutil.rmtree(count_dir, ignore_errors=True)
            print(f"  {tree.label:9} {args.set:12} {mode:9} {rate(results[mode]):7.1f} pages/s",
                  file=sys.stderr)
    finally:
        shutil.rmtree(hook_dir, ignore_errors=True)
        client.close()
    return results


def rate(result: dict) -> float:
    return result["pages"] / result["seconds"]


def table(label: str, which: str, results: dict) -> list[str]:
    limit = rate(results["limit"]) if "limit" in results else None
    limit_cpu = results["limit"]["cpu"] / results["limit"]["pages"] if "limit" in results else None
    one = rate(results["worker1"]) if "worker1" in results else None
    rows = []
    for mode, result in results.items():
        r = rate(result)
        ratio = f"{r / limit:.2f}" if limit else "-"
        if mode == "worker2" and one:
            ratio += f" ({r / one:.2f}× one)"
        cpu = result["cpu"] / result["pages"]
        by_cpu = f"{limit_cpu / cpu:.2f}" if limit_cpu else "-"
        trips = f"{result['roundtrips'] / result['pages']:.1f}" if "roundtrips" in result else "-"
        commands = f"{result['commands'] / result['pages']:.0f}" if "commands" in result else "-"
        redis_cpu = f"{result['redis_cpu'] / result['pages'] * 1e3:.2f}" if "redis_cpu" in result else "-"
        overhead = f"{(cpu - limit_cpu) * 1e3:.1f}" if limit_cpu and not mode.startswith("limit") else "-"
        rss = f"{result['rss'] / MB:.0f}" if "rss" in result else "-"
        main = f"{result['main_cpu'] / result['pages'] * 1e3:.1f}" if "main_cpu" in result else "-"
        rows.append(f"| {label} | {which} | {mode} | {r:.1f} | {ratio} | {cpu * 1e3:.1f} | {main} | {by_cpu} "
                    f"| {trips} | {commands} | {redis_cpu} | {overhead} | {rss} |")
    return rows


HEADER = ["| code | pages | mode | pages/s | × limit | CPU ms/page | of it the worker's main process "
          "| × limit by CPU | Redis round trips/page | Redis commands/page | Redis CPU ms/page "
          "| overhead CPU ms/page | worker RSS MB |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]


@contextlib.contextmanager
def baseline_tree(ref: str | None, directory: str | None = None):
    if directory:
        yield Tree(Path(directory).name, Path(directory).resolve())
        return
    if not ref:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-pipeline-baseline-"))
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(directory)], input=archive, check=True)
        commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        yield Tree(f"{ref}@{commit}", directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", metavar="REF", help="also measure this git ref's code (e.g. HEAD)")
    parser.add_argument("--baseline-dir", metavar="DIR", help="also measure the code in this directory")
    parser.add_argument("--rounds", type=int, default=3, help="times each set is sent (default 3)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each this many times, the trees in turn, and keep the fastest run")
    parser.add_argument("--sets", default=",".join(SETS), help="page sets, comma separated")
    parser.add_argument("--modes", default=",".join(MODES), help="measurements, comma separated")
    parser.add_argument("--translation", choices=("off", "on"), default="off",
                        help="translation matching in the workers (default off: its sentence encoder "
                        "dwarfs everything else; on: it is part of the limit too)")
    parser.add_argument("--worker-option", dest="worker_options", action="append", default=[],
                        help="an extra `celery worker` option (repeatable), e.g. "
                        "--worker-option=--prefetch-multiplier=4")
    parser.add_argument("--batch", type=int, default=None,
                        help="pages per message when the code sends batches (default: its BATCH_PAGES)")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--set", choices=SETS, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, os.getcwd())
        print(json.dumps(CHILDREN[args.child](args)))
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.reliability_support import throwaway_redis

    args.modes = [m for m in args.modes.split(",") if m]
    translation = args.translation == "on"
    load = os.getloadavg()[0]
    rows = []
    with throwaway_redis(aof=False) as server, baseline_tree(args.baseline, args.baseline_dir) as base:
        trees = [t for t in (base, Tree("this", ROOT)) if t is not None]
        for which in [s for s in args.sets.split(",") if s]:
            args.set = which
            best: dict[str, dict] = {tree.label: {} for tree in trees}
            for _ in range(args.repeat):  # trees interleaved, so both see the same load; the best run kept
                for tree in trees:
                    for mode, result in measure(tree, args, server.url, translation).items():
                        if mode not in best[tree.label] or rate(result) > rate(best[tree.label][mode]):
                            best[tree.label][mode] = result
            for tree in trees:
                rows += table(tree.label, which, best[tree.label])
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.cpu_count()} cores (shared: other "
          f"work may run) · Python {platform.python_version()} · load average before the run {load:.2f} · "
          f"translation matching {args.translation} · {args.rounds} rounds · best of {args.repeat} · "
          "a Redis server of the bench's own")
    print()
    print("\n".join(HEADER + rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
