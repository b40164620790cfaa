"""Clients on the same server as a given one, with a few options changed."""

from __future__ import annotations

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry


def client_like(client: redis.Redis, **overrides) -> redis.Redis:
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, **overrides}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs))


def probe_client(client: redis.Redis, timeout: float = 2.0) -> redis.Redis:
    """For health checks: one try with a short timeout (the default client retries for seconds)."""
    return client_like(client, retry=Retry(NoBackoff(), 0), socket_timeout=timeout,
                       socket_connect_timeout=timeout)
