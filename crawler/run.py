"""The crawl's child process: `python -m crawler.run SITE [--refetch] [--sites PATH] [-s KEY=VALUE ...]`.

Runs the site spider once in this process (a Twisted reactor cannot be
restarted, so every crawl gets a fresh process) and reports on stdout, one
JSON object per line:
  {"event": "progress", ...}   every NEWSSIEVE_PROGRESS_INTERVAL seconds
  {"event": "summary", ...}    once, at the end (counts, errors, finish_reason)
  {"event": "error", "reason": ...}   when the crawl could not start
Scrapy's log goes to stderr. The lock, timeouts and run history are the
parent's business (`newssieve.ops.crawl_runner.run_crawl`); do not run this by hand
while a scheduled crawl of the same site may be running.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Any

from newssieve.settings import PARENT_PID_ENV
from newssieve.sites import Site, SitesFileError, load_sites


def site_settings(site: Site) -> dict[str, Any]:
    """The Scrapy settings one site's entry decides."""
    return {
        "CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency,
        "CONCURRENT_REQUESTS": max(16, site.concurrency),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(site.concurrency),
        "DOWNLOAD_DELAY": site.delay,
        "NEWSSIEVE_ALLOW_PRIVATE": site.allow_private,
    }


def _parse_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def build_settings(site: Site, overrides: dict[str, Any]):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(site_settings(site), priority="project")
    settings.set("AUTOTHROTTLE_START_DELAY", max(site.delay, settings.getfloat("AUTOTHROTTLE_START_DELAY")))
    settings.set("NEWSSIEVE_PROGRESS_INTERVAL", 1.0, priority="project")
    env = os.environ.get("NEWSSIEVE_SCRAPY_SETTINGS")
    if env:
        settings.update(json.loads(env), priority="cmdline")
    settings.update(overrides, priority="cmdline")
    return settings


def exit_with_parent(interval: float = 0.5, parent: int | None = None) -> None:
    """End this process as soon as its parent (`newssieve.ops.crawl_runner.run_crawl`, which holds the site's
    crawl lock) is gone: without it nobody stops this crawl before the lock expires, and a second
    crawl of the site could start while this one still runs. `parent`: the pid the parent had, when
    the parent may have died before this call (then this process ends at once); else the one the runner
    put in the environment (PARENT_PID_ENV: taken out, so this process's own children do not inherit
    it); else this process's parent now."""
    given = os.environ.pop(PARENT_PID_ENV, "")
    parent = parent or (int(given) if given.isdigit() else 0) or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(3)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    from crawler.extensions import emit

    exit_with_parent()

    parser = argparse.ArgumentParser(prog="python -m crawler.run", description=__doc__.splitlines()[0])
    parser.add_argument("site")
    parser.add_argument("--refetch", action="store_true", help="download known articles again")
    parser.add_argument("--sites", help="the sites file (default: NEWSSIEVE_SITES)")
    parser.add_argument(
        "-s",
        dest="set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a Scrapy setting (value read as JSON when it parses)",
    )
    args = parser.parse_args(argv)

    try:
        site = load_sites(args.sites).site(args.site)
    except (SitesFileError, KeyError) as exc:
        emit("error", reason=str(exc).strip("'\""))
        return 2
    overrides = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-s expects KEY=VALUE, got {item!r}")
        overrides[key] = _parse_value(value)

    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.report import CrawlReport
    from crawler.spiders.site import SiteSpider
    from crawler.summary import summarize

    process = AsyncCrawlerProcess(build_settings(site, overrides))
    crawler = process.create_crawler(SiteSpider)
    task = process.crawl(crawler, site=site, refetch=args.refetch)
    process.start()
    failure = None
    if task.done() and not task.cancelled() and task.exception() is not None:
        failure = task.exception()
    if failure is not None or getattr(process, "bootstrap_failed", False):
        reason = f"{type(failure).__name__}: {failure}" if failure is not None else "see the crawl log"
        emit("error", reason=f"the crawl could not run: {reason}")
        return 1
    summary = summarize(CrawlReport.of(crawler))
    summary.update(site=site.name, refetch=args.refetch)
    emit("summary", **summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
