"""Crawl locks and the run history of each site: `crawl:{site}:lock` and `crawl:{site}:runs`.

The lock is SET NX with an expiry, released only by the token that took it
(compare-and-delete), so a crawl that outlived its lock cannot free another's.
The history keeps the last HISTORY_LENGTH run summaries, newest first; a summary
starts as `run_summary()` builds it, whoever ends the run.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import redis

from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.keys import Keys

logger = logging.getLogger(__name__)

HISTORY_LENGTH = 50

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def run_summary(site: str, started: datetime, status: str, reason: str | None = None,
                **extra: Any) -> dict[str, Any]:
    """The summary of a crawl run, finished now, with the fields every summary has (zero counts)."""
    summary: dict[str, Any] = {
        "site": site,
        "started": iso(started),
        "finished": iso(now()),
        "status": status,
        "pages": 0,
        "articles_new": 0,
        "articles_known": 0,
        "errors": [],
    }
    if reason:
        summary["reason"] = reason
    summary.update(extra)
    return summary


class CrawlLock:
    """The per-site crawl lock: SET NX EX, released by compare-and-delete on the token."""

    def __init__(self, site: str, ttl: int | None = None, client: redis.Redis | None = None):
        self.key = Keys().crawl_lock(site)
        self.ttl = int(ttl or get_settings().crawl_lock_seconds)
        self.client = client or get_client()
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    @property
    def run_id(self) -> str:
        """The random part of the token: it names the run that holds the lock."""
        return self.token.rsplit(":", 1)[-1]

    def acquire(self) -> bool:
        value = json.dumps({"token": self.token, "since": iso(now())})
        return bool(self.client.set(self.key, value, nx=True, ex=self.ttl))

    def release(self) -> bool:
        current = self.client.get(self.key)
        if current is None:
            return False
        return bool(self.client.eval(_RELEASE, 1, self.key, current)) if self._mine(current) else False

    def _mine(self, value: str) -> bool:
        try:
            return json.loads(value).get("token") == self.token
        except ValueError:
            return False

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock now: {"token", "since", "expires_in"}, or None."""
        with self.client.pipeline() as pipe:
            pipe.get(self.key)
            pipe.ttl(self.key)
            value, ttl = pipe.execute()
        if value is None:
            return None
        try:
            info = json.loads(value)
        except ValueError:
            info = {"token": value}
        info["expires_in"] = ttl
        return info


def crawl_lock_holder(site: str) -> dict[str, Any] | None:
    return CrawlLock(site).holder()


def is_running(site: str, client: redis.Redis | None = None) -> bool:
    """A crawl of the site holds its lock now."""
    return bool((client or get_client()).exists(Keys().crawl_lock(site)))


def last_runs(site: str, n: int = 10) -> list[dict[str, Any]]:
    """The site's last `n` run summaries, newest first."""
    if n <= 0:
        return []
    raw = get_client().lrange(Keys().crawl_runs(site), 0, n - 1)
    runs = []
    for item in raw:
        try:
            runs.append(json.loads(item))
        except ValueError:
            logger.warning("unreadable run summary in %s", Keys().crawl_runs(site))
    return runs


def record_run(summary: dict[str, Any]) -> None:
    key = Keys().crawl_runs(summary["site"])
    with get_client().pipeline() as pipe:
        pipe.lpush(key, json.dumps(summary, default=str))
        pipe.ltrim(key, 0, HISTORY_LENGTH - 1)
        pipe.execute()
