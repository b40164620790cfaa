"""Queue depths on either broker: what `status`, `/status.json` and `/metrics` show, and a broker away.

Marked `broker`: `make test` runs these against Redis and again against RabbitMQ, where AMQP tells
the waiting messages (a passive queue.declare) but not the unacknowledged ones: `/metrics` leaves
them out, `status` asks the workers what they hold.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from newssieve.api.app import create_app
from newssieve.cli import main
from newssieve.ops import status
from newssieve.ops.broker import broker_kind, queue_depths, queue_state
from newssieve.ops.drain import idle, queue_depth
from newssieve.redis_conn import reset_caches
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE, celery_config, make_celery
from tests import broker_support

pytestmark = pytest.mark.broker


def enqueue(process: int, crawl: int) -> None:
    app = make_celery("test-broker-depths")
    try:
        for n in range(process):
            app.send_task(PROCESS_PAGE, args=[{"url": f"http://x.test/{n}"}])
        for _ in range(crawl):
            app.send_task(CRAWL_SITE, args=["example-wire"])
    finally:
        app.close()


def expected(waiting: dict[str, int], workers_asked: bool = False) -> dict[str, dict[str, int]]:
    """What the broker tells for messages nobody took: RabbitMQ leaves "unacked" out unless the workers
    were asked (none runs here: none holds anything)."""
    if broker_support.on_amqp() and not workers_asked:
        return {q: {"waiting": n} for q, n in waiting.items()}
    return {q: {"waiting": n, "unacked": 0} for q, n in waiting.items()}


def test_depths_of_both_queues_in_status_json_cli_and_metrics(client, prefix):
    assert broker_kind() == ("amqp" if broker_support.on_amqp() else "redis")
    assert queue_depths() == expected({"crawl": 0, "process": 0})
    enqueue(process=3, crawl=1)
    assert queue_depths() == expected({"crawl": 1, "process": 3})
    assert queue_depth(client, prefix) == 3 and not idle(client, prefix)

    snapshot = status.collect(timeout=0.3)
    assert snapshot["queues"] == expected({"crawl": 1, "process": 3}, workers_asked=True)
    assert snapshot["problems"] == []
    assert status.collect(include_workers=False)["queues"] == expected({"crawl": 1, "process": 3})

    as_json = CliRunner().invoke(main, ["status", "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["queues"] == expected({"crawl": 1, "process": 3}, workers_asked=True)
    table = CliRunner().invoke(main, ["status"], terminal_width=160)
    row = next(line for line in table.output.splitlines() if "│ process" in line)
    assert [cell.strip() for cell in row.split("│")[1:4]] == ["process", "3", "0"]

    api = TestClient(create_app())
    shown = api.get("/status.json").json()["queues"]
    assert shown == expected({"crawl": 1, "process": 3}, workers_asked=True)
    samples = {(s.labels["queue"], s.labels["state"]): s.value
               for family in text_string_to_metric_families(api.get("/metrics").text)
               if family.name == "newssieve_queue_messages" for s in family.samples}
    assert samples[("crawl", "waiting")] == 1 and samples[("process", "waiting")] == 3
    assert (("process", "unacked") in samples) == (not broker_support.on_amqp())


def test_a_broker_that_does_not_answer_is_a_problem_not_an_error(prefix, monkeypatch):
    """RabbitMQ (or a Redis broker apart from the store) away: status says so, /metrics still answers."""
    away = "amqp://guest:guest@127.0.0.1:1//" if broker_support.on_amqp() else "redis://127.0.0.1:1/0"
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", away)
    monkeypatch.setenv("NEWSSIEVE_BROKER_TIMEOUT", "1")
    reset_caches()
    state = queue_state()
    assert state.depths == {} and "cannot read the queues" in state.problem
    snapshot = status.collect(include_workers=False)
    assert snapshot["queues"] == {} and any("cannot read the queues" in p for p in snapshot["problems"])
    metrics = TestClient(create_app()).get("/metrics")
    assert metrics.status_code == 200 and "newssieve_queue_messages" in metrics.text


def test_rabbitmq_config_confirms_publishes_and_acks_crawls_when_they_start(monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    reset_caches()
    try:
        config = celery_config()
        assert config["broker_transport_options"]["confirm_publish"] is True
        assert "global_keyprefix" not in config["broker_transport_options"]
        assert config["task_annotations"] == {CRAWL_SITE: {"acks_late": False}}
        assert config["task_acks_late"] is True  # pages: acknowledged once stored
        assert [q.name for q in config["task_queues"]] == ["crawl", "process"]
    finally:
        monkeypatch.undo()
        reset_caches()
    config = celery_config()
    if not broker_support.on_amqp():
        assert config["broker_transport_options"]["global_keyprefix"]
        assert "task_annotations" not in config
