"""Per-stage counters in Redis: totals, and per-minute buckets for "the last hour".

Stages record what they saw, kept, dropped and failed, and how long they took,
so `status` and `/metrics` can show the whole pipeline. The stage and counter
names are defined here, once: the workers write them, ops reads them back.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from enum import StrEnum

from newssieve.store.keys import KeyOwner

BUCKET_SECONDS = 60
BUCKETS_KEPT = 61


class Stage(StrEnum):
    """Where counters are recorded (the names are part of the Redis keys and of /metrics)."""

    RECEIVED = "received"  # pages taken off the process queue
    CLEAN = "clean"  # pages cleaned: kept (an article) or dropped (empty)
    BOILERPLATE = "boilerplate"  # paragraphs through the site boilerplate filter
    DEDUP = "dedup"  # a page's first verdict: new, duplicate or unchanged
    STORE = "store"  # pages stored (each page once; recleans count under RECLEAN)
    RECLEAN = "reclean"  # stored articles cleaned again once a paragraph became boilerplate
    PROCESS = "process"  # process tasks that failed for good
    CRAWL = "crawl"  # crawl tasks that failed for good


class Count(StrEnum):
    """The counters a stage records."""

    SEEN = "seen"
    KEPT = "kept"
    DROPPED = "dropped"
    FAILED = "failed"
    SECONDS = "seconds"
    EMPTY = "empty"
    DUPLICATES = "duplicates"
    UNCHANGED = "unchanged"
    MERGED = "merged"


class Stats(KeyOwner):
    def record(self, stage: Stage, counts: Mapping[Count, float]) -> None:
        """Add counts (e.g. {Count.SEEN: 1, Count.SECONDS: 0.02}) to the stage's total and current minute."""
        minute = int(time.time() // BUCKET_SECONDS)
        total_key = self.keys.counters(stage)
        bucket_key = self.keys.minute_counters(stage, minute)
        pipe = self.client.pipeline(transaction=False)
        pipe.sadd(self.keys.stages, stage)
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
        """Every stage that recorded counters (names written by something else included)."""
        return sorted(self.client.smembers(self.keys.stages))

    def total(self, stage: Stage, count: Count) -> float:
        return float(self.client.hget(self.keys.counters(stage), count) or 0)

    def totals(self, stage: str) -> dict[str, float]:
        return {k: float(v) for k, v in self.client.hgetall(self.keys.counters(stage)).items()}

    def last_hour(self, stage: str) -> dict[str, float]:
        now = int(time.time() // BUCKET_SECONDS)
        pipe = self.client.pipeline(transaction=False)
        for minute in range(now - 59, now + 1):
            pipe.hgetall(self.keys.minute_counters(stage, minute))
        summed: dict[str, float] = {}
        for bucket in pipe.execute():
            for name, value in bucket.items():
                summed[name] = summed.get(name, 0.0) + float(value)
        return summed
