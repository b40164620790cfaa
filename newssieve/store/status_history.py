"""The status page's history: one sample of the pipeline per minute, the last 24 hours, in one sorted set.

A sample is a JSON object ({"t": seconds since the epoch, then numbers: queue depths and counter
totals}) scored by its minute. Recording a minute replaces what that minute held, so two samplers
(or a sampler restarted) still leave one point per minute; older minutes are trimmed on every write.
A stored sample that is not one is skipped and reported (store/data_errors.py).
"""

from __future__ import annotations

import json
import time

import redis

from newssieve.store.data_errors import DataErrors
from newssieve.store.keys import KeyOwner

MINUTE = 60
KEPT_MINUTES = 24 * 60


class StatusHistory(KeyOwner):
    def record(self, sample: dict[str, int | float], at: float | None = None) -> int:
        """Store `sample` as the point of the minute of `at` (default now); that minute."""
        at = time.time() if at is None else at
        minute = int(at // MINUTE)
        member = json.dumps({"t": int(at), **sample}, sort_keys=True)
        key = self.keys.status_history
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, minute, minute)
            pipe.zadd(key, {member: minute})
            pipe.zremrangebyscore(key, "-inf", f"({minute - KEPT_MINUTES + 1}")
            pipe.execute()
        return minute

    def points(self, minutes: int = KEPT_MINUTES, now: float | None = None) -> list[dict[str, float]]:
        """The samples of the last `minutes` minutes, oldest first."""
        now = time.time() if now is None else now
        key = self.keys.status_history
        try:
            raw = self.client.zrangebyscore(key, int(now // MINUTE) - minutes + 1, "+inf")
        except redis.ResponseError as exc:
            DataErrors(self.client, self.keys.prefix).check(key, exc)
            return []
        out = []
        for item in raw:
            point = _point(item)
            if point is None:
                DataErrors(self.client, self.keys.prefix).report(key, f"not a status sample: {item[:80]!r}")
            else:
                out.append(point)
        return sorted(out, key=lambda p: p["t"])


def _point(raw: str) -> dict[str, float] | None:
    try:
        point = json.loads(raw)
    except ValueError:
        return None
    numbers = isinstance(point, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in point.values())
    return point if numbers and "t" in point else None
