"""Test fixtures on real components: the real Redis (or an embedded one) and real Celery workers.

Every test run writes under its own key prefix (`nstest-<run>:`), each test
that stores anything under a sub-prefix of it, and everything is deleted at the end.
"""

from __future__ import annotations

import os
import uuid

RUN_PREFIX = f"nstest-{uuid.uuid4().hex[:8]}:"
os.environ["NEWSSIEVE_PREFIX"] = RUN_PREFIX  # before anything reads the settings

import pytest  # noqa: E402

from newssieve.redis_conn import delete_prefix, get_client, redis_available, reset_caches  # noqa: E402


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
