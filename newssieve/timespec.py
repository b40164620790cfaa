"""Points in time as people type them: a duration back from now (30m, 2h, 7d) or ISO 8601."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_when(text: str, now: float | None = None) -> float:
    """Seconds since the epoch. A time without a zone is taken as UTC; ValueError when unreadable."""
    match = DURATION_RE.match(text)
    if match:
        return (time.time() if now is None else now) - float(match[1]) * UNIT_SECONDS[match[2]]
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is neither a duration (30m, 2h, 7d) nor an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def iso_timestamp(value: str | None) -> float | None:
    """An ISO 8601 time or date as written in pages and listings ("2025-01-06", "...T10:00:00Z") as
    seconds since the epoch (UTC when it names no zone); None when it is not one."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    try:
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    except (OverflowError, ValueError):  # year 9999 at -14:00 and the like
        return None


def iso(ts: float | None) -> str | None:
    """ISO 8601 in UTC, to the second."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
