"""Crawl throughput: pages per second from the newssieve crawl into the process queue, against a plain
Scrapy spider fetching the same local pages in the same run, with the same download settings. Prints
both and the ratio (target >= 0.8), with AutoThrottle on in both (as newssieve crawls) and off in both.

    .venv/bin/python bench/crawl.py [--pages 2000] [--concurrency 8] [--rounds 2]

Everything is local: a threaded HTTP server on 127.0.0.1 serves the pages and a sitemap; the
newssieve crawl (`run_crawl`, child process, real Celery hand-off to Redis under a throwaway
key prefix) reads the sitemap and fetches every page; the plain spider gets the page URLs
directly and does nothing with the responses. Rates use each crawl's own elapsed time (Scrapy's
`elapsed_time_seconds`), so process start-up is left out of both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import local_site  # noqa: E402

PLAIN_SPIDER = r"""
import json, sys
import scrapy
from scrapy.crawler import AsyncCrawlerProcess

urls = json.load(open(sys.argv[1]))
concurrency = int(sys.argv[2])
throttle = sys.argv[3] == "on"

class Plain(scrapy.Spider):
    name = "plain"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url)
    def parse(self, response):
        pass

process = AsyncCrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": max(16, concurrency),
                               "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "TELNETCONSOLE_ENABLED": False,
                               "REMOTE_CONTROL_ENABLED": False, "AUTOTHROTTLE_ENABLED": throttle,
                               "AUTOTHROTTLE_START_DELAY": 0.0,
                               "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency)})
crawler = process.create_crawler(Plain)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
print(json.dumps({"pages": stats.get("response_received_count", 0),
                  "seconds": stats.get("elapsed_time_seconds", 0)}))
"""


def page_html(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {j} of story {i}: the council met on Tuesday to discuss the harbour budget, "
        f"the ferry timetable and the new library opening hours, residents said.</p>"
        for j in range(40)
    )
    nav = "".join(f"<li><a href='/section/{k}'>Section {k}</a></li>" for k in range(30))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {i}</title>"
        f"<link rel='canonical' href='/news/story-{i}.html'></head><body><nav><ul>{nav}</ul></nav>"
        f"<article><h1>Story {i}</h1>{paragraphs}</article><footer>(c) Bench Times</footer></body></html>"
    ).encode()


def serve(pages: int) -> tuple[ThreadingHTTPServer, str]:
    bodies = {f"/news/story-{i}.html": page_html(i) for i in range(pages)}

    def route(path: str, host: str) -> tuple[bytes, str] | None:
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>http://{host}{page}</loc></url>" for page in bodies)
            return (('<?xml version="1.0" encoding="UTF-8"?>'
                     f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode(),
                    "application/xml")
        return (bodies[path], "text/html; charset=utf-8") if path in bodies else None

    return local_site.serve(route)


def run_plain(urls: list[str], concurrency: int, throttle: bool) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(urls, handle)
    try:
        out = subprocess.run(
            [sys.executable, "-c", PLAIN_SPIDER, handle.name, str(concurrency), "on" if throttle else "off"],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_newssieve(netloc: str, pages: int, concurrency: int, tmp: Path, throttle: bool) -> dict:
    from newssieve.ops.crawl_runner import run_crawl
    from newssieve.redis_conn import delete_prefix, get_client

    prefix = local_site.use_one_site(tmp, "bench", netloc, r"/news/story-\d+\.html$", pages, concurrency)
    try:
        summary = run_crawl(
            "bench", scrapy_settings={"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_ENABLED": throttle}
        )
        queued = get_client().llen(f"{prefix}process")
    finally:
        delete_prefix(get_client(), prefix)
    if summary["status"] != "ok":
        raise SystemExit(f"the newssieve crawl did not finish: {summary.get('reason')}")
    return {
        "pages": summary["articles_new"],
        "seconds": summary["crawl_seconds"],
        "queued": queued,
        "wall": summary["duration"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="alternate runs of each; the best rate counts")
    args = parser.parse_args()

    from newssieve.redis_conn import redis_available

    httpd, netloc = serve(args.pages)
    urls = [f"http://{netloc}/news/story-{i}.html" for i in range(args.pages)]
    rates: dict[tuple[str, bool], list[float]] = {}
    with redis_available(), tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for throttle in (True, False):
                plain = run_plain(urls, args.concurrency, throttle)
                ours = run_newssieve(netloc, args.pages, args.concurrency, Path(tmp), throttle)
                if ours["queued"] != args.pages:
                    raise SystemExit(
                        f"expected {args.pages} messages on the process queue, found {ours['queued']}"
                    )
                plain_rate, ours_rate = plain["pages"] / plain["seconds"], ours["pages"] / ours["seconds"]
                rates.setdefault(("plain", throttle), []).append(plain_rate)
                rates.setdefault(("ours", throttle), []).append(ours_rate)
                print(
                    f"round {round_ + 1}, AutoThrottle {'on ' if throttle else 'off'}: plain scrapy "
                    f"{plain['pages']} pages in {plain['seconds']:.2f} s ({plain_rate:.0f}/s); newssieve "
                    f"crawl -> queue {ours['pages']} in {ours['seconds']:.2f} s ({ours_rate:.0f}/s; "
                    f"{ours['wall']:.1f} s with process start)",
                    flush=True,
                )
    httpd.shutdown()
    result = {"bench": "crawl", "pages": args.pages, "concurrency": args.concurrency}
    for throttle, label in ((True, "autothrottle_on"), (False, "autothrottle_off")):
        plain, ours = max(rates[("plain", throttle)]), max(rates[("ours", throttle)])
        ratio = ours / plain
        print(
            f"AutoThrottle {'on (production politeness)' if throttle else 'off (raw fetching)'}: "
            f"plain scrapy {plain:.0f} pages/s, newssieve crawl into the process queue {ours:.0f} pages/s, "
            f"ratio {ratio:.2f} (target >= 0.8) {'ok' if ratio >= 0.8 else 'BELOW TARGET'}"
        )
        result[label] = {
            "plain_pages_per_s": round(plain, 1),
            "newssieve_pages_per_s": round(ours, 1),
            "ratio": round(ratio, 3),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
