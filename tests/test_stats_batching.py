"""Counters counted in the process (BatchedStats) and flushed in one round trip: exact after a flush,
kept when a flush fails, flushed by their thread within the interval and on close; per-site counters and
latency histograms read back as /metrics wants them."""

from __future__ import annotations

import math

import pytest
import redis

from newssieve.store.stats import (
    FLUSH_SECONDS,
    BatchedStats,
    Count,
    Latency,
    SiteCount,
    Stage,
    Stats,
)
from tests.reliability_support import wait_for


class CountingClient:
    """Counts the round trips a Redis client makes (each command, or each pipeline)."""

    def __init__(self, monkeypatch):
        from redis.connection import AbstractConnection

        self.count = 0
        send = AbstractConnection.send_packed_command

        def counting(conn, command, check_health=True):
            self.count += 1
            return send(conn, command, check_health)

        monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)


def test_counts_reach_redis_only_when_flushed_and_then_exactly(client, prefix, monkeypatch):
    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=None)
    for _ in range(50):
        batch.record(Stage.RECEIVED, {Count.SEEN: 1})
        batch.record(Stage.CLEAN, {Count.SEEN: 1, Count.KEPT: 1, Count.SECONDS: 0.25})
        batch.site("wire", {SiteCount.PAGES: 1, SiteCount.STORED: 1})
        batch.observe(Latency.CLEAN, 0.004)
    assert stats.totals(Stage.RECEIVED) == {}
    assert stats.site_counts() == {}

    trips = CountingClient(monkeypatch)
    batch.flush()
    assert trips.count == 1  # everything in one MULTI/EXEC
    batch.flush()
    assert trips.count == 1  # nothing counted since: no round trip

    assert stats.totals(Stage.RECEIVED) == {"seen": 50}
    assert stats.totals(Stage.CLEAN) == {"seen": 50, "kept": 50, "seconds": 12.5}
    assert stats.last_hour(Stage.RECEIVED) == {"seen": 50}
    assert set(stats.stages()) == {"received", "clean"}
    assert stats.site_counts() == {"wire": {"pages": 50, "stored": 50, "duplicates": 0, "errors": 0}}
    clean = stats.latency_histograms()["clean"]
    assert clean["count"] == 50 and clean["sum"] == pytest.approx(0.2)
    assert dict(clean["buckets"])[0.0025] == 0 and dict(clean["buckets"])[0.005] == 50
    assert clean["buckets"][-1] == (math.inf, 50)


def test_the_same_counts_as_immediate_records(client, prefix):
    """A batch flushed once writes what the same records written one by one write."""
    from newssieve.redis_conn import delete_prefix

    other = prefix + "immediate:"
    batched, immediate = BatchedStats(Stats(client, prefix), interval=None), Stats(client, other)
    try:
        for n in range(20):
            counts = {Count.SEEN: 1, Count.KEPT: n % 2, Count.SECONDS: 0.01 * n}
            batched.record(Stage.STORE, counts)
            immediate.record(Stage.STORE, counts)
        batched.flush()
        assert Stats(client, prefix).totals(Stage.STORE) == pytest.approx(immediate.totals(Stage.STORE))
        assert Stats(client, prefix).last_hour(Stage.STORE) == pytest.approx(immediate.last_hour(Stage.STORE))
    finally:
        delete_prefix(client, other)


def test_a_failed_flush_keeps_its_counts_for_the_next_one(client, prefix, monkeypatch):
    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=None)
    batch.record(Stage.RECEIVED, {Count.SEEN: 3})
    write = Stats.write

    def unreachable(self, pending, pipe=None, transaction=True):
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(Stats, "write", unreachable)
    with pytest.raises(redis.ConnectionError):
        batch.flush()
    batch.record(Stage.RECEIVED, {Count.SEEN: 2})  # counted while Redis was away
    monkeypatch.setattr(Stats, "write", write)
    batch.flush()
    assert stats.totals(Stage.RECEIVED) == {"seen": 5}


