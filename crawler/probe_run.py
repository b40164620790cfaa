"""Running a dry-run spider in this process (`crawler.discover`, `crawler.check`): the crawler's own
settings, minus everything that stores or consults what is stored (the pipeline, the known-article
check, conditional GET, the page budget), and a closing `summary` line."""

from __future__ import annotations

import json
import os
from typing import Any

from crawler.extensions import emit
from crawler.report import CrawlReport
from newssieve.sites import Site

DRY_RUN_SETTINGS: dict[str, Any] = {
    "ITEM_PIPELINES": {},
    "NEWSSIEVE_PROGRESS_INTERVAL": 0,
    "LOG_LEVEL": "INFO",
}
STATEFUL_MIDDLEWARES = ("KnownArticleMiddleware", "PageBudgetMiddleware", "ConditionalGetMiddleware")


def dry_run_settings(site: Site, overrides: dict[str, Any]):
    """crawler.settings + the site's own (politeness, allow_private) + NEWSSIEVE_SCRAPY_SETTINGS, with
    nothing that reads or writes Redis."""
    from crawler.run import build_settings

    settings = build_settings(site, overrides)
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    for name in STATEFUL_MIDDLEWARES:
        middlewares[f"crawler.middlewares.{name}"] = None
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    settings.update(DRY_RUN_SETTINGS, priority="cmdline")
    return settings


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """`-s KEY=VALUE` options (values read as JSON when they parse)."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"-s expects KEY=VALUE, got {item!r}")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def run_spider(spider_cls, entry: Site, overrides: dict[str, Any], **spider_args) -> int:
    """Run the spider to its end; emit a `summary` (requests, errors) or an `error`. The exit code."""
    from scrapy.crawler import AsyncCrawlerProcess

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    process = AsyncCrawlerProcess(dry_run_settings(entry, overrides))
    crawler = process.create_crawler(spider_cls)
    task = process.crawl(crawler, **spider_args)
    process.start()
    if task.done() and not task.cancelled() and task.exception() is not None:
        emit("error", kind="crawler", reason=f"the dry run could not run: {task.exception()}")
        return 1
    stats = crawler.stats.get_stats()
    report = CrawlReport.of(crawler)
    emit("summary", requests=int(stats.get("downloader/request_count", 0) or 0),
         finish_reason=stats.get("finish_reason"), errors=list(report.errors),
         robots_forbidden=int(stats.get("newssieve/robots_forbidden", 0) or 0))
    return 0
