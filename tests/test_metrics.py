"""/metrics reads Redis at scrape time: all API processes show the same numbers; an outage is a metric."""

from __future__ import annotations

import math
import time

import redis
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, generate_latest

from newssieve.api.app import create_app
from newssieve.ops.metrics import PipelineCollector
from newssieve.redis_conn import probe_client
from newssieve.store.crawl_runs import record_run
from newssieve.store.deadletters import DeadLetters
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import PROCESS_PAGE, make_celery
from tests.feeds_helper import free_port, story, use_sites_file
from tests.metrics_helper import page
from tests.test_status_worker import metrics_of
from tests.workers_helper import celery_worker
from workers.process import PageProcessor


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


def test_site_counters_latency_histograms_and_memory_from_real_pages(client, prefix, tmp_path, monkeypatch):
    """Pages through the worker's PageProcessor: each site's counters, the fetch-to-stored and per-stage
    histograms as Prometheus histograms, Redis memory per article; an odd site name is escaped."""
    use_sites_file(tmp_path, monkeypatch)
    processor, now = PageProcessor(), time.time()
    odd = 'the "wire"\\east\nside'
    processor.process(page("wire", "flood", story(1), now - 30))
    processor.process(page("gazette", "flood-copy", story(1)[:6], now - 5))
    processor.process(page("gazette", "rail", story(2), now - 2))
    processor.process(page(odd, "vote", story(3), now - 1))

    text = TestClient(create_app()).get("/metrics").text
    numbers = metrics_of(text)
    assert 'site="the \\"wire\\"\\\\east\\nside"' in text  # escaped as the exposition format says
    for site, pages, duplicates in (("wire", 1, 0), ("gazette", 2, 1), (odd, 1, 0)):
        label = (("site", site),)
        assert numbers[("newssieve_site_pages_total", label)] == pages
        assert numbers[("newssieve_site_stored_total", label)] == pages
        assert numbers[("newssieve_site_duplicates_total", label)] == duplicates
        assert numbers[("newssieve_site_errors_total", label)] == 0

    end_to_end = histogram(numbers, "newssieve_fetch_to_stored_seconds")
    assert end_to_end["count"] == 4 and end_to_end["buckets"][-1] == (math.inf, 4)
    assert 30 <= end_to_end["sum"] < 30 + 5 + 2 + 1 + 60  # the fetched_at ages above, plus the time taken
    counts = [count for _, count in end_to_end["buckets"]]
    assert counts == sorted(counts)  # cumulative
    for stage in ("clean", "dedup", "store"):
        histogram_of_stage = histogram(numbers, "newssieve_stage_duration_seconds", stage=stage)
        assert histogram_of_stage["count"] == 4 and 0 < histogram_of_stage["sum"] < 60, stage

    articles = numbers[("newssieve_articles_stored", ())]
    assert articles == 4
    used = numbers[("newssieve_redis_used_memory_bytes", ())]
    assert numbers[("newssieve_redis_memory_per_article_bytes", ())] == used / articles


def histogram(numbers: dict, name: str, **labels: str) -> dict:
    """{"buckets": [(le, cumulative count)], "sum", "count"} of one histogram in metrics_of's numbers."""
    wanted = tuple(sorted(labels.items()))
    buckets = sorted((float(dict(key)["le"]), value) for (sample, key), value in numbers.items()
                     if sample == f"{name}_bucket" and tuple(p for p in key if p[0] != "le") == wanted)
    return {"buckets": buckets, "sum": numbers[(f"{name}_sum", wanted)],
            "count": numbers[(f"{name}_count", wanted)]}


def test_a_real_worker_counts_each_sites_pages_and_errors(client, prefix, tmp_path, monkeypatch):
    """A Celery worker stores one page of `wire` and fails one for good: /metrics counts both for wire."""
    sites_file = use_sites_file(tmp_path, monkeypatch)
    good = page("wire", "harbour", story(4), time.time() - 3)
    broken = {"url": "http://news.test/no-html", "canonical_url": "http://news.test/no-html", "site": "wire"}
    app, api = make_celery("test-metrics"), TestClient(create_app())
    wire = (("site", "wire"),)
    with celery_worker(concurrency=1, queues="process", NEWSSIEVE_SITES=sites_file,
                       NEWSSIEVE_TRANSLATION_MATCHING="false"):
        app.send_task(PROCESS_PAGE, args=[good.to_dict()])
        app.send_task(PROCESS_PAGE, args=[broken])
        deadline = time.monotonic() + 90
        while True:
            numbers = metrics_of(api.get("/metrics").text)
            if numbers.get(("newssieve_site_errors_total", wire)) and numbers.get(
                    ("newssieve_fetch_to_stored_seconds_count", ())):
                break
            assert time.monotonic() < deadline, "the worker's counts did not reach /metrics"
            time.sleep(0.5)
    app.close()
    numbers = metrics_of(api.get("/metrics").text)
    assert numbers[("newssieve_site_errors_total", wire)] == 1
    assert numbers[("newssieve_site_stored_total", wire)] == 1
    assert numbers[("newssieve_fetch_to_stored_seconds_count", ())] == 1
    assert 3 <= numbers[("newssieve_fetch_to_stored_seconds_sum", ())] < 90
    assert numbers[("newssieve_dead_letters", ())] == 1
