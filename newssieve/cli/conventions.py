"""What every `newssieve` command shares: `-h` as well as `--help`, the log levels, times in UTC."""

from __future__ import annotations

import time

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
# `serve` and `up` accept the same levels, any case; `serve` passes them to uvicorn in lower case.
LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
DEFAULT_LOG_LEVEL = "INFO"


def utc(seconds: float, with_seconds: bool = False) -> str:
    """"2026-11-30 12:00 UTC" from seconds since the epoch (with ":SS" when asked)."""
    return time.strftime("%Y-%m-%d %H:%M:%S UTC" if with_seconds else "%Y-%m-%d %H:%M UTC",
                         time.gmtime(seconds))


def utc_now_iso() -> str:
    """Now as ISO 8601 in UTC with a Z, to the second: the stamp of progress lines on stderr."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
