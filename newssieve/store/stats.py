"""Per-stage counters in Redis: totals, and per-minute buckets for "the last hour"; per-site counters;
latency histograms.

Stages record what they saw, kept, dropped and failed, and how long they took,
so `status` and `/metrics` can show the whole pipeline. The stage and counter
names are defined here, once: the workers write them, ops reads them back.
A counter that is not a number, or a key of the wrong type, is skipped and
reported (store/data_errors.py) instead of failing every status read.

`Stats.record` writes at once (one round trip). The workers count through a `BatchedStats`
instead: counts add up in the process and go to Redis in one MULTI/EXEC per flush: after each task
(workers.tasks: a batch of pages is one task), by a thread of the process within FLUSH_SECONDS of a
count left unflushed (a flush that failed), and when the process stops cleanly (Celery's
worker_process_shutdown). So the counts are exact once a flush is done. Loss on SIGKILL (or the OOM
killer): what the process had not flushed, at most the counts of the task it was running (plus any
a failed flush kept, at most FLUSH_SECONDS old); the pages themselves are not lost: they are stored,
or their messages come back and are counted when processed again.

Per-site counters (`site_counts`) and latency histograms (`latency_histograms`, Prometheus-style
cumulative buckets) are written the same way, each in one hash: see store/keys.py.
"""

from __future__ import annotations

import bisect
import logging
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import redis

from newssieve.store.data_errors import DataErrors
from newssieve.store.keys import KeyOwner

log = logging.getLogger(__name__)

BUCKET_SECONDS = 60
BUCKETS_KEPT = 61
FLUSH_SECONDS = 1.0
"""A worker's counts reach Redis at most this long after they were counted (and are lost with it on
SIGKILL)."""


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


class SiteCount(StrEnum):
    """The counters kept per site."""

    PAGES = "pages"  # pages of the site taken off the process queue (each fetch counts)
    STORED = "stored"  # pages stored with an article (a first store: recleans and empty pages do not count)
    DUPLICATES = "duplicates"  # stored pages whose first verdict was a copy of a story
    ERRORS = "errors"  # pages whose task failed for good (dead letters)


class Latency(StrEnum):
    """The latency histograms: a page's seconds in each step of the worker, and from fetch to stored."""

    CLEAN = "clean"  # cleaning the page
    BOILERPLATE = "boilerplate"  # counting its paragraphs for the site (one round trip) and dropping
    DEDUP = "dedup"  # fingerprints, and verifying and linking translation candidates
    STORE = "store"  # storing, indexing and leaving the pending pages: one round trip
    FETCH_TO_STORED = "fetch_to_stored"  # Page.fetched_at (set by the crawler) to stored: queue wait included


STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
END_TO_END_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
                      7200.0, 21600.0, 86400.0)
HISTOGRAM_BUCKETS: dict[str, tuple[float, ...]] = {
    name: END_TO_END_BUCKETS if name == Latency.FETCH_TO_STORED else STAGE_BUCKETS for name in Latency}
"""Upper bounds (seconds) of each histogram's buckets; +Inf is implied."""


def _add(target: dict, name: str, value: int | float) -> None:
    target[name] = target.get(name, 0) + value


def _bound_field(name: str, seconds: float) -> str:
    bounds = HISTOGRAM_BUCKETS.get(name, STAGE_BUCKETS)
    at = bisect.bisect_left(bounds, seconds)
    return f"{name}:{bounds[at]!r}" if at < len(bounds) else f"{name}:+Inf"


