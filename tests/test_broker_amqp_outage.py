"""RabbitMQ goes away while pages are being processed: restarted, or every connection dropped.

Run against RabbitMQ only (`make test`'s second pass, NEWSSIEVE_TEST_BROKER=amqp). The restart
is of a RabbitMQ node of the test's own (its own node name, ports, data and cookie: the machine's
RabbitMQ is shared and never restarted); the connection drop closes every connection to the
session's own vhost on the machine's RabbitMQ (`rabbitmqctl close_all_connections -p VHOST`).

What differs from the Redis outage (test_reliability_redis_outage.py): nothing is lost between
taking a message and recording it (a delivery is unacknowledged from the moment it is sent), so
the outage may hit at any instant; an ack that could not be sent (its channel was gone) brings the
page back at once after the reconnect, processed again harmlessly.
"""

from __future__ import annotations

import time

import pytest

from newssieve.ops.broker import queue_state
from newssieve.ops.drain import queue_depth, unacked
from newssieve.redis_conn import get_client, reset_caches
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from tests import broker_support
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import (
    assert_exactly_once,
    logged_worker,
    missing_pages,
    send_pages,
    stored_count,
    wait_for,
)

pytestmark = [pytest.mark.broker, pytest.mark.amqp_broker]
PAGES = 240


@pytest.fixture
def rabbit(tmp_path, monkeypatch, prefix):
    """A RabbitMQ node of the test's own, made the broker of this process and the workers it starts."""
    missing = broker_support.private_rabbit_missing()
    if missing:
        pytest.fail(f"cannot start a RabbitMQ node of the test's own: {missing} (Debian's rabbitmq-server)")
    node = broker_support.PrivateRabbit(tmp_path / "rabbit")
    node.start()
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", node.url)
    reset_caches()
    try:
        yield node
    finally:
        node.close()
        monkeypatch.undo()
        reset_caches()


def settled(client, prefix, node) -> bool:
    try:
        return stored_count(client, prefix) == PAGES and node.counts()["process"] == (0, 0)
    except OSError:  # the management API is not up yet
        return False


def test_rabbitmq_restarted_mid_batch_every_page_is_stored_once(rabbit, tmp_path, prefix):
    client = get_client()
    pages = synthetic_pages(PAGES, seed=31, run="amqp-restart/", long_share=0.33)
    send_pages(pages)
    assert queue_depth(client, prefix) == PAGES
    log = tmp_path / "worker.log"
    with logged_worker(log, concurrency=2) as worker:
        # The worker says what it holds unacknowledged (AMQP does not tell it). Asked before the batch is a
        # sixth done, not after: the answer is a broadcast of about a second, in which the worker may finish
        # the batch.
        assert wait_for(lambda: (unacked(client, prefix) or 0) > 0, 90, 0.05), "nothing in flight"
        assert wait_for(lambda: stored_count(client, prefix) >= PAGES // 6, 90, 0.02), "no worker"
        at_outage = stored_count(client, prefix)
        rabbit.stop()
        down = queue_state()
        assert down.depths == {} and "cannot read the queues from RabbitMQ" in down.problem
        time.sleep(3)
        rabbit.start()
        assert wait_for(lambda: settled(client, prefix, rabbit), 180, 0.5), (
            missing_pages(client, prefix, pages)[:5], rabbit.counts(), DeadLetters(client, prefix).list())
        assert worker.poll() is None, "the worker died in the outage"
    text = log.read_text(errors="replace")
    print("restart: stored at outage", at_outage)
    assert at_outage < PAGES - 60, "the outage did not hit the batch"
    assert "Connection to broker lost" in text, "the worker did not notice the restart"
    assert_exactly_once(client, prefix, pages)
    assert DeadLetters(client, prefix).count() == 0


def test_every_connection_dropped_mid_batch_every_page_is_stored_once(tmp_path, prefix):
    """The session's vhost on the machine's RabbitMQ: all its connections closed twice, mid-batch."""
    session = broker_support.session_broker()
    if not session.own_vhost:
        pytest.fail("closing the connections needs rabbitmqctl and a vhost of the run's own; with "
                    "NEWSSIEVE_TEST_AMQP_URL naming another RabbitMQ, run it where rabbitmqctl reaches that")
    client = get_client()
    pages = synthetic_pages(PAGES, seed=32, run="amqp-drop/", long_share=0.33)
    send_pages(pages)
    log = tmp_path / "worker.log"
    with logged_worker(log, concurrency=2) as worker:
        for share in (6, 2):
            assert wait_for(lambda s=share: stored_count(client, prefix) >= PAGES // s, 120, 0.02)
            session.close_connections()
        at_last_drop = stored_count(client, prefix)
        done = lambda: stored_count(client, prefix) == PAGES and session.counts()["process"] == (0, 0)  # noqa: E731
        assert wait_for(done, 180, 0.5), (missing_pages(client, prefix, pages)[:5], session.counts())
        assert worker.poll() is None, "the worker died when its connection was dropped"
    assert at_last_drop < PAGES, "the drops did not hit the batch"
    assert "Connection to broker lost" in log.read_text(errors="replace")
    assert_exactly_once(client, prefix, pages)
    assert DeadLetters(client, prefix).count() == 0
    assert get_settings().prefix == prefix
