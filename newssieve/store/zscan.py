"""Walking a sorted set in pages that stay correct while members are added or removed.

A position is the (score, member) of the last member read. The next page starts
strictly after it: members with a lower score (newest-first walk), and members with
the same score that Redis orders after it. Equal scores are ordered by member
bytes (descending in a newest-first walk), so ties never repeat or vanish — an
offset would shift as soon as a newer member arrives.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterator
from dataclasses import dataclass

import redis

MAX_MEMBER = 200  # longer than any id newssieve writes; bounds what a cursor can carry


@dataclass(frozen=True)
class Position:
    score: float
    member: str

    def to_cursor(self) -> str:
        """An opaque token for the next page (URL-safe)."""
        raw = f"{self.score!r}|{self.member}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def from_cursor(cls, cursor: str) -> Position:
        """Decode a token from `to_cursor`; ValueError when it is not one."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            score_text, member = raw.split("|", 1)
            score = float(score_text)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("not a cursor returned by this feed") from exc
        if not math.isfinite(score) or not member or len(member) > MAX_MEMBER:
            raise ValueError("not a cursor returned by this feed")
        return cls(score, member)


def _score(value: float | None, default: str, exclusive: bool = False) -> str:
    if value is None:
        return default
    return f"({value!r}" if exclusive else repr(value)


def walk(client: redis.Redis, key: str, *, newest_first: bool = True, low: float | None = None,
         high: float | None = None, after: Position | None = None,
         batch: int = 100) -> Iterator[tuple[str, float]]:
    """Yield (member, score) from `after` on, in score order, `low <= score < high`.

    One round trip per batch; each batch restarts from the last member yielded.
    """
    if after is not None:
        above, below = (high is not None and after.score >= high), (low is not None and after.score < low)
        if (above and not newest_first) or (below and newest_first):
            return  # the position is past the end of the range
        if above or below:
            after = None  # the position is before the range: start at its edge
    while True:
        pipe = client.pipeline(transaction=False)
        if newest_first:
            top = _score(after.score if after else high, "+inf", exclusive=True)
            bottom = _score(low, "-inf")
            if after:
                pipe.zrevrangebyscore(key, repr(after.score), repr(after.score), withscores=True)
            pipe.zrevrangebyscore(key, top, bottom, start=0, num=batch, withscores=True)
        else:
            bottom = _score(after.score if after else low, "-inf", exclusive=after is not None)
            top = _score(high, "+inf", exclusive=True)
            if after:
                pipe.zrangebyscore(key, repr(after.score), repr(after.score), withscores=True)
            pipe.zrangebyscore(key, bottom, top, start=0, num=batch, withscores=True)
        results = pipe.execute()
        rows: list[tuple[str, float]] = []
        if after:
            ties = results[0]
            if newest_first:
                rows = [(m, s) for m, s in ties if m < after.member]
            else:
                rows = [(m, s) for m, s in ties if m > after.member]
        rows += results[-1]
        yield from rows
        if len(results[-1]) < batch:
            return
        member, score = rows[-1]
        after = Position(score, member)
