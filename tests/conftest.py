"""Test fixtures on real components: the real Redis (or an embedded one) and real Celery workers.

Every test run (with `make test`, every one of its processes) writes under its own key prefix
(`nstest-<run>:`), each test that stores anything under a sub-prefix of it, and everything is deleted
at the end.

The broker is the store's Redis, or with NEWSSIEVE_TEST_BROKER=amqp (`--broker amqp`) a RabbitMQ
vhost of the run's own (tests/broker_support.py); the tests marked `broker` are the ones
`make test` runs a second time that way.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

RUN_PREFIX = f"nstest-{uuid.uuid4().hex[:8]}:"
os.environ["NEWSSIEVE_PREFIX"] = RUN_PREFIX  # before anything reads the settings
if worker := os.environ.get("PYTEST_XDIST_WORKER"):  # one of `make test`'s processes (pytest-xdist)
    # run files of its own: above all an embedded Redis's data directory, which two servers cannot share
    root = Path(__file__).resolve().parents[1]
    os.environ.setdefault("NEWSSIEVE_VAR_DIR", str(root / "var" / f"test-{worker}"))

import pytest  # noqa: E402

from newssieve.redis_conn import delete_prefix, get_client, redis_available, reset_caches  # noqa: E402
from tests import broker_support  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--broker", choices=("redis", "amqp"), default=None,
                     help="Celery broker of the tests: redis (default) or amqp, a RabbitMQ "
                          "(NEWSSIEVE_TEST_BROKER says the same; NEWSSIEVE_TEST_AMQP_URL where it is).")


def pytest_configure(config):
    config.addinivalue_line("markers", "broker: exercises the Celery broker; `make test` runs it against "
                                       "Redis, then again against RabbitMQ")
    config.addinivalue_line("markers", "redis_broker: needs kombu's Redis transport (not run on RabbitMQ)")
    config.addinivalue_line("markers", "amqp_broker: needs RabbitMQ (run by the RabbitMQ pass only)")
    amqp = broker_support.chosen_broker(config.getoption("--broker")) == "amqp"
    if amqp and broker_support.SESSION is None:
        try:
            broker_support.SESSION = broker_support.AmqpTestBroker.start(RUN_PREFIX.strip(":"))
        except RuntimeError as exc:
            pytest.exit(str(exc), returncode=3)
        os.environ["NEWSSIEVE_BROKER_URL"] = broker_support.SESSION.url
        reset_caches()


def pytest_unconfigure(config):
    if broker_support.SESSION is not None:
        broker_support.SESSION.close()
        broker_support.SESSION = None


def pytest_collection_modifyitems(config, items):
    """A test about one broker is deselected (not skipped) in the other broker's pass: `make test`
    runs each in the pass whose broker it is about."""
    other = "redis_broker" if broker_support.SESSION is not None else "amqp_broker"
    deselected = [item for item in items if other in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if other not in item.keywords]


@pytest.fixture(autouse=True)
def _amqp_queues_empty():
    """Against RabbitMQ, every test starts with both queues empty (with Redis, its own prefix does it)."""
    if broker_support.SESSION is not None:
        broker_support.SESSION.purge()
    yield


@pytest.fixture(scope="session", autouse=True)
def redis_url():
    with redis_available() as url:
        yield url
        delete_prefix(get_client(), RUN_PREFIX)


def new_prefix() -> str:
    return f"{RUN_PREFIX}{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def prefix(monkeypatch) -> str:
    """A fresh key prefix for one test, made the process-wide setting, wiped afterwards."""
    value = new_prefix()
    monkeypatch.setenv("NEWSSIEVE_PREFIX", value)
    reset_caches()
    yield value
    delete_prefix(get_client(), value)
    monkeypatch.undo()
    reset_caches()


@pytest.fixture
def client(prefix):
    return get_client()
