"""Dead letters with a real worker: pages that fail for good are kept with their error, task and time;
`dead requeue` (CLI) and `POST /dead/{id}/requeue` (API, token only) send them through again."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.cli import main
from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.ops import status
from newssieve.store.deadletters import DeadLetters
from newssieve.store.keys import Keys
from newssieve.store.pending import PendingPages, send_page
from newssieve.taskqueue import PROCESS_PAGE, make_celery
from tests.fixtures.crawl.crawl_fixtures import article_html
from tests.workers_helper import celery_worker

SITES_YAML = ("sites:\n  - {name: wire, domains: [wire.test], feeds: ['http://wire.test/rss'], "
              "article: ['/news/']}\n")


def wait_for(condition, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.broker  # run against RabbitMQ too
def test_failed_pages_are_kept_shown_requeued_and_stored_once_fixed(client, prefix, tmp_path, monkeypatch):
    sites_file = tmp_path / "sites.yaml"  # not there yet: storing a page needs it, so the good page fails
    monkeypatch.setenv("NEWSSIEVE_SITES", str(sites_file))
    url = "http://wire.test/news/harbour"
    good = Page(url=url, canonical_url=url, site="wire", html=article_html("Harbour reopens"),
                fetched_at=time.time())
    broken = {"url": "http://wire.test/news/no-html", "canonical_url": "http://wire.test/news/no-html",
              "site": "wire"}
    letters = DeadLetters(client, prefix)
    app = make_celery("test-dead")
    with celery_worker(concurrency=1, queues="process", NEWSSIEVE_SITES=str(sites_file)):
        app.send_task(PROCESS_PAGE, args=[good.to_dict()])
        app.send_task(PROCESS_PAGE, args=[broken])
        wait_for(lambda: letters.count() == 2, what="two dead letters")

        listed = json.loads(cli("dead", "list", "--json"))
        by_url = {letter["args"][0]["url"]: letter for letter in listed}
        error = by_url[good.url]["error"]
        assert error.startswith("FileNotFoundError") and "sites.yaml" in error
        assert "html" in by_url[broken["url"]]["error"]
        for letter in listed:
            assert letter["task"] == PROCESS_PAGE and letter["task_id"]
            assert time.time() - letter["failed_at"] < 60
        shown = json.loads(cli("dead", "show", by_url[good.url]["id"]))
        assert shown["args"][0]["html"] == good.html
        assert by_url[good.url]["id"] in cli("dead", "list")

        snapshot = status.collect(include_workers=False)
        assert snapshot["dead_letters"]["count"] == 2 and snapshot["pipeline"]["failed"]["total"] == 2

        sites_file.write_text(SITES_YAML, encoding="utf-8")  # the operator fixes the cause ...
        assert cli("dead", "requeue", "--all").strip() == "requeued 2"  # ... and requeues
        stored = Keys(prefix).article(article_id(good.canonical_url))
        wait_for(lambda: client.exists(stored), what="the requeued page stored")
        # The page without HTML fails again: a new letter, with a new task id.
        again = wait_for(lambda: letters.list(), what="the broken page back in the dead letters")
        assert len(again) == 1 and again[0]["args"] == [broken]
        assert again[0]["id"] != by_url[broken["url"]]["id"]
        assert again[0]["task_id"] != by_url[broken["url"]]["task_id"]
        assert client.hget(stored, "title") == "Harbour reopens"

        # Over HTTP: requeueing needs the token, always.
        letter_id = again[0]["id"]
        with TestClient(create_app(token=None)) as api:
            assert api.post(f"/dead/{letter_id}/requeue").status_code == 403
        with TestClient(create_app(token="s3cret")) as api:
            assert api.post(f"/dead/{letter_id}/requeue").status_code == 401
            headers = {"Authorization": "Bearer s3cret"}
            assert api.post("/dead/0123456789ab/requeue", headers=headers).status_code == 404
            answer = api.post(f"/dead/{letter_id}/requeue", headers=headers)
            assert answer.status_code == 200 and answer.json()["requeued"] == letter_id
        wait_for(lambda: letters.count() == 1 and letters.list()[0]["id"] != letter_id,
                 what="the broken page failing a third time")
        assert status.collect(include_workers=False)["pipeline"]["failed"]["total"] == 4
    app.close()

    result = CliRunner().invoke(main, ["dead", "purge"], input="n\n")
    assert result.exit_code != 0 and letters.count() == 1  # asks first
    assert cli("dead", "purge", "--yes").strip() == "purged 1" and letters.count() == 0
    assert CliRunner().invoke(main, ["dead", "show", letter_id]).exit_code != 0


def test_a_dead_lettered_page_leaves_the_pending_pages_so_it_is_not_resent_forever(client, prefix, tmp_path,
                                                                                   monkeypatch):
    """The dead letter holds the page now; left pending, the resend would fail it again every 5 minutes."""
    sites_file = tmp_path / "sites.yaml"  # missing: storing the page fails for good
    monkeypatch.setenv("NEWSSIEVE_SITES", str(sites_file))
    url = "http://wire.test/news/pending-then-dead"
    page = Page(url=url, canonical_url=url, site="wire", html=article_html("Quay closes"),
                fetched_at=time.time())
    pending = PendingPages()
    with celery_worker(concurrency=1, queues="process", NEWSSIEVE_SITES=str(sites_file)):
        send_page(make_celery("test-dead"), page, pending)
        wait_for(lambda: DeadLetters(client, prefix).count() == 1, what="the dead letter")
        wait_for(lambda: pending.count() == 0, timeout=10, what="the page out of the pending pages")


def test_an_empty_dead_letter_list_says_so(client, prefix):
    result = CliRunner().invoke(main, ["dead", "list"])
    assert result.exit_code == 0 and result.output == "no dead letters\n"
    assert json.loads(CliRunner().invoke(main, ["dead", "list", "--json"]).output) == []