@dataclass
class Counts:
    """Counts not yet written to Redis: stage counters by (stage, minute), site counters and histogram
    fields (each "{name}:{field}": a bucket's own count, sum, count)."""

    stages: dict[tuple[str, int], dict[str, int | float]] = field(default_factory=dict)
    sites: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, int | float] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.stages or self.sites or self.latencies)

    def stage(self, stage: str, counts: Mapping[str, int | float], at: float | None = None) -> None:
        minute = int((time.time() if at is None else at) // BUCKET_SECONDS)
        target = self.stages.setdefault((str(stage), minute), {})
        for name, value in counts.items():
            _add(target, str(name), value)

    def site(self, site: str, counts: Mapping[str, int]) -> None:
        for name, value in counts.items():
            if value:
                _add(self.sites, f"{name}:{site}", value)

    def latency(self, name: str, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        _add(self.latencies, _bound_field(str(name), seconds), 1)
        _add(self.latencies, f"{name}:sum", seconds)
        _add(self.latencies, f"{name}:count", 1)

    def merge(self, other: Counts) -> None:
        for key, counts in other.stages.items():
            target = self.stages.setdefault(key, {})
            for name, value in counts.items():
                _add(target, name, value)
        for name, value in other.sites.items():
            _add(self.sites, name, value)
        for name, value in other.latencies.items():
            _add(self.latencies, name, value)


class Stats(KeyOwner):
    def record(self, stage: Stage, counts: Mapping[Count, float]) -> None:
        """Add counts (e.g. {Count.SEEN: 1, Count.SECONDS: 0.02}) to the stage's total and current minute,
        at once (one round trip)."""
        pending = Counts()
        pending.stage(stage, counts)
        self.write(pending, transaction=False)

    def record_site(self, site: str, counts: Mapping[SiteCount, int]) -> None:
        """Add to a site's counters at once (e.g. {SiteCount.ERRORS: 1})."""
        pending = Counts()
        pending.site(site, counts)
        self.write(pending, transaction=False)

    def write(self, pending: Counts, pipe: redis.client.Pipeline | None = None,
              transaction: bool = True) -> None:
        """Add `pending` to Redis: on `pipe` (the caller executes it), else in one round trip of its own
        (MULTI/EXEC unless transaction=False: a refused or failed flush then left nothing half-written)."""
        own = pipe is None
        if own:
            pipe = self.client.pipeline(transaction=transaction)
        for (stage, minute), counts in pending.stages.items():
            total_key = self.keys.counters(stage)
            bucket_key = self.keys.minute_counters(stage, minute)
            pipe.sadd(self.keys.stages, stage)
            for name, value in counts.items():
                if isinstance(value, int):
                    pipe.hincrby(total_key, name, value)
                    pipe.hincrby(bucket_key, name, value)
                else:
                    pipe.hincrbyfloat(total_key, name, value)
                    pipe.hincrbyfloat(bucket_key, name, value)
            pipe.expire(bucket_key, BUCKET_SECONDS * BUCKETS_KEPT)
        for key, values in ((self.keys.site_counters, pending.sites),
                            (self.keys.latencies, pending.latencies)):
            for name, value in values.items():
                if isinstance(value, int):
                    pipe.hincrby(key, name, value)
                else:
                    pipe.hincrbyfloat(key, name, value)
        if own:
            pipe.execute()

    def site_counts(self) -> dict[str, dict[str, int]]:
        """site -> {"pages", "stored", "duplicates", "errors"} (totals; 0 for one never counted)."""
        key = self.keys.site_counters
        out: dict[str, dict[str, int]] = {}
        for name, value in self._numbers(key, self._read(key, self.client.hgetall, {})).items():
            counter, _, site = name.partition(":")
            if counter in SiteCount.__members__.values() and site:
                out.setdefault(site, dict.fromkeys(SiteCount.__members__.values(), 0))[counter] = int(value)
        return {site: {str(k): v for k, v in counts.items()} for site, counts in out.items()}

    def latency_histograms(self) -> dict[str, dict]:
        """name -> {"buckets": [(upper bound, cumulative count), ..., (inf, count)], "sum", "count"}:
        Prometheus histograms (every bound of HISTOGRAM_BUCKETS listed, counted or not)."""
        key = self.keys.latencies
        fields: dict[str, dict[str, int | float]] = {}
        for name, value in self._numbers(key, self._read(key, self.client.hgetall, {})).items():
            histogram, _, part = name.partition(":")
            if histogram and part:
                fields.setdefault(histogram, {})[part] = value
        out = {}
        for histogram, parts in sorted(fields.items()):
            own: dict[float, int] = dict.fromkeys(HISTOGRAM_BUCKETS.get(histogram, ()), 0)
            for part, value in parts.items():
                if part in ("sum", "count"):
                    continue
                try:
                    bound = math.inf if part == "+Inf" else float(part)
                except ValueError:
                    continue
                own[bound] = own.get(bound, 0) + int(value)
            own.setdefault(math.inf, 0)
            count = int(parts.get("count", sum(own.values())))
            buckets, running = [], 0
            for bound in sorted(own):
                running += own[bound]
                buckets.append((bound, count if bound == math.inf else running))
            out[histogram] = {"buckets": buckets, "sum": float(parts.get("sum", 0.0)), "count": count}
        return out

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


class BatchedStats:
    """Stage counters, site counters and latencies counted in this process, flushed to Redis in one
    MULTI/EXEC (Stats.write) per flush.

    With `interval` (seconds), a daemon thread of this process flushes at most that often when
    anything was counted (started on the first count, in the process that counts: a pool process forked
    from a parent starts its own), so a count reaches Redis within `interval`; `close()` stops it and
    flushes. With interval=None nothing flushes by itself: the owner calls `flush()` (the in-process
    PageProcessor does after each page, so its counts are exact when `process` returns).

    A flush that fails (Redis unreachable, out of memory) keeps its counts for the next one; MULTI/EXEC
    makes a refused flush write nothing, so nothing is counted twice (unless the connection drops after
    EXEC reached Redis and before its answer came back). Loss: what was counted and not yet flushed when
    the process dies without a clean stop (SIGKILL, OOM killer): at most `interval` seconds of counts.
    """

    def __init__(self, stats: Stats, interval: float | None = FLUSH_SECONDS):
        self.stats = stats
        self.interval = interval
        self._pending = Counts()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    # -- counting (in memory) ---------------------------------------------------------------------

    def record(self, stage: Stage, counts: Mapping[Count, float]) -> None:
        self._own()
        with self._lock:
            self._pending.stage(stage, counts)

    def site(self, site: str, counts: Mapping[SiteCount, int]) -> None:
        self._own()
        with self._lock:
            self._pending.site(site, counts)

    def observe(self, name: Latency, seconds: float) -> None:
        self._own()
        with self._lock:
            self._pending.latency(name, seconds)

    def pending(self) -> bool:
        """Whether counts wait for a flush."""
        with self._lock:
            return bool(self._pending)

    # -- flushing --------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what was counted (one round trip; none when nothing was). On a Redis error the counts
        stay for the next flush and the error is raised."""
        if self._pid != os.getpid():
            return  # nothing counted in this process (a parent's counts are the parent's to flush)
        with self._flushing:  # one flush at a time: when flush() returns, every count before it is in
            with self._lock:
                taken, self._pending = self._pending, Counts()
            if not taken:
                return
            try:
                self.stats.write(taken)
            except redis.ResponseError as exc:
                if not _refused(exc):
                    log.error("stage counters not written (%s); %s dropped", exc, _size(taken))
                    raise
                self._restore(taken)
                raise
            except BaseException:
                self._restore(taken)
                raise

    def close(self) -> None:
        """Stop the flushing thread and flush what is left (a clean stop of the process)."""
        if self._pid != os.getpid():
            return  # nothing counted in this process
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=5)
        self.flush()

    def _restore(self, taken: Counts) -> None:
        with self._lock:
            taken.merge(self._pending)
            self._pending = taken

    def _own(self) -> None:
        """In a process of its own (the first count, or the first since a fork): fresh locks, none of the
        parent's counts (the parent flushes those), and a flushing thread of its own."""
        if self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._lock, self._flushing = threading.Lock(), threading.Lock()
        self._pending = Counts()
        if self.interval is not None:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, name="stats-flush", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self.interval):
            try:
                self.flush()
                if failing:
                    log.info("stage counters flushed again")
                failing = False
            except Exception as exc:  # noqa: BLE001 - kept for the next flush; said once per outage
                if not failing:
                    log.warning("stage counters not flushed yet (%s: %s); kept for the next flush",
                                type(exc).__name__, exc)
                failing = True


def _refused(exc: redis.ResponseError) -> bool:
    """A MULTI/EXEC Redis refused as a whole (out of memory, read-only replica, loading): nothing written."""
    text = str(exc)
    return isinstance(exc, redis.OutOfMemoryError | redis.ReadOnlyError | redis.BusyLoadingError) or \
        text.startswith(("EXECABORT", "OOM", "READONLY", "LOADING", "MISCONF"))


def _size(counts: Counts) -> str:
    return (f"{len(counts.stages)} stage buckets, {len(counts.sites)} site and {len(counts.latencies)} "
            "latency fields")
