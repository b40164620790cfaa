"""Walking sorted sets by position (ties, batches, ranges), cursors, and time specs."""

from __future__ import annotations

import pytest

from newssieve.store.zscan import Position, walk
from newssieve.timespec import iso, parse_when


@pytest.fixture
def zset(client, prefix):
    key = f"{prefix}z"
    # five members share score 5: a position inside them must neither repeat nor skip any
    client.zadd(key, {"a": 1, "b": 5, "c": 5, "d": 5, "e": 5, "f": 5, "g": 9})
    return key


def test_newest_first_in_small_batches_orders_ties_by_member_descending(client, zset):
    assert [m for m, _ in walk(client, zset, batch=2)] == ["g", "f", "e", "d", "c", "b", "a"]
    assert [m for m, _ in walk(client, zset, newest_first=False, batch=2)] == list("abcdefg")


def test_walk_resumes_strictly_after_a_position_inside_a_tie(client, zset):
    assert [m for m, _ in walk(client, zset, after=Position(5.0, "d"), batch=2)] == ["c", "b", "a"]
    assert [m for m, _ in walk(client, zset, newest_first=False, after=Position(5.0, "d"))] == ["e", "f", "g"]
    client.zadd(zset, {"cc": 5, "z": 7})  # arrivals on both sides of the position
    assert [m for m, _ in walk(client, zset, after=Position(5.0, "d"))] == ["cc", "c", "b", "a"]


def test_ranges_are_low_inclusive_high_exclusive_and_bound_positions(client, zset):
    assert [m for m, _ in walk(client, zset, low=5, high=9)] == ["f", "e", "d", "c", "b"]
    # a position above the range starts at its top; one below it has nothing left
    assert [m for m, _ in walk(client, zset, high=5, after=Position(9.0, "g"))] == ["a"]
    assert list(walk(client, zset, low=5, after=Position(1.0, "a"))) == []
    assert [m for m, _ in walk(client, zset, newest_first=False, low=9, after=Position(1.0, "a"))] == ["g"]


def test_cursor_round_trips_and_rejects_anything_else():
    position = Position(1763625600.123456, "76ab")
    assert Position.from_cursor(position.to_cursor()) == position
    not_finite, no_member = Position(float("nan"), "x").to_cursor(), Position(1.0, "").to_cursor()
    for bad in ["", "!!!", "bm9waXBl", not_finite, no_member]:
        with pytest.raises(ValueError):
            Position.from_cursor(bad)


def test_parse_when_takes_durations_and_iso_8601():
    assert parse_when("2h", now=10_000.0) == 10_000.0 - 7200
    assert parse_when("30m", now=0.0) == -1800 and parse_when("7d", now=0.0) == -7 * 86400
    assert parse_when("2026-11-20T08:00:00Z") == parse_when("2026-11-20T09:00:00+01:00") == 1795161600.0
    assert parse_when("2026-11-20T08:00") == 1795161600.0  # no zone: UTC
    assert iso(1795161600.0) == "2026-11-20T08:00:00Z"
    with pytest.raises(ValueError, match="neither a duration"):
        parse_when("yesterday")
