"""Crawl throughput: pages per second from the newssieve crawl into the process queue, against a plain
Scrapy spider fetching the same local pages in the same run, with the same download settings. Prints
both and the ratio (target >= 0.9 with AutoThrottle off), round by round, with AutoThrottle on in both
(as newssieve crawls) and off in both, then per setting the median ratio and its spread (min-max).

    .venv/bin/python bench/crawl.py [--pages 2000] [--concurrency 8] [--rounds 3]

Everything is local: a threaded HTTP server on 127.0.0.1 serves the pages and a sitemap; the
newssieve crawl (`run_crawl`, child process, real Celery hand-off to Redis under a throwaway
key prefix) reads the sitemap and fetches every page; the plain spider gets the page URLs
directly and does nothing with the responses. Rates use each crawl's own elapsed time (Scrapy's
`elapsed_time_seconds`), so process start-up is left out of both. Each round runs the two crawls of a
setting back to back (their ratio is that round's), in alternating order; the machine's other load
moves the rates between rounds, hence the spread. After each newssieve crawl the bench checks that
every page is on the process queue (one to a message, or several: store.pending.send_pages).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
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


def queued_pages(client, key: str) -> tuple[int, int]:
    """(pages, messages) on a process queue: a message carries one page (process_page) or several, whole
    (process_pages) or as the ids of pending pages (process_pending)."""
    from newssieve.taskqueue import PROCESS_PAGES, PROCESS_PENDING

    pages = messages = 0
    for raw in client.lrange(key, 0, -1):
        message = json.loads(raw)
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]
        many = message.get("headers", {}).get("task") in (PROCESS_PAGES, PROCESS_PENDING)
        pages += len(args[0]) if many else 1
        messages += 1
    return pages, messages


def run_newssieve(netloc: str, pages: int, concurrency: int, tmp: Path, throttle: bool) -> dict:
    from newssieve.ops.crawl_runner import run_crawl
    from newssieve.redis_conn import delete_prefix, get_client

    prefix = local_site.use_one_site(tmp, "bench", netloc, r"/news/story-\d+\.html$", pages, concurrency)
    try:
        summary = run_crawl(
            "bench", scrapy_settings={"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_ENABLED": throttle}
        )
        queued, messages = queued_pages(get_client(), f"{prefix}process")
    finally:
        delete_prefix(get_client(), prefix)
    if summary["status"] != "ok":
        raise SystemExit(f"the newssieve crawl did not finish: {summary.get('reason')}")
    return {
        "pages": summary["articles_new"],
        "seconds": summary["crawl_seconds"],
        "queued": queued,
        "messages": messages,
        "wall": summary["duration"],
    }


def spread(values: list[float], fmt: str) -> str:
    low, high = min(values), max(values)
    return f"{fmt.format(statistics.median(values))} ({fmt.format(low)}–{fmt.format(high)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each setting; the spread is printed")
    args = parser.parse_args()

    from newssieve.redis_conn import redis_available

    httpd, netloc = serve(args.pages)
    urls = [f"http://{netloc}/news/story-{i}.html" for i in range(args.pages)]
    rounds: dict[bool, list[dict]] = {True: [], False: []}
    load_before = os.getloadavg()[0]
    with redis_available(), tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for throttle in (True, False):
                runs = {}
                for kind in ("plain", "ours") if round_ % 2 == 0 else ("ours", "plain"):
                    if kind == "plain":
                        runs[kind] = run_plain(urls, args.concurrency, throttle)
                    else:
                        runs[kind] = run_newssieve(netloc, args.pages, args.concurrency, Path(tmp), throttle)
                plain, ours = runs["plain"], runs["ours"]
                if ours["queued"] != args.pages or ours["pages"] != args.pages:
                    raise SystemExit(f"expected {args.pages} pages crawled and on the process queue, found "
                                     f"{ours['pages']} crawled, {ours['queued']} queued")
                plain_rate, ours_rate = plain["pages"] / plain["seconds"], ours["pages"] / ours["seconds"]
                rounds[throttle].append({"plain": plain_rate, "ours": ours_rate,
                                         "ratio": ours_rate / plain_rate, "messages": ours["messages"]})
                print(
                    f"round {round_ + 1}, AutoThrottle {'on ' if throttle else 'off'}: plain scrapy "
                    f"{plain['pages']} pages in {plain['seconds']:.2f} s ({plain_rate:.0f}/s); newssieve "
                    f"crawl -> queue {ours['pages']} in {ours['seconds']:.2f} s ({ours_rate:.0f}/s; "
                    f"{ours['wall']:.1f} s with process start; {ours['messages']} messages); "
                    f"ratio {ours_rate / plain_rate:.2f}",
                    flush=True,
                )
    httpd.shutdown()
    result = {"bench": "crawl", "pages": args.pages, "concurrency": args.concurrency, "rounds": args.rounds,
              "load_average_before": round(load_before, 2)}
    for throttle, label, target in ((True, "autothrottle_on", None), (False, "autothrottle_off", 0.9)):
        figures = rounds[throttle]
        ratios = [f["ratio"] for f in figures]
        verdict = "" if target is None else (f" (target >= {target}: "
                                             f"{'ok' if statistics.median(ratios) >= target else 'BELOW'})")
        print(
            f"AutoThrottle {'on (production politeness)' if throttle else 'off (raw fetching)'}, "
            f"median (min–max) of {len(figures)} rounds: plain scrapy "
            f"{spread([f['plain'] for f in figures], '{:.0f}')} pages/s, newssieve crawl into the process "
            f"queue {spread([f['ours'] for f in figures], '{:.0f}')} pages/s, ratio "
            f"{spread(ratios, '{:.2f}')}{verdict}"
        )
        result[label] = {
            "plain_pages_per_s": [round(f["plain"], 1) for f in figures],
            "newssieve_pages_per_s": [round(f["ours"], 1) for f in figures],
            "ratios": [round(r, 3) for r in ratios],
            "ratio_median": round(statistics.median(ratios), 3),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
