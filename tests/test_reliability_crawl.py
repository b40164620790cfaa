"""Crawls under stress: two started at once, one killed mid-run, and a broker that stops answering.

Real `newssieve crawl` processes (each running the Scrapy spider in a child process) against a
local site on 127.0.0.1 whose pages answer slowly, so that a crawl lasts a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import psutil

from newssieve.ops.crawl_runner import run_crawl
from newssieve.redis_conn import reset_caches
from newssieve.settings import PROJECT_ROOT
from newssieve.store.crawl_runs import last_runs
from newssieve.store.keys import Keys
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture, rss, server_fixture  # noqa: F401
from tests.reliability_support import throwaway_redis, wait_for

RSS = {"Content-Type": "application/rss+xml"}


def slow_site(server, pages: int = 6, delay: float = 0.7) -> dict:
    for i in range(pages):
        server.html(f"/news/{i}.html", f"Story {i}", delay=delay)
    items = [(server.url(f"/news/{i}.html"), str(i)) for i in range(pages)]
    server.route("/feed.xml", rss(items), headers=RSS)
    return {"name": "fx", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
            "article": [r"/news/"], "concurrency": 1}


def crawl_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newssieve", "crawl", "fx", "--json"], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def summary_of(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate(timeout=120)
    return json.loads(out.strip().splitlines()[-1])


def test_two_crawls_of_one_site_started_at_once_one_runs_the_other_exits_locked(crawl_env, server):
    crawl_env.write_sites([slow_site(server)])
    first, second = crawl_process(), crawl_process()
    summaries = [summary_of(first), summary_of(second)]
    codes = sorted([first.returncode, second.returncode])
    statuses = sorted(s["status"] for s in summaries)
    assert statuses == ["locked", "ok"] and codes == [0, 3], summaries
    assert server.hits["/feed.xml"] == 1  # the locked one fetched nothing
    assert all(server.hits[f"/news/{i}.html"] == 1 for i in range(6))
    assert [run["status"] for run in last_runs("fx")] == ["ok"]
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))


def test_lock_of_a_killed_crawl_expires_after_its_orphaned_spider_stopped(crawl_env, server):
    """The `newssieve crawl` process dies (SIGKILL): its lock stays until it expires, and the spider
    it started, now an orphan, closes itself at 80 % of the lock time, before the lock goes (10 s: the
    20 % left is the time a spider takes to close, over a second on a slow host)."""
    lock_seconds = 10
    crawl_env.monkeypatch.setenv("NEWSSIEVE_CRAWL_LOCK_SECONDS", str(lock_seconds))
    reset_caches()
    crawl_env.write_sites([slow_site(server, pages=30, delay=0.5)])
    lock_key = Keys().crawl_lock("fx")
    parent = crawl_process()
    spider = None
    try:
        children = psutil.Process(parent.pid).children
        assert wait_for(lambda: crawl_env.redis.exists(lock_key) and children(), 30)
        spider = psutil.Process(parent.pid).children()[0]
        assert wait_for(lambda: server.hits["/feed.xml"] == 1, 30), "the spider never started"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        killed_at = time.monotonic()
        expires_at = killed_at + crawl_env.redis.pttl(lock_key) / 1000

        again = crawl_process()
        assert summary_of(again)["status"] == "locked" and again.returncode == 3

        gone, _ = psutil.wait_procs([spider], timeout=lock_seconds + 5)
        spider_stopped_at = time.monotonic()
        assert gone, "the orphaned spider kept running"
        assert spider_stopped_at < expires_at + 0.2, "the spider outlived the lock"
        assert wait_for(lambda: not crawl_env.redis.exists(lock_key), lock_seconds + 2, 0.05)
        assert time.monotonic() - killed_at <= lock_seconds + 1

        for route in server.routes.values():  # the next crawl need not be slow, nor stop at 8 s
            route.delay = 0
        crawl_env.monkeypatch.setenv("NEWSSIEVE_CRAWL_LOCK_SECONDS", "120")
        reset_caches()
        after = crawl_process()
        summary = summary_of(after)
        assert summary["status"] == "ok" and after.returncode == 0, summary
    finally:
        if parent.poll() is None:
            parent.kill()
        if spider is not None and spider.is_running():
            spider.kill()


def test_handoff_to_a_broker_that_stopped_answering_does_not_hang_and_reports_each_page(crawl_env, server):
    """The broker accepts connections but never answers (SIGSTOP): each send gives up after the
    broker timeout and its retries; the pages are reported; the crawl ends in bounded time."""
    for i in range(3):
        server.html(f"/news/{i}.html", f"Story {i}")
    server.route("/feed.xml", rss([(server.url(f"/news/{i}.html"), str(i)) for i in range(3)]), headers=RSS,
                 etag='"v1"')
    crawl_env.write_sites([{"name": "fx", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": [r"/news/"]}])
    with throwaway_redis() as broker:
        broker.pause()
        try:
            crawl_env.monkeypatch.setenv("NEWSSIEVE_BROKER_URL", broker.url)
            crawl_env.monkeypatch.setenv("NEWSSIEVE_BROKER_TIMEOUT", "1")
            reset_caches()
            started = time.monotonic()
            summary = run_crawl("fx", timeout=90)
            took = time.monotonic() - started
        finally:
            broker.resume()
    print(f"hand-off to a frozen broker: {took:.1f} s", summary.get("reason"))
    assert took < 45, f"the hand-off hung for {took:.0f} s"
    assert summary["status"] == "failed" and summary["enqueue_failed"] == 3, summary
    assert "could not be handed to the process queue" in summary["reason"]
    assert sorted(e["url"] for e in summary["errors"] if e["kind"] == "enqueue") == [
        server.url(f"/news/{i}.html") for i in range(3)]
    # Nothing was kept that would make the next run skip these pages.
    assert not list(crawl_env.redis.scan_iter(match=f"{crawl_env.prefix}http:*"))
    assert os.environ["NEWSSIEVE_BROKER_URL"] == broker.url


def test_a_crawl_killed_while_its_spider_starts_leaves_no_spider_behind(crawl_env, server):
    """`newssieve crawl` dies (SIGKILL) as soon as its spider process appears, most often before the
    spider's Python has started: the spider ends too, within seconds, instead of crawling on as init's
    child to the end of the site or of its time limit (it did, when it took the pid to watch from its
    parent once started: by then, init's). Left alone, this crawl takes over 15 s (30 pages, 0.5 s
    each, one at a time)."""
    crawl_env.write_sites([slow_site(server, pages=30, delay=0.5)])
    parent = crawl_process()

    def spider_process() -> psutil.Process | None:
        for child in psutil.Process(parent.pid).children():  # not a helper an import may run and end
            with contextlib.suppress(psutil.Error):
                if "crawler.run" in child.cmdline():
                    return child
        return None

    try:
        assert wait_for(lambda: spider_process() is not None, 30, 0.005), "no spider started"
        spider = spider_process()
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        gone, _ = psutil.wait_procs([spider], timeout=8)
        assert gone, "the spider outlived the crawl that started it"
        assert sum(server.hits[f"/news/{i}.html"] for i in range(30)) < 30
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)


def test_a_killed_spider_leaves_no_handoff_process_behind(crawl_env, server):
    """The spider process dies (SIGKILL) as soon as its hand-off child (crawler.handoff) appears, most
    often before the child has finished starting: the child ends too, instead of living on as an
    orphan (it did, when it took the pid to watch from its parent once started: by then, init's)."""
    crawl_env.write_sites([slow_site(server, pages=30, delay=0.3)])
    parent = crawl_process()
    try:
        def handoff_child():
            for child in psutil.Process(parent.pid).children(recursive=True):
                if "--multiprocessing-fork" in " ".join(child.cmdline()):
                    return child
            return None

        assert wait_for(lambda: handoff_child() is not None, 30), "no hand-off process started"
        child = handoff_child()
        spider = child.parent()
        assert "crawler.run" in " ".join(spider.cmdline())
        spider.send_signal(signal.SIGKILL)
        gone, _ = psutil.wait_procs([child], timeout=10)
        assert gone, "the hand-off process outlived its spider"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
