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


def iso(ts: float | None) -> str | None:
    """ISO 8601 in UTC, to the second."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
