"""`newssieve demo` (`python -m demo.run`): the whole pipeline on the bundled news network, end to end.

Redis (found or embedded) -> demo sites on free loopback ports -> a real Celery
worker -> a real Scrapy crawl of every site -> wait for the queue to drain ->
print the deduplicated feed and a summary. Uses its own key prefix, wiped first,
so every run starts from nothing.
"""

from __future__ import annotations

import argparse
import os
import sys

import click

from newssieve.settings import get_settings

DEMO_PREFIX = "nsdemo:"


def _use_environment(**values: str) -> None:
    from newssieve.redis_conn import reset_caches

    os.environ.update(values)
    reset_caches()


def run_demo(concurrency: int = 2) -> int:
    from demo.network import DemoNetwork
    from newssieve.feeds.query import FeedQuery, FeedReader
    from newssieve.feeds.text import story_lines
    from newssieve.ops.crawl_runner import run_crawl
    from newssieve.ops.drain import wait_until_processed
    from newssieve.ops.worker_procs import start_worker
    from newssieve.redis_conn import delete_prefix, get_client, redis_available
    from newssieve.sites import load_sites
    from newssieve.store.articles import Store

    with redis_available() as url, DemoNetwork(base_port=0) as network:
        settings = get_settings()
        sites_file = settings.var_dir / "demo_sites.yaml"
        sites_file.parent.mkdir(parents=True, exist_ok=True)
        sites_file.write_text(network.sites_yaml(), encoding="utf-8")
        _use_environment(NEWSSIEVE_PREFIX=os.environ.get("NEWSSIEVE_PREFIX", DEMO_PREFIX),
                         NEWSSIEVE_SITES=str(sites_file))
        client = get_client()
        prefix = get_settings().prefix
        delete_prefix(client, prefix)
        click.echo(f"redis {url} · prefix {prefix} · demo sites on "
                   + ", ".join(f"{s}:{p}" for s, p in network.ports.items()), err=True)
        worker = start_worker(concurrency)
        try:
            summaries = [run_crawl(site) for site in load_sites(sites_file).sites]
            for summary in summaries:
                click.echo(f"crawled {summary['site']}: {summary['status']}, {summary['pages']} pages, "
                           f"{summary['articles_new']} new articles, {len(summary['errors'])} errors",
                           err=True)
            enqueued = sum(s["articles_new"] for s in summaries)
            if not wait_until_processed(client, enqueued, timeout=300):
                click.echo("the worker did not drain the queue within 300 s", err=True)
                return 1
        finally:
            worker.terminate()
            worker.wait(30)
        store = Store()
        entries = list(FeedReader(store).iter_entries("all", FeedQuery(limit=100_000, copies=True)))
        for line in story_lines(entries):
            click.echo(line)
        copies = sum(entry["copies"] for entry in entries)
        click.echo(f"\npages crawled: {sum(s['pages'] for s in summaries)} · "
                   f"articles stored: {store.article_count()} · stories: {len(entries)} · "
                   f"copies flagged: {copies}")
        failed = any(s["status"] != "ok" for s in summaries)
        return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="The newssieve pipeline on the bundled demo network.")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default %(default)s)")
    sys.exit(run_demo(parser.parse_args().workers))


if __name__ == "__main__":
    main()
