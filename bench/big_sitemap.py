"""A big sitemap within the size limit: time and memory of a crawl with a small `max_pages`.

    .venv/bin/python bench/big_sitemap.py [--urls 800000] [--max-pages 1000] [--dated]

A local server serves one sitemap of `--urls` article URLs (no dates by default: 800,000 of them
make 44.7 MB, under the 50 MB cap; `--dated` adds a <lastmod> to each, which makes the file
bigger) and an article page for any of them. The newssieve crawl (`run_crawl`, child process,
real Redis under a throwaway prefix) reads it with `max_pages`; printed: wall time, the crawl
child's peak RSS, and what it scheduled, downloaded and left over.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import local_site  # noqa: E402
from tests.fixtures.crawl.crawl_fixtures import PeakRSS, article_html  # noqa: E402


def sitemap(netloc: str, urls: int, dated: bool) -> bytes:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    parts = [b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for i in range(urls):
        lastmod = f"<lastmod>{(start + timedelta(minutes=i)).isoformat()}</lastmod>" if dated else ""
        parts.append(f"<url><loc>http://{netloc}/news/{i}.html</loc>{lastmod}</url>".encode())
    parts.append(b"</urlset>")
    return b"".join(parts)


def serve(urls: int, dated: bool) -> tuple[ThreadingHTTPServer, str]:
    state: dict[str, bytes] = {}

    def route(path: str, host: str) -> tuple[bytes, str] | None:
        if path == "/sitemap.xml":
            return state["sitemap"], "application/xml"
        if path.startswith("/news/"):
            return article_html(path).encode(), "text/html; charset=utf-8"
        return None

    httpd, netloc = local_site.serve(route)
    state["sitemap"] = sitemap(netloc, urls, dated)
    return httpd, netloc


def crawl(netloc: str, max_pages: int, tmp: Path) -> dict:
    from newssieve.ops.crawl_runner import run_crawl
    from newssieve.redis_conn import delete_prefix, get_client

    prefix = local_site.use_one_site(tmp, "big", netloc, "/news/", max_pages, 8)
    try:
        started = time.monotonic()
        with PeakRSS(interval=0.2) as rss:
            summary = run_crawl("big", scrapy_settings={"AUTOTHROTTLE_START_DELAY": 0.0}, timeout=3600)
        wall = time.monotonic() - started
    finally:
        delete_prefix(get_client(), prefix)
    counts = ("pages", "articles_new", "over_budget", "requests", "crawl_seconds")
    return {"status": summary["status"], "wall_s": round(wall, 1), "peak_rss_mb": round(rss.peak / 2**20),
            **{k: summary.get(k) for k in counts}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=800_000)
    parser.add_argument("--max-pages", type=int, default=1000)
    parser.add_argument("--dated", action="store_true", help="a <lastmod> on every URL")
    args = parser.parse_args()

    from newssieve.redis_conn import redis_available

    httpd, netloc = serve(args.urls, args.dated)
    size = len(sitemap(netloc, args.urls, args.dated))
    with redis_available(), tempfile.TemporaryDirectory() as tmp:
        result = crawl(netloc, args.max_pages, Path(tmp))
    httpd.shutdown()
    print(json.dumps({"bench": "big_sitemap", "urls": args.urls, "sitemap_mb": round(size / 1e6, 1),
                      "max_pages": args.max_pages, **result}))


if __name__ == "__main__":
    main()
