"""Flower under `newssieve up` shows both queues, both workers and every task, a CLI crawl included.

A real `newssieve up` (Flower started beside the workers, as users run it) and a real
`newssieve crawl` from the command line against a local site; Flower's HTTP API and Broker page
are read as a user's browser or script would. Marked `broker`: `make test` runs it against
Redis (kombu's keys under the newssieve prefix) and again against RabbitMQ (no management API:
the queue lengths come over AMQP, newssieve.ops.flower).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from newssieve.settings import PROJECT_ROOT
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE
from tests.feeds_helper import free_port
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (pytest fixtures)
    crawl_env_fixture,
    rss,
    server_fixture,
)
from tests.reliability_support import wait_for

pytestmark = pytest.mark.broker
AUTH = ("admin", "flower-test-password")
BODY = "<p>The harbour reopened on Monday after the storm. " + "Boats came back to the quay. " * 30 + "</p>"


def get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    request.add_header("Authorization", "Basic " + base64.b64encode(":".join(AUTH).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except OSError:
        return 0, b""


def api(flower: str, path: str):
    status, body = get(flower + path)
    return json.loads(body) if status == 200 and body else None


@pytest.fixture
def running_up(crawl_env, server, tmp_path, monkeypatch):
    """`newssieve up` with Flower on a free port and a one-site sites file (never scheduled)."""
    server.html("/news/1.html", "Harbour reopens", BODY)
    server.html("/news/2.html", "Storm passes", BODY.replace("harbour", "valley"))
    server.route("/feed.xml", rss([(server.url("/news/1.html"), "1"), (server.url("/news/2.html"), "2")]),
                 headers={"Content-Type": "application/rss+xml"})
    crawl_env.write_sites([{"name": "harbour", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": ["/news/"], "schedule": "0 0 1 1 *"}])
    monkeypatch.setenv("NEWSSIEVE_FLOWER_PASSWORD", AUTH[1])
    port, flower_port = free_port(), free_port()
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "newssieve", "up", "--port", str(port), "--workers", "1",
                   "--flower-port", str(flower_port), "--log-level", "WARNING", "--grace", "20"]
        proc = subprocess.Popen(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    flower = f"http://127.0.0.1:{flower_port}"
    try:
        wait_for(lambda: get(flower + "/healthcheck")[0] == 200 or proc.poll() is not None, 90, 0.2)
        assert proc.poll() is None, log.read_text()
        yield flower, log
    finally:
        proc.terminate()
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_flower_shows_both_queues_both_workers_and_every_task_a_cli_crawl_included(running_up, crawl_env):
    flower, log = running_up
    # Both queues at once, before any worker answered Flower (they are declared in the Celery config).
    lengths = api(flower, "/api/queues/length")
    assert lengths is not None, log.read_text()[-3000:]
    assert sorted(q["name"] for q in lengths["active_queues"]) == ["crawl", "process"]

    # Both workers, although Flower asked who is there before they were up.
    def workers() -> dict:
        found = api(flower, "/api/workers") or {}
        return {name.split("-")[0]: sorted(q["name"] for q in info.get("active_queues") or [])
                for name, info in found.items()}
    assert wait_for(lambda: workers() == {"crawl": ["crawl"], "process": ["process"]}, 60, 0.5), workers()
    broker_page = get(flower + "/broker")
    assert broker_page[0] == 200
    assert b">crawl<" in broker_page[1] and b">process<" in broker_page[1]

    # A crawl from the command line, and the pages it hands to the worker.
    crawl = subprocess.run([sys.executable, "-m", "newssieve", "crawl", "harbour", "--json"],
                           cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    assert json.loads(crawl.stdout)["status"] == "ok"

    def tasks() -> dict[str, list[dict]]:
        found = api(flower, "/api/tasks") or {}
        out: dict[str, list[dict]] = {}
        for task in found.values():
            out.setdefault(task["name"], []).append(task)
        return out

    def all_shown() -> bool:
        shown = tasks()
        crawls = [t for t in shown.get(CRAWL_SITE, []) if t["state"] == "SUCCESS"]
        pages = [t for t in shown.get(PROCESS_PAGE, []) if t["state"] == "SUCCESS"]
        return len(crawls) == 1 and len(pages) == 2
    assert wait_for(all_shown, 60, 0.5), tasks()
    crawl_task = tasks()[CRAWL_SITE][0]
    assert crawl_task["worker"].startswith("cli-") and "harbour" in crawl_task["args"]
    assert all(t["worker"].startswith("process-") for t in tasks()[PROCESS_PAGE])
