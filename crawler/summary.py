"""The numbers a crawl reports: built from the crawler's stats and its error report.

Used for the progress lines while the crawl runs and for the final summary
the child process hands back to `newssieve.ops.crawl_runner`.
"""

from __future__ import annotations

from typing import Any

from crawler.report import CrawlReport


def counts(stats: dict[str, Any]) -> dict[str, Any]:
    def get(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    return {
        "pages": get("newssieve/pages"),
        "articles_new": get("newssieve/articles_new"),
        "articles_known": get("newssieve/articles_known") + get("newssieve/articles_known_after_download"),
        "articles_refetched": get("newssieve/articles_refetched"),
        "listings": get("newssieve/listings"),
        "not_modified": get("newssieve/not_modified"),
        "enqueue_failed": get("newssieve/errors/enqueue"),
        "over_budget": get("newssieve/over_budget"),
        "robots_forbidden": get("newssieve/robots_forbidden"),
        "requests": get("downloader/request_count"),
        "bytes": get("downloader/response_bytes"),
        "retries": get("retry/count"),
        "errors_total": get("newssieve/errors_total"),
    }


def summarize(report: CrawlReport) -> dict[str, Any]:
    stats = report.crawler.stats.get_stats()
    result = counts(stats)
    result["finish_reason"] = stats.get("finish_reason")
    result["crawl_seconds"] = round(float(stats.get("elapsed_time_seconds") or 0.0), 3)
    result["error_counts"] = report.counts()
    result["errors"] = list(report.errors)
    return result
