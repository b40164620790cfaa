"""/metrics reads Redis at scrape time: all API processes show the same numbers; an outage is a metric."""

from __future__ import annotations

import redis
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest

from newssieve.api.app import create_app
from newssieve.ops.metrics import PipelineCollector
from newssieve.redis_conn import probe_client
from newssieve.store.crawl_runs import record_run
from newssieve.store.deadletters import DeadLetters
from newssieve.store.stats import Count, Stage, Stats
from tests.feeds_helper import free_port, use_sites_file
from tests.test_status_worker import metrics_of


def run(status: str, finished: str, **numbers) -> dict:
    return {"site": "wire", "started": finished, "finished": finished, "status": status, "pages": 0,
            "articles_new": 0, "articles_known": 0, "errors": [], **numbers}


def without_memory(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("newssieve_redis_used_memory"))


def test_every_api_process_reports_the_same_numbers_from_redis(client, prefix, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    record_run(run("ok", "2026-11-25T09:00:00+00:00", pages=10, articles_new=4, duration=12.5))
    record_run(run("failed", "2026-11-25T10:00:00+00:00", pages=3, errors_total=3, duration=2.0))
    DeadLetters(client, prefix).add("newssieve.process_page", [{"url": "http://wire.test/x"}], "KeyError")
    Stats(client, prefix).record(Stage.RECEIVED, {Count.SEEN: 5})
    Stats(client, prefix).record(Stage.DEDUP, {Count.SEEN: 4, Count.KEPT: 3, Count.DUPLICATES: 1})

    first, second = TestClient(create_app()), TestClient(create_app())  # as two API processes would
    answer = first.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain;")
    # The same, except Redis's memory, which moves with every command the server runs.
    assert without_memory(answer.text) == without_memory(second.get("/metrics").text)
    numbers = metrics_of(answer.text)
    assert numbers[("newssieve_dead_letters", ())] == 1
    assert numbers[("newssieve_pipeline_pages_total", (("step", "received"),))] == 5
    assert numbers[("newssieve_pipeline_pages_total", (("step", "duplicates_flagged"),))] == 1
    assert numbers[("newssieve_stage_events_total", (("counter", "kept"), ("stage", "dedup")))] == 3
    wire = (("site", "wire"),)
    assert numbers[("newssieve_crawl_last_run_status", (("site", "wire"), ("status", "failed")))] == 1
    assert ("newssieve_crawl_last_run_status", (("site", "wire"), ("status", "ok"))) not in numbers
    assert numbers[("newssieve_crawl_last_run_errors", wire)] == 3
    assert numbers[("newssieve_crawl_last_run_duration_seconds", wire)] == 2.0
    assert numbers[("newssieve_crawl_last_run_finished_timestamp_seconds", wire)] == 1795600800
    assert numbers[("newssieve_crawl_recent_runs", (("site", "wire"), ("status", "ok")))] == 1
    assert ("newssieve_crawl_last_run_pages", (("site", "gazette"),)) not in numbers  # never crawled
    assert numbers[("newssieve_crawl_running", (("site", "gazette"),))] == 0

    Stats(client, prefix).record(Stage.RECEIVED, {Count.SEEN: 1})  # a worker elsewhere processes a page
    received = ("newssieve_pipeline_pages_total", (("step", "received"),))
    assert metrics_of(second.get("/metrics").text)[received] == 6
    openmetrics = second.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.endswith("# EOF\n")


def test_unreachable_redis_is_reported_as_a_metric(prefix):
    registry = CollectorRegistry(auto_describe=False)
    gone = probe_client(redis.Redis(port=free_port()), timeout=0.5)  # nothing listens there
    registry.register(PipelineCollector(gone, prefix))
    assert metrics_of(generate_latest(registry).decode()) == {("newssieve_redis_up", ()): 0}
