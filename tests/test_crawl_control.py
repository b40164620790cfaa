"""Crawl control over the API: crawl a site now and stop a running crawl (token only), each run's own
log kept (the last LOGS_KEPT per site) and served as text, path-safe. A real Celery worker runs the crawl
against a real site on 127.0.0.1."""

from __future__ import annotations

import os
import time

from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.ops.crawl_logs import LOGS_KEPT, find_run_log, logs_dir, run_log_path
from newssieve.store.crawl_runs import is_running, last_runs
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (the *_fixture names are pytest fixtures)
    crawl_env_fixture,
    server_fixture,
)
from tests.test_crawl_runs import feed_site, slow_site
from tests.test_dead_letters import wait_for
from tests.workers_helper import celery_worker

TOKEN = "control-token-1"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_without_a_token_configured_or_given_nothing_can_be_started_or_stopped(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 1)])
    read_only = TestClient(create_app())
    for path in ("/sites/fx/crawl", "/sites/fx/cancel", "/dead/requeue"):
        assert read_only.post(path).status_code == 403
    guarded = TestClient(create_app(token=TOKEN))
    assert guarded.post("/sites/fx/crawl").status_code == 401
    assert guarded.post("/sites/fx/crawl", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert crawl_env.redis.llen(f"{crawl_env.prefix}crawl") == 0  # nothing was queued


def test_crawl_now_then_stop_it_from_the_api_and_read_its_log(crawl_env, server):
    off = feed_site(server, 1, name="off", enabled=False)
    crawl_env.write_sites([slow_site(server, pages=30, delay=0.5), off])
    api = TestClient(create_app(token=TOKEN))
    assert api.post("/sites/nosuch/crawl", headers=AUTH).status_code == 404
    assert api.post("/sites/off/crawl", headers=AUTH).status_code == 409
    assert api.post("/sites/fx/cancel", headers=AUTH).json()["detail"] == "no crawl of fx is running"

    with celery_worker(concurrency=1, queues="crawl"):
        started = api.post("/sites/fx/crawl", headers=AUTH)
        assert started.status_code == 202 and started.json()["site"] == "fx" and started.json()["task_id"]
        wait_for(lambda: is_running("fx") and any(path.startswith("/news/") for path in server.hits), 60)
        assert api.post("/sites/fx/crawl", headers=AUTH).status_code == 409  # one crawl of a site at a time
        stopped = api.post("/sites/fx/cancel", headers=AUTH)
        assert stopped.status_code == 202
        run_id = stopped.json()["run_id"]
        wait_for(lambda: last_runs("fx", 1) and last_runs("fx", 1)[0]["run_id"] == run_id, 30)
    run = last_runs("fx", 1)[0]
    assert run["status"] == "cancelled" and run["reason"] == "cancelled by an operator", run
    assert 0 < run["pages"] < 30 and not is_running("fx")

    log = api.get(f"/crawl-runs/fx/{run_id}/log", headers=AUTH)
    assert log.status_code == 200 and log.headers["content-type"].startswith("text/plain")
    assert "Spider opened" in log.text and run["log"].endswith(f"crawl/fx/{run_id}.log")
    assert api.get(f"/crawl-runs/fx/{'0' * 32}/log", headers=AUTH).status_code == 404
    for bad in ("/crawl-runs/fx/..%2F..%2Fsecret/log", f"/crawl-runs/..%2Fetc/{run_id}/log",
                f"/crawl-runs/FX/{run_id}/log", f"/crawl-runs/fx/{run_id.upper()}/log"):
        assert api.get(bad, headers=AUTH).status_code in (404, 422), bad


def test_each_run_keeps_its_own_log_and_only_the_last_ones_are_kept(crawl_env):
    paths = []
    for n in range(LOGS_KEPT + 5):
        path = run_log_path("fx", f"{n:032x}")
        path.write_text(f"run {n}\n", encoding="utf-8")
        os.utime(path, (time.time() - 1000 + n, time.time() - 1000 + n))
        paths.append(path)
    kept = sorted(p.name for p in (logs_dir() / "fx").glob("*.log"))
    assert kept == sorted(p.name for p in paths[-LOGS_KEPT:])
    assert find_run_log("fx", f"{LOGS_KEPT + 4:032x}").read_text() == f"run {LOGS_KEPT + 4}\n"
    assert find_run_log("fx", f"{0:032x}") is None  # pruned
    (logs_dir() / "secret.log").write_text("no", encoding="utf-8")
    assert find_run_log("..", "secret") is None and find_run_log("fx/..", f"{0:032x}") is None
