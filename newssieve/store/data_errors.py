"""Malformed records: every reader skips one it cannot read and reports it here.

A record that does not decode (an article hash whose `authors` is not a JSON list, a counter
that is not a number, a run summary that is not one) or a key of the wrong type (Redis
WRONGTYPE) costs its own entry, never the page, the feed or the export around it. Each report
is a log line with the key and why, a counter (`Keys.data_errors`) and the latest few keys
(`Keys.data_errors_latest`); `/health`, `newssieve status` and `/metrics` read them back.
Reporting never fails the reader: when Redis cannot take the report (full, say), the log
line remains.
"""

from __future__ import annotations

import json
import logging
import time

import redis

from newssieve.store.keys import KeyOwner

log = logging.getLogger(__name__)

LATEST_KEPT = 20


def wrong_type(exc: BaseException) -> bool:
    """True for Redis's WRONGTYPE error: a key holds another kind of value than its family's."""
    return isinstance(exc, redis.ResponseError) and str(exc).startswith("WRONGTYPE")


def reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class DataErrors(KeyOwner):
    def report(self, key: str, why: str) -> None:
        """Log the bad record and count it."""
        log.warning("skipped a malformed record %s: %s", key, why)
        entry = json.dumps({"key": key, "why": why[:300]}, ensure_ascii=False)
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.incr(self.keys.data_errors)
            pipe.zadd(self.keys.data_errors_latest, {entry: time.time()})
            pipe.zremrangebyrank(self.keys.data_errors_latest, 0, -LATEST_KEPT - 1)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("could not count the malformed record %s: %s", key, exc)

    def check(self, key: str, exc: Exception) -> None:
        """Report `exc` of reading `key` when it is a wrong type; raise it again otherwise."""
        if not wrong_type(exc):
            raise exc
        self.report(key, str(exc))

    def summary(self, latest: int = LATEST_KEPT) -> dict:
        """{"count": reports so far, "latest": [{"key", "why", "at"}], newest first}."""
        pipe = self.client.pipeline(transaction=False)
        pipe.get(self.keys.data_errors)
        pipe.zrevrange(self.keys.data_errors_latest, 0, latest - 1, withscores=True)
        count, entries = pipe.execute(raise_on_error=False)
        out = {"count": _count(count), "latest": []}
        for raw, at in entries if isinstance(entries, list) else []:
            try:
                item = json.loads(raw)
                out["latest"].append({"key": str(item["key"]), "why": str(item["why"]), "at": at})
            except (ValueError, KeyError, TypeError):
                continue
        return out


def _count(value: object) -> int:
    try:
        return int(value or 0)  # an error reply or a damaged counter reads as 0, not as a failure
    except (TypeError, ValueError):
        return 0
