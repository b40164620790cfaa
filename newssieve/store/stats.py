"""Per-stage counters in Redis: totals, and per-minute buckets for "the last hour".

Stages record what they saw, kept, dropped and failed, and how long they took,
so `status` and `/metrics` can show the whole pipeline. The stage and counter
names are defined here, once: the workers write them, ops reads them back.
A counter that is not a number, or a key of the wrong type, is skipped and
reported (store/data_errors.py) instead of failing every status read.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from enum import StrEnum
from functools import cached_property

import redis

from newssieve.store.data_errors import DataErrors
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
        return sorted(self._read(self.keys.stages, self.client.smembers, set()))

    def total(self, stage: Stage, count: Count) -> int | float:
        return self.totals(stage).get(count, 0)

    def totals(self, stage: str) -> dict[str, int | float]:
        key = self.keys.counters(stage)
        return self._numbers(key, self._read(key, self.client.hgetall, {}))

    def last_hour(self, stage: str) -> dict[str, int | float]:
        now = int(time.time() // BUCKET_SECONDS)
        keys = [self.keys.minute_counters(stage, minute) for minute in range(now - 59, now + 1)]
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        summed: dict[str, int | float] = {}
        for key, bucket in zip(keys, pipe.execute(raise_on_error=False), strict=True):
            if isinstance(bucket, Exception):
                self.errors.check(key, bucket)
                continue
            for name, value in self._numbers(key, bucket).items():
                summed[name] = summed.get(name, 0) + value
        return summed

    # -- malformed counters -----------------------------------------------------

    @cached_property
    def errors(self) -> DataErrors:
        return DataErrors(self.client, self.keys.prefix)

    def _read(self, key: str, command, default):
        try:
            return command(key)
        except redis.ResponseError as exc:
            self.errors.check(key, exc)
            return default

    def _numbers(self, key: str, counters: dict[str, str]) -> dict[str, int | float]:
        """The counters that are numbers (whole ones as int: JSON says 54, not 54.0); each other one
        reported."""
        out = {}
        for name, value in counters.items():
            try:
                out[name] = _number(value)
            except ValueError:
                self.errors.report(f"{key} {name}", f"counter {value[:40]!r} is not a number")
        return out


def _number(value: str) -> int | float:
    """"54" -> 54, "0.25" -> 0.25 (HINCRBYFLOAT writes whole sums without a point); ValueError otherwise."""
    try:
        return int(value)
    except ValueError:
        return float(value)
