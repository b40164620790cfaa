"""The last 24 hours of the pipeline: a sample a minute (taken by beat), the series the status page draws.

A sample holds what can be read at one moment: the messages waiting in each queue and the running
totals of pages received and stored. Throughput is the difference between two samples over the
minutes between them, so a missed minute leaves a gap in time, not a wrong rate; a total that went
down (the counters were reset) counts as no throughput for that interval.
"""

from __future__ import annotations

import logging
import time

import redis

from newssieve.ops.status import queues
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.stats import Count, Stage, Stats
from newssieve.store.status_history import KEPT_MINUTES, MINUTE, StatusHistory

logger = logging.getLogger(__name__)
TOTALS = {"received": (Stage.RECEIVED, Count.SEEN), "stored": (Stage.STORE, Count.SEEN)}


def take_sample(client: redis.Redis | None = None, prefix: str | None = None) -> dict[str, int | float]:
    """Now: {"waiting_<queue>": messages waiting, "received" / "stored": totals since the counters began}."""
    client = client or get_client()
    prefix = get_settings().prefix if prefix is None else prefix
    depths = queues(client, prefix)
    sample: dict[str, int | float] = {f"waiting_{name}": q["waiting"] for name, q in depths.items()}
    stats = Stats(client, prefix)
    for name, (stage, count) in TOTALS.items():
        sample[name] = stats.total(stage, count)
    return sample


class Sampler:
    """Records one sample per minute when called at least once a minute (beat's tick calls it)."""

    def __init__(self) -> None:
        self.last_minute: int | None = None

    def maybe_sample(self, now: float | None = None) -> bool:
        """Take and record this minute's sample unless done already; False too when that failed (logged)."""
        now = time.time() if now is None else now
        if self.last_minute == int(now // MINUTE):
            return False
        try:
            self.last_minute = StatusHistory().record(take_sample(), at=now)
        except Exception as exc:  # Redis or the broker away: beat must go on scheduling crawls
            logger.warning("status history: cannot record this minute's sample: %s", exc)
            return False
        return True


def rates(points: list[dict[str, float]], field: str) -> list[tuple[float, float]]:
    """(time, per minute) of a running total between each two samples, at the later one."""
    out = []
    for before, after in zip(points, points[1:], strict=False):
        minutes = (after["t"] - before["t"]) / MINUTE
        if minutes > 0 and field in before and field in after:
            out.append((after["t"], max(0.0, (after[field] - before[field]) / minutes)))
    return out


def levels(points: list[dict[str, float]], field: str) -> list[tuple[float, float]]:
    return [(p["t"], p[field]) for p in points if field in p]


def series(minutes: int = KEPT_MINUTES, now: float | None = None) -> dict:
    """What the status page charts: {"from", "to", "samples", "waiting": {queue: points},
    "per_minute": {total: points}}, points as (time, value)."""
    now = time.time() if now is None else now
    points = StatusHistory().points(minutes, now)
    waiting = sorted({k for p in points for k in p if k.startswith("waiting_")})
    return {
        "from": now - minutes * MINUTE,
        "to": now,
        "samples": len(points),
        "waiting": {k.removeprefix("waiting_"): levels(points, k) for k in waiting},
        "per_minute": {name: rates(points, name) for name in TOTALS},
    }