def test_a_refused_flush_out_of_memory_writes_nothing_and_comes_again(client, prefix, monkeypatch):
    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=None)
    batch.record(Stage.STORE, {Count.SEEN: 1})
    calls = []
    write = Stats.write

    def full_once(self, pending, pipe=None, transaction=True):
        calls.append(1)
        if len(calls) == 1:
            raise redis.OutOfMemoryError("command not allowed when used memory > 'maxmemory'.")
        return write(self, pending, pipe, transaction)

    monkeypatch.setattr(Stats, "write", full_once)
    with pytest.raises(redis.OutOfMemoryError):
        batch.flush()
    batch.flush()
    assert stats.totals(Stage.STORE) == {"seen": 1}


def test_the_thread_flushes_within_the_interval_and_close_flushes_the_rest(client, prefix):
    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=0.2)
    batch.record(Stage.RECEIVED, {Count.SEEN: 1})
    assert wait_for(lambda: stats.totals(Stage.RECEIVED) == {"seen": 1}, 5, 0.05)
    assert not batch.pending()
    batch.record(Stage.RECEIVED, {Count.SEEN: 1})
    batch.close()
    assert stats.totals(Stage.RECEIVED) == {"seen": 2}
    assert batch._thread is None
    assert FLUSH_SECONDS <= 1.0  # the bound the docstrings promise for a worker's counts


def test_site_counts_with_odd_names_and_errors(client, prefix):
    stats = Stats(client, prefix)
    odd = 'the "wire":east\nside'
    batch = BatchedStats(stats, interval=None)
    batch.site(odd, {SiteCount.PAGES: 2, SiteCount.STORED: 1, SiteCount.DUPLICATES: 1})
    batch.flush()
    stats.record_site(odd, {SiteCount.ERRORS: 1})
    assert stats.site_counts() == {odd: {"pages": 2, "stored": 1, "duplicates": 1, "errors": 1}}


def test_latency_histograms_are_cumulative_with_every_bound(client, prefix):
    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=None)
    for seconds in (0.5, 30, 45, 7200, 10 ** 6):
        batch.observe(Latency.FETCH_TO_STORED, seconds)
    batch.flush()
    histogram = stats.latency_histograms()["fetch_to_stored"]
    bounds = [le for le, _ in histogram["buckets"]]
    assert bounds == sorted(bounds) and bounds[-1] == math.inf and 60.0 in bounds and 1800.0 in bounds
    counts = dict(histogram["buckets"])
    assert counts[0.25] == 0 and counts[0.5] == 1 and counts[30.0] == 2 and counts[60.0] == 3
    assert counts[7200.0] == 4 and counts[86400.0] == 4 and counts[math.inf] == 5
    assert histogram["count"] == 5 and histogram["sum"] == pytest.approx(0.5 + 30 + 45 + 7200 + 10 ** 6)


def test_a_forked_process_flushes_its_own_counts_and_not_its_parents(client, prefix):
    """A pool process forked from a process that counted: its own thread flushes its own counts; what the
    parent had counted and not flushed is the parent's to flush, never counted twice."""
    import os

    stats = Stats(client, prefix)
    batch = BatchedStats(stats, interval=30)  # the parent's thread will not flush during the test
    batch.record(Stage.RECEIVED, {Count.SEEN: 1})
    pid = os.fork()
    if pid == 0:  # the child: count with the same object, let its own thread flush, leave without cleanup
        code = 1
        try:
            batch.interval = 0.1
            batch.record(Stage.RECEIVED, {Count.SEEN: 10})
            flushed = wait_for(lambda: Stats().totals(Stage.RECEIVED) == {"seen": 10}, 5, 0.05)
            code = 0 if flushed else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert stats.totals(Stage.RECEIVED) == {"seen": 10}
    batch.close()
    assert stats.totals(Stage.RECEIVED) == {"seen": 11}
