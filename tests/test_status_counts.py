"""The counts `status` shows agree with the feed: page counts count every fetch (refetches too), and the
distinct articles, stories and copies stored are shown next to them and match what the feed lists."""

from __future__ import annotations

import time

from click.testing import CliRunner

from newssieve.cli import main
from newssieve.feeds.query import FeedQuery, FeedReader
from newssieve.ops import status
from newssieve.store.articles import Store
from tests.feeds_helper import story, use_sites_file
from tests.metrics_helper import page
from workers.process import PageProcessor


def test_status_counts_every_fetch_and_shows_the_distinct_copies_the_feed_shows(client, prefix, tmp_path,
                                                                               monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    processor = PageProcessor()
    now = time.time()
    pages = [page("wire", "flood", story(1), now - 40), page("gazette", "flood-copy", story(1)[:7], now - 30),
             page("courier", "flood-again", story(1), now - 20), page("wire", "rail", story(2), now - 10)]
    for _fetch in range(2):  # a crawl, then a `crawl --refetch` of the same pages
        for one in pages:
            processor.process(one)

    snapshot = status.collect(include_workers=False)
    entries = list(FeedReader(Store()).iter_entries("all", FeedQuery(limit=100)))
    feed_copies = sum(entry["copies"] for entry in entries)
    assert snapshot["totals"] == {"articles": 4, "stories": 2, "copies": 2}
    assert snapshot["totals"]["stories"] == len(entries) and snapshot["totals"]["copies"] == feed_copies
    # the page counts count each fetch: both rounds, the refetch included
    assert snapshot["pipeline"]["received"]["total"] == 8
    assert snapshot["pipeline"]["received"]["total"] > snapshot["totals"]["articles"]

    shown = CliRunner().invoke(main, ["status"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    assert "pages processed (each fetch counted: a refetch or re-crawl counts again)" in shown.output
    assert "stored now: 4 articles in 2 stories, 2 of them copies folded under a story" in shown.output
    help_text = CliRunner().invoke(main, ["status", "-h"]).output
    assert "counts each duplicate verdict" in " ".join(help_text.split())
