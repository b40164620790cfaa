"""Crawl locks, cancel requests and the run history of each site: `crawl:{site}:lock`, `:cancel`, `:runs`.

The lock is SET NX with an expiry, released only by the token that took it
(compare-and-delete), so a crawl that outlived its lock cannot free another's.
The history keeps the last HISTORY_LENGTH run summaries, newest first; a summary
starts as `run_summary()` builds it, whoever ends the run. A stored summary that is
not one (not a JSON object, a time that is not ISO 8601, a count that is not a
number) is skipped and reported (store/data_errors.py), as is a history key of the
wrong type.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

import redis

from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.data_errors import DataErrors
from newssieve.store.keys import Keys

HISTORY_LENGTH = 50
TIME_FIELDS = ("started", "finished")
TEXT_FIELDS = ("site", "status", "reason")
NUMBER_FIELDS = ("pages", "articles_new", "articles_known", "errors_total", "duration")

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


def running_run_id(site: str) -> str | None:
    """The run id of the crawl of `site` holding the lock now; None when none does."""
    holder = crawl_lock_holder(site) or {}
    token = holder.get("token")
    return token.rsplit(":", 1)[-1] if isinstance(token, str) and ":" in token else None


def request_cancel(site: str) -> str | None:
    """Ask the running crawl of `site` to stop (its runner polls `cancel_requested`); its run id, or None
    when no crawl runs. The request names the run, so it cannot stop a later one; it expires with the lock."""
    run_id = running_run_id(site)
    if run_id is not None:
        ttl = max(1, int(get_settings().crawl_lock_seconds))
        get_client().set(Keys().crawl_cancel(site), run_id, ex=ttl)
    return run_id


def cancel_requested(site: str, run_id: str, client: redis.Redis | None = None) -> bool:
    return (client or get_client()).get(Keys().crawl_cancel(site)) == run_id


def is_running(site: str, client: redis.Redis | None = None) -> bool:
    """A crawl of the site holds its lock now."""
    return bool((client or get_client()).exists(Keys().crawl_lock(site)))


def last_runs(site: str, n: int = 10) -> list[dict[str, Any]]:
    """The site's last `n` run summaries, newest first."""
    if n <= 0:
        return []
    key, errors = Keys().crawl_runs(site), DataErrors()
    try:
        raw = get_client().lrange(key, 0, n - 1)
    except redis.ResponseError as exc:
        errors.check(key, exc)
        return []
    runs = []
    for index, item in enumerate(raw):
        try:
            runs.append(_summary(item))
        except ValueError as exc:
            errors.report(f"{key} [{index}]", str(exc))
    return runs


def _summary(raw: str) -> dict[str, Any]:
    """A stored run summary, checked field by field (ValueError says what is wrong)."""
    run = json.loads(raw)
    if not isinstance(run, dict):
        raise ValueError(f"not a run summary: {raw[:80]!r}")
    for field in TIME_FIELDS:
        if run.get(field) is not None:
            try:
                datetime.fromisoformat(run[field])
            except (TypeError, ValueError):
                raise ValueError(f"{field} {run[field]!r:.80} is not an ISO 8601 time") from None
    for field in TEXT_FIELDS:
        if not isinstance(run.get(field, ""), str):
            raise ValueError(f"{field} {run[field]!r:.80} is not text")
    for field in NUMBER_FIELDS:
        value = run.get(field, 0)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"{field} {value!r:.80} is not a number")
    if not isinstance(run.get("errors", []), list):
        raise ValueError("errors is not a list")
    return run


def record_run(summary: dict[str, Any]) -> None:
    key = Keys().crawl_runs(summary["site"])
    with get_client().pipeline() as pipe:
        pipe.lpush(key, json.dumps(summary, default=str))
        pipe.ltrim(key, 0, HISTORY_LENGTH - 1)
        pipe.execute()
