"""WARC ingest: HTML responses go to the process queue like crawled pages; the rest is counted."""

from __future__ import annotations

import json
import socket
import threading
import time
from io import BytesIO

import click
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newssieve.cli.crawl import COMMANDS
from newssieve.ids import article_id
from newssieve.ops.ingest import SEND_CHUNK, ingest_warc
from newssieve.redis_conn import reset_caches
from newssieve.store.keys import Keys
from newssieve.store.pending import PendingPages
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_PENDING
from tests.fixtures.crawl.crawl_fixtures import article_html, crawl_env_fixture  # noqa: F401


@click.group()
def cli() -> None:
    pass


for _command in COMMANDS:
    cli.add_command(_command)


def warc_response(writer: WARCWriter, url: str, body: bytes, content_type: str | None,
                  status: str = "200 OK"):
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
    writer.write_record(record)


def make_warc(path, gzip: bool = True) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        warc_response(
            writer,
            "http://news.example.org/news/one.html?utm_source=x",
            article_html("One").encode(),
            "text/html; charset=utf-8",
        )
        warc_response(
            writer, "http://news.example.org/news/one.html", article_html("One again").encode(), "text/html"
        )
        warc_response(
            writer,
            "https://Other.Example.com:443/story",
            article_html("Café").encode("latin-1"),
            "text/html; charset=iso-8859-1",
        )
        warc_response(writer, "http://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n....", "image/png")
        warc_response(
            writer,
            "http://news.example.org/missing",
            article_html("404").encode(),
            "text/html",
            "404 Not Found",
        )
        warc_response(
            writer, "http://news.example.org/news/untyped.html", b"<!DOCTYPE html><html><p>x</p></html>", None
        )
        request = writer.create_warc_record(
            "http://news.example.org/news/one.html", "request", payload=BytesIO(b"GET / HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)


SITES = """
sites:
  - name: example-news
    domains: ["news.example.org"]
    feeds: ["http://news.example.org/rss"]
    article: ["/news/"]
"""


def test_ingest_sends_html_records_and_counts_the_rest(crawl_env, tmp_path):
    crawl_env.write_sites(SITES)
    warc = tmp_path / "pages.warc.gz"
    make_warc(warc)
    summary = ingest_warc(str(warc))
    assert summary["status"] == "ok", summary
    assert summary["records"] == 8
    assert summary["html"] == 5 and summary["sent"] == 3 and summary["duplicates"] == 1
    assert summary["skipped_non_html"] == 1 and summary["skipped_status"] == 1
    assert summary["skipped_other_records"] == 2  # warcinfo, request
    assert summary["sites"] == {"example-news": 2, "other.example.com": 1}

    messages = crawl_env.queued()
    assert {m["task"] for m in messages} == {PROCESS_PAGE}
    pages = {m["page"]["canonical_url"]: m["page"] for m in messages}
    assert set(pages) == {
        "http://news.example.org/news/one.html",
        "https://other.example.com/story",
        "http://news.example.org/news/untyped.html",
    }
    other = pages["https://other.example.com/story"]
    assert other["site"] == "other.example.com" and "Café" in other["html"]
    assert other["status"] == 200 and other["fetched_at"] > 1_000_000_000
    assert pages["http://news.example.org/news/one.html"]["site"] == "example-news"


def test_ingest_wait_returns_once_everything_is_stored(crawl_env, tmp_path):
    crawl_env.write_sites(SITES)
    warc = tmp_path / "pages.warc"
    make_warc(warc, gzip=False)

    def worker():  # plays the worker's storing part, a little later
        time.sleep(1.0)
        crawl_env.store_articles()

    thread = threading.Thread(target=worker)
    thread.start()
    result = CliRunner().invoke(cli, ["ingest", str(warc), "--wait", "--timeout", "20", "--json"])
    thread.join()
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stored"] == 3 and summary["pending"] == 0
    keys = Keys()
    assert crawl_env.redis.exists(keys.article(article_id("https://other.example.com/story")))


def test_ingest_wait_times_out_with_the_pages_not_stored(crawl_env, tmp_path):
    crawl_env.write_sites(SITES)
    warc = tmp_path / "pages.warc.gz"
    make_warc(warc)
    result = CliRunner().invoke(cli, ["ingest", str(warc), "--wait", "--timeout", "1"])
    assert result.exit_code == 1
    assert "3 sent" in result.stdout and "0 stored, 3 not stored" in result.stdout
    assert "timeout" in result.stderr


def test_ingest_of_a_file_that_is_not_a_warc(crawl_env, tmp_path):
    bogus = tmp_path / "not.warc"
    bogus.write_bytes(b"this is not a WARC file at all\n" * 10)
    summary = ingest_warc(str(bogus))
    assert summary["status"] == "failed" and "cannot read" in summary["reason"]


def test_a_large_warc_goes_several_pages_to_a_message_each_page_filed_once(crawl_env, tmp_path):
    crawl_env.write_sites(SITES)
    warc = tmp_path / "many.warc.gz"
    urls = [f"http://news.example.org/news/{n}.html" for n in range(SEND_CHUNK + 37)]
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n, url in enumerate(urls):
            warc_response(writer, url, article_html(f"Story {n}").encode(), "text/html")
        warc_response(writer, urls[5], article_html("Story 5 again").encode(), "text/html")  # across chunks
    summary = ingest_warc(str(warc))
    assert summary["status"] == "ok" and summary["sent"] == len(urls) and summary["duplicates"] == 1, summary
    messages = crawl_env.queued()
    batches = [m["page"] for m in messages if m["task"] == PROCESS_PENDING]
    singles = [article_id(m["page"]["canonical_url"]) for m in messages if m["task"] == PROCESS_PAGE]
    assert batches and len(messages) < len(urls) / 4, [m["task"] for m in messages]
    queued_ids = [aid for ids in batches for aid in ids] + singles
    assert sorted(queued_ids) == sorted(article_id(url) for url in urls)  # each page once
    assert PendingPages().count() == len(urls)  # filed before sent: a lost message's page comes back


def test_pages_the_broker_refuses_are_reported_and_stay_pending_to_be_sent_again(crawl_env, tmp_path):
    crawl_env.write_sites(SITES)
    warc = tmp_path / "pages.warc.gz"
    make_warc(warc)
    with socket.socket() as closed:  # a port nobody listens on: the broker is down
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    crawl_env.monkeypatch.setenv("NEWSSIEVE_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    crawl_env.monkeypatch.setenv("NEWSSIEVE_BROKER_TIMEOUT", "1")
    reset_caches()
    summary = ingest_warc(str(warc))
    assert summary["status"] == "failed" and summary["enqueue_failed"] == 3 and summary["sent"] == 0
    assert "3 page(s) could not be handed to the process queue" in summary["reason"]
    assert all("could not enqueue" in error["reason"] for error in summary["errors"]), summary["errors"]
    assert PendingPages().count() == 3  # filed: resent once overdue (beat, or a worker's start)
