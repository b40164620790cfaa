"""The crawler's Redis state: which articles are stored, and HTTP validators of listing documents.

Inside the crawl (the reactor's asyncio loop) Redis is reached through
`redis.asyncio`, so a lookup never blocks the reactor. Validators (ETag,
Last-Modified, and the child URLs of a sitemap index or robots.txt) are
written once, at the end of a run that finished, and only for documents
whose every listed page was dealt with: a page that failed for a reason
worth retrying makes its listing document be read in full next time.
"""

from __future__ import annotations

import json
import logging
import time

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster as AsyncRedisCluster

from newssieve.redis_conn import get_client, node_url, redis_url
from newssieve.settings import get_settings
from newssieve.store.articles import is_stored, stored_urls
from newssieve.store.keys import Keys

logger = logging.getLogger(__name__)

VALIDATOR_TTL = 30 * 24 * 3600


_async_clients: dict[int, aioredis.Redis] = {}


def async_client() -> aioredis.Redis:
    """One asyncio client per event loop (the crawl has exactly one)."""
    import asyncio

    loop_id = id(asyncio.get_running_loop())
    client = _async_clients.get(loop_id)
    if client is None:
        settings = get_settings()
        timeout = settings.broker_timeout
        kind = AsyncRedisCluster if settings.redis_cluster else aioredis.Redis
        client = kind.from_url(node_url(redis_url()), decode_responses=True, socket_timeout=timeout,
                               socket_connect_timeout=timeout)
        _async_clients[loop_id] = client
    return client


async def article_stored(canonical_url: str) -> bool:
    """Whether the article of a canonical URL is already stored (the known-article checks)."""
    return await is_stored(async_client(), canonical_url)


class ValidatorStore:
    def __init__(self, prefix: str | None = None):
        self.keys = Keys(prefix)
        self.pending: dict[str, dict[str, str]] = {}
        self.forgotten: set[str] = set()

    async def get(self, url: str) -> dict[str, str]:
        return await async_client().hgetall(self.keys.http(url))

    def remember(self, url: str, headers: dict[str, str], links: list[str] | None = None) -> None:
        """Keep this document's validators, to be written if the run ends well."""
        record = {"url": url, "fetched_at": f"{time.time():.0f}"}
        if headers.get("etag"):
            record["etag"] = headers["etag"]
        if headers.get("last-modified"):
            record["last_modified"] = headers["last-modified"]
        if links is not None:
            record["links"] = json.dumps(links)
        self.pending[url] = record

    def forget(self, url: str | None) -> None:
        """Read this document in full next time (a page it listed was not dealt with)."""
        if url:
            self.forgotten.add(url)

    def flush(self, finished: bool, client: redis.Redis | None = None) -> dict[str, int]:
        client = client or get_client()
        saved = dropped = 0
        with client.pipeline(transaction=False) as pipe:
            for url, record in self.pending.items():
                key = self.keys.http(url)
                if not finished or url in self.forgotten:
                    pipe.delete(key)
                    dropped += 1
                elif "etag" in record or "last_modified" in record:
                    pipe.delete(key)
                    pipe.hset(key, mapping=record)
                    pipe.expire(key, VALIDATOR_TTL)
                    saved += 1
                else:
                    pipe.delete(key)
            for url in self.forgotten - self.pending.keys():
                pipe.delete(self.keys.http(url))
                dropped += 1
            pipe.execute()
        return {"saved": saved, "dropped": dropped}


async def stored_among(canonical_urls: list[str]) -> set[str]:
    """Which of these canonical URLs have their article stored (a listing's candidates, a batch at a
    time, in one round trip)."""
    return await stored_urls(async_client(), canonical_urls)
