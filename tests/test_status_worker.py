"""Status, metrics and logs with a real worker: a crawl caught while it runs, then its pages processed.

The feed of the crawled site answers only when the test lets it, so the worker is
seen running the crawl (its message taken, not yet acked; the site's lock held).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from newssieve.api.app import create_app
from newssieve.ops import status
from newssieve.ops.worker_procs import worker_command
from newssieve.settings import PROJECT_ROOT
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE, make_celery
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (pytest fixtures)
    crawl_env_fixture,
    rss,
    server_fixture,
)
from tests.test_dead_letters import wait_for
from tests.workers_helper import stop_worker

EXPECTED_PAGES = {"received": 2, "cleaned": 2, "duplicates_flagged": 1, "stored": 2, "failed": 0}
RECEIVED_LOGGER = "celery.worker.strategy"  # "Task ... received", in the worker's main process
BODY = "<p>The harbour reopened on Monday after the storm. " + "Boats came back to the quay. " * 30 + "</p>"


def metrics_of(text: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from Prometheus text."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def running_crawls() -> list[dict]:
    found, _ = status.workers(timeout=1.0)
    return [task for tasks in found.values() for task in tasks if task["task"] == CRAWL_SITE]


def test_a_running_crawl_then_its_pages_in_status_metrics_and_logs(crawl_env, server, tmp_path):
    release = threading.Event()
    server.html("/news/1.html", "Harbour reopens", BODY)
    server.html("/news/2.html", "Harbour reopens (wire copy)", BODY)  # same text: flagged as a duplicate
    feed = rss([(server.url("/news/1.html"), "1"), (server.url("/news/2.html"), "2")]).encode()
    server.route("/feed.xml", lambda _headers: feed if release.wait(60) else b"",
                 headers={"Content-Type": "application/rss+xml"})
    crawl_env.write_sites([{"name": "slow", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": ["/news/"]}])
    log_file = tmp_path / "worker.log"
    with log_file.open("wb") as stderr:
        command = worker_command(["-c", "1", "-l", "INFO", "--without-gossip", "--without-mingle",
                                  "-n", f"status-test-{os.getpid()}@%h"])
        worker = subprocess.Popen(command,
                                  cwd=PROJECT_ROOT, env=os.environ.copy(), stderr=stderr,
                                  stdout=subprocess.DEVNULL)
    app = make_celery("test-status-worker")
    try:
        app.send_task(CRAWL_SITE, args=["slow"])
        crawl = wait_for(running_crawls, what="the worker running the crawl")[0]
        assert "slow" in crawl["args"] and crawl["started"]

        snapshot = status.collect()
        assert snapshot["queues"]["crawl"] == {"waiting": 0, "unacked": 1}
        assert snapshot["sites"]["slow"]["running"] and snapshot["sites"]["slow"]["last_run"] is None
        api = TestClient(create_app())
        live = metrics_of(api.get("/metrics").text)
        assert live[("newssieve_crawl_running", (("site", "slow"),))] == 1
        assert live[("newssieve_queue_messages", (("queue", "crawl"), ("state", "unacked")))] == 1

        release.set()
        def settled() -> bool:
            queues = status.queues(crawl_env.redis, crawl_env.prefix)
            stored = status.collect(include_workers=False)["pipeline"]["stored"]["total"]
            return stored == 2 and not any(q["unacked"] for q in queues.values())

        wait_for(settled, what="both pages stored and every message acked")
        snapshot = status.collect()
        last = snapshot["sites"]["slow"]["last_run"]
        assert (last["status"], last["pages"], last["articles_new"]) == ("ok", 2, 2)
        assert not snapshot["sites"]["slow"]["running"]
        assert {name: c["total"] for name, c in snapshot["pipeline"].items()} == EXPECTED_PAGES
        assert snapshot["pipeline"]["stored"]["last_hour"] == 2
        assert list(snapshot["workers"].values()) == [[]]  # online and idle

        done = metrics_of(api.get("/metrics").text)
        for step, value in EXPECTED_PAGES.items():
            assert done[("newssieve_pipeline_pages_total", (("step", step),))] == value, step
        assert done[("newssieve_crawl_last_run_status", (("site", "slow"), ("status", "ok")))] == 1
        assert done[("newssieve_crawl_last_run_new_articles", (("site", "slow"),))] == 2
        assert done[("newssieve_crawl_last_run_duration_seconds", (("site", "slow"),))] > 0
        assert done[("newssieve_crawl_recent_runs", (("site", "slow"), ("status", "ok")))] == 1
        assert done[("newssieve_queue_messages", (("queue", "process"), ("state", "waiting")))] == 0
        assert done[("newssieve_dead_letters", ())] == 0 and done[("newssieve_redis_up", ())] == 1
    finally:
        release.set()
        app.close()
        stop_worker(worker)

    # Structured logs: the worker's stderr is not a terminal, so one JSON object per line. Celery's lines
    # about a task carry its id; every line logged while a task ran also carries its site (and page URL).
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.startswith("{")]
    celery_lines = [line for line in lines if line["logger"] in (RECEIVED_LOGGER, "celery.app.trace")]
    assert len(celery_lines) == 6, lines  # received and succeeded: the crawl and two pages
    assert all(line["task_id"] in line["msg"] for line in celery_lines)
    ran = [line for line in lines if line.get("task") and line["logger"] != RECEIVED_LOGGER]
    pages = [line for line in ran if line["task"] == PROCESS_PAGE]
    assert len(pages) == 4 and len({line["task_id"] for line in pages}) == 2  # "page ...", "succeeded" each
    urls = (server.url("/news/1.html"), server.url("/news/2.html"))
    for line in pages:
        assert line["site"] == "slow" and line["url"] in urls
    assert any(line["msg"].startswith("page ") and "duplicate" in line["msg"] for line in pages)
    crawling = [line for line in ran if line["task"] == CRAWL_SITE]
    assert len(crawling) == 2 and all(line["site"] == "slow" and line["task_id"] for line in crawling)
