"""Per-stage counters in Redis: totals, and per-minute buckets for "the last hour".

Stages record what they saw, kept, dropped and failed, and how long they took,
so `status` and `/metrics` can show the whole pipeline.
"""

from __future__ import annotations

import time

import redis

from newssieve.keys import Keys
from newssieve.redis_conn import get_client

BUCKET_SECONDS = 60
BUCKETS_KEPT = 61


class Stats:
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix)

    def record(self, stage: str, **counts: float) -> None:
        """Add counts (e.g. seen=1, kept=1, seconds=0.02) to the stage's total and current minute."""
        minute = int(time.time() // BUCKET_SECONDS)
        total_key = self.keys.counters(stage)
        bucket_key = f"{total_key}:m{minute}"
        pipe = self.client.pipeline(transaction=False)
        pipe.sadd(self.keys.counters("_stages"), stage)
        for name, value in counts.items():
            if isinstance(value, int):
                pipe.hincrby(total_key, name, value)
                pipe.hincrby(bucket_key, name, value)
            else:
                pipe.hincrbyfloat(total_key, name, value)
                pipe.hincrbyfloat(bucket_key, name, value)
        pipe.expire(bucket_key, BUCKET_SECONDS * BUCKETS_KEPT)
        pipe.execute()

    def stages(self) -> list[str]:
        return sorted(self.client.smembers(self.keys.counters("_stages")))

    def totals(self, stage: str) -> dict[str, float]:
        return {k: float(v) for k, v in self.client.hgetall(self.keys.counters(stage)).items()}

    def last_hour(self, stage: str) -> dict[str, float]:
        now = int(time.time() // BUCKET_SECONDS)
        pipe = self.client.pipeline(transaction=False)
        for minute in range(now - 59, now + 1):
            pipe.hgetall(f"{self.keys.counters(stage)}:m{minute}")
        summed: dict[str, float] = {}
        for bucket in pipe.execute():
            for name, value in bucket.items():
                summed[name] = summed.get(name, 0.0) + float(value)
        return summed
