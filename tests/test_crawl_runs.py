"""Crawl runs: the lock, the run history, incremental re-crawls and the `crawl` / `sites` commands."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import click
import psutil
import pytest
from click.testing import CliRunner

from newssieve.cli.crawl import COMMANDS
from newssieve.cli.sites import COMMANDS as SITES_COMMANDS
from newssieve.ops.crawl_runner import run_crawl
from newssieve.settings import PROJECT_ROOT
from newssieve.store.crawl_runs import HISTORY_LENGTH, CrawlLock, last_runs, record_run
from newssieve.store.keys import Keys
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (the *_fixture names are pytest fixtures)
    crawl_env_fixture,
    rss,
    server_fixture,
)
from tests.reliability_support import wait_for

RSS = {"Content-Type": "application/rss+xml"}
SUMMARY_KEYS = {"site", "started", "finished", "pages", "articles_new", "articles_known", "errors", "status"}


@click.group()
def cli() -> None:
    """The crawl commands alone (as `newssieve` registers them)."""


for _command in [*COMMANDS, *SITES_COMMANDS]:
    cli.add_command(_command)


def feed_site(server, n: int, name: str = "fx", **extra) -> dict:
    for i in range(n):
        server.html(f"/news/{i}.html", f"Story {i}")
    server.route(
        "/feed.xml",
        rss([(server.url(f"/news/{i}.html"), str(i)) for i in range(n)]),
        headers=RSS,
        etag='"v1"',
    )
    return {
        "name": name,
        "domains": [server.netloc],
        "feeds": [server.url("/feed.xml")],
        "article": [r"/news/"],
        **extra,
    }


def test_second_run_downloads_nothing_and_the_feed_answers_304(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 4)])
    first = run_crawl("fx")
    assert first["status"] == "ok" and first["articles_new"] == 4 and first["pages"] == 4
    assert crawl_env.store_articles() == 4  # what a worker would have done

    second = run_crawl("fx")
    assert second["status"] == "ok", second
    assert second["pages"] == 0 and second["articles_new"] == 0
    assert second["not_modified"] == 1
    assert [path for path, headers in server.requests if path == "/feed.xml"] == ["/feed.xml"] * 2
    assert [h.get("if-none-match") for p, h in server.requests if p == "/feed.xml"] == [None, '"v1"']
    assert crawl_env.queued() == []

    # The feed changes: one new story; the known ones are skipped before download.
    server.html("/news/new.html", "New")
    items = [(server.url(f"/news/{i}.html"), str(i)) for i in range(4)] + [
        (server.url("/news/new.html"), "n")
    ]
    server.route("/feed.xml", rss(items), headers=RSS, etag='"v2"')
    third = run_crawl("fx")
    assert third["articles_new"] == 1 and third["articles_known"] == 4 and third["pages"] == 1
    assert [m["page"]["url"] for m in crawl_env.queued()] == [server.url("/news/new.html")]
    assert all(server.hits[f"/news/{i}.html"] == 1 for i in range(4))

    # --refetch downloads the known ones again and hands them on.
    crawl_env.store_articles()
    again = run_crawl("fx", refetch=True)
    assert again["status"] == "ok"
    assert again["pages"] == 5 and again["articles_refetched"] == 5 and again["not_modified"] == 0
    assert len(crawl_env.queued()) == 5


def test_last_modified_alone_gives_a_304_too(crawl_env, server):
    server.html("/news/a.html", "A")
    stamp = "Mon, 06 Jan 2025 10:00:00 GMT"
    server.route("/atom.xml", rss([(server.url("/news/a.html"), "a")]), headers=RSS, last_modified=stamp)
    crawl_env.write_sites(
        [
            {
                "name": "fx",
                "domains": [server.netloc],
                "feeds": [server.url("/atom.xml")],
                "article": ["/news/"],
            }
        ]
    )
    assert run_crawl("fx")["articles_new"] == 1
    crawl_env.store_articles()
    second = run_crawl("fx")
    assert second["not_modified"] == 1 and second["pages"] == 0
    assert [h.get("if-modified-since") for p, h in server.requests if p == "/atom.xml"] == [None, stamp]


def test_crawl_runs_command(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1)])
    run_crawl("fx")
    run_crawl("fx")
    result = CliRunner().invoke(cli, ["crawl-runs", "fx", "-n", "5"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all("fx: ok" in line for line in lines)
    result = CliRunner().invoke(cli, ["crawl-runs", "fx", "--json", "-n", "1"])
    assert json.loads(result.stdout)["status"] == "ok"
    result = CliRunner().invoke(cli, ["crawl-runs", "fx", "--limit", "1"])
    assert result.exit_code == 0 and len(result.stdout.strip().splitlines()) == 1
    result = CliRunner().invoke(cli, ["crawl-runs", "never"])
    assert result.exit_code == 0 and result.stdout == "no crawl runs of never yet\n"


def test_a_second_crawl_of_the_same_site_is_locked_out(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1)])
    holder = CrawlLock("fx")
    assert holder.acquire()
    try:
        summary = run_crawl("fx")
        assert summary["status"] == "locked"
        assert "another crawl of fx is running" in summary["reason"]
        assert server.hits["/feed.xml"] == 0
        assert last_runs("fx") == []  # a locked-out attempt is not a run

        result = CliRunner().invoke(cli, ["crawl", "fx", "--json"])
        assert result.exit_code == 3
        printed = json.loads(result.stdout.strip().splitlines()[-1])
        assert printed["status"] == "locked" and SUMMARY_KEYS <= set(printed)
        assert "newssieve crawl: fx: locked" in result.stderr
    finally:
        assert holder.release()
    assert run_crawl("fx")["status"] == "ok"
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))  # released after the run


def test_lock_expires_and_only_its_token_releases_it(crawl_env):
    first = CrawlLock("s1", ttl=30)
    second = CrawlLock("s1", ttl=30)
    assert first.acquire()
    assert not second.acquire()
    assert not second.release()  # not its lock
    assert crawl_env.redis.exists(first.key)
    assert 0 < first.holder()["expires_in"] <= 30
    assert first.release()
    assert second.acquire() and second.release()


def test_run_history_keeps_the_last_50_newest_first(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1)])
    summary = run_crawl("fx")
    runs = last_runs("fx", 5)
    assert len(runs) == 1 and runs[0]["run_id"] == summary["run_id"]
    assert SUMMARY_KEYS <= set(runs[0])
    for i in range(HISTORY_LENGTH + 5):
        record_run({"site": "fx", "status": "ok", "n": i})
    runs = last_runs("fx", 100)
    assert len(runs) == HISTORY_LENGTH
    assert runs[0]["n"] == HISTORY_LENGTH + 4
    assert crawl_env.redis.llen(Keys().crawl_runs("fx")) == HISTORY_LENGTH


def test_crawl_command_json_and_exit_codes(crawl_env, server):
    crawl_env.write_sites(
        [
            feed_site(server, 2),
            {
                "name": "off",
                "domains": ["off.example"],
                "feeds": ["http://off.example/rss"],
                "article": ["/"],
                "enabled": False,
            },
        ]
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["crawl", "fx", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert SUMMARY_KEYS <= set(summary)
    assert summary["status"] == "ok" and summary["articles_new"] == 2
    assert summary["started"].endswith("+00:00") and summary["finished"] >= summary["started"]

    result = runner.invoke(cli, ["crawl", "--all", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [(s["site"], s["status"]) for s in lines] == [("fx", "ok"), ("off", "disabled")]

    result = runner.invoke(cli, ["crawl", "off"])
    assert result.exit_code == 4
    assert "disabled" in result.stderr.strip().splitlines()[-1]

    result = runner.invoke(cli, ["crawl", "nosuch"])
    assert result.exit_code == 2
    assert "no valid site 'nosuch'" in result.stderr

    result = runner.invoke(cli, ["crawl"])
    assert result.exit_code == 2  # usage: SITE or --all

    result = runner.invoke(cli, ["crawl", "fx"])  # human output, no terminal: plain lines
    assert result.exit_code == 0
    assert result.stdout.startswith("fx: ok")


def test_sites_command_lists_sites_and_reports_errors(crawl_env, server):
    good = feed_site(server, 1)
    crawl_env.write_sites([good])
    result = CliRunner().invoke(cli, ["sites", "--json"])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["errors"] == []
    assert listing["sites"][0]["name"] == "fx" and listing["sites"][0]["discovery"] == "1 feeds"

    crawl_env.write_sites([good, {"name": "Bad Name", "domains": ["x.example"], "article": ["("]}])
    result = CliRunner().invoke(cli, ["sites"])
    assert result.exit_code == 1
    title, header, row = result.stdout.splitlines()
    assert title == f"sites in {crawl_env.tmp / 'sites.yaml'}"
    assert header.split() == ["site", "enabled", "schedule", "discovery", "domains", "last", "run"]
    assert row.split()[:8] == ["fx", "yes", "0", "*", "*", "*", "*", "1"]
    assert row.index("yes") == header.index("enabled")  # columns line up under their titles
    assert "site 'Bad Name'" in result.stderr

    run_crawl("fx")
    result = CliRunner().invoke(cli, ["sites"])
    assert result.stdout.splitlines()[2].endswith(" UTC") and " ok " in result.stdout.splitlines()[2]


def test_crawl_of_an_invalid_entry_says_why_not_unknown(crawl_env, server):
    bad = {**feed_site(server, 1), "name": "bad", "schedule": "61 * * * *"}
    crawl_env.write_sites([feed_site(server, 1), bad])
    result = CliRunner().invoke(cli, ["crawl", "bad", "--json"])
    assert result.exit_code == 2
    summary = json.loads(result.stdout)
    assert summary["status"] == "invalid_site"
    assert "the entry of site 'bad'" in summary["reason"]
    assert "minute field '61' is out of range" in summary["reason"]
    assert "unknown" not in result.stderr and "invalid_site" in result.stderr
    assert "2  SITE is not in the sites file" in CliRunner().invoke(cli, ["crawl", "-h"]).stdout


def test_crawl_all_fails_when_the_sites_file_has_errors(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1), {"name": "broken", "domains": ["x.example"], "article": []}])
    result = CliRunner().invoke(cli, ["crawl", "--all", "--json"])
    assert result.exit_code == 1
    assert [json.loads(line)["site"] for line in result.stdout.strip().splitlines()] == ["fx"]
    assert "sites file has 1 error(s)" in result.stderr


def test_a_crawl_that_cannot_start_is_a_failed_run_with_a_reason(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1)])
    crawl_env.scrapy_settings(ITEM_PIPELINES={"no.such.Pipeline": 100})
    summary = run_crawl("fx")
    assert summary["status"] == "failed"
    assert "could not run" in summary["reason"] and "No module named 'no'" in summary["reason"]
    assert last_runs("fx", 1)[0]["status"] == "failed"
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))


def test_a_crawl_over_its_time_is_stopped_and_the_lock_released(crawl_env, server):
    site = feed_site(server, 1)
    server.html("/news/0.html", "Slow", delay=30.0)
    crawl_env.write_sites([site])
    summary = run_crawl("fx", timeout=1.5)
    assert summary["status"] == "timeout", summary
    # The stop is graceful: the request in flight ends at its DOWNLOAD_TIMEOUT (3 s), so the run takes
    # 1.5 + 3 s and start-up; left alone, three tries of 3 s each would take over 9 s.
    assert summary["duration"] < 8
    assert last_runs("fx", 1)[0]["status"] == "timeout"
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))


def test_progress_events_reach_the_caller(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 2)])
    events = []
    summary = run_crawl("fx", progress=events.append)
    assert summary["status"] == "ok"
    assert events and {"pages", "articles_new", "errors_total"} <= set(events[0])


def slow_site(server, pages: int = 20, delay: float = 0.5) -> dict:
    """A site whose crawl lasts several seconds: its pages answer slowly, one at a time."""
    site = feed_site(server, pages, concurrency=1)
    for i in range(pages):
        server.html(f"/news/{i}.html", f"Story {i}", delay=delay)
    return site


def crawler_children() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True) if "crawler.run" in " ".join(p.cmdline())]


def test_ctrl_c_stops_the_child_once_and_records_an_interrupted_run(crawl_env, server):
    crawl_env.write_sites([slow_site(server)])
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "crawl", "fx", "--json"], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: server.hits["/news/0.html"] >= 1, 30), "the crawl never started"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    summary = json.loads(out.strip().splitlines()[-1])
    assert proc.returncode == 130
    assert summary["status"] == "interrupted" and summary["reason"] == "interrupted by the user"
    assert summary["finish_reason"] == "shutdown"  # the child stopped cleanly and still reported
    assert last_runs("fx", 1)[0]["run_id"] == summary["run_id"]
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))
    assert crawler_children() == []


class TimeLimit(Exception):
    """Raised from a signal handler in the middle of a crawl, as Celery's soft time limit is."""


def test_an_exception_in_the_caller_stops_the_child_records_a_failed_run_and_goes_on(crawl_env, server):
    crawl_env.write_sites([slow_site(server)])

    def time_is_up(_signum, _frame):
        raise TimeLimit("soft time limit exceeded")

    previous = signal.signal(signal.SIGALRM, time_is_up)
    try:
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        with pytest.raises(TimeLimit):
            run_crawl("fx")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    run = last_runs("fx", 1)[0]
    assert run["status"] == "failed" and run["reason"] == "TimeLimit: soft time limit exceeded"
    assert not crawl_env.redis.exists(Keys().crawl_lock("fx"))
    assert crawler_children() == []
