"""One log file per crawl run: `{var_dir}/logs/crawl/{site}/{run_id}.log`; each site's last LOGS_KEPT kept.

The crawl's child writes Scrapy's log there (crawl_runner.py); the run's summary names the file, and
the API serves it by site and run id (`find_run_log`), which are checked against their patterns and
resolved inside the logs directory, so no request can name another file.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from newssieve.settings import get_settings
from newssieve.sites import NAME_RE

LOGS_KEPT = 20
RUN_ID_RE = re.compile(r"^[0-9a-f]{32}$")


def logs_dir() -> Path:
    """`{var_dir}/logs/crawl`, or a directory in the temp dir when var/ cannot be written."""
    directory = get_settings().var_dir / "logs" / "crawl"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        directory = Path(tempfile.gettempdir()) / "newssieve-logs" / "crawl"
        directory.mkdir(parents=True, exist_ok=True)
    return directory


def run_log_path(site: str, run_id: str) -> Path:
    """Where the run's log goes (its directory made); the site's older logs beyond LOGS_KEPT - 1 removed."""
    directory = logs_dir() / site
    directory.mkdir(parents=True, exist_ok=True)
    prune(directory, LOGS_KEPT - 1)
    return directory / f"{run_id}.log"


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest run logs of one site's directory; the ones removed."""
    logs = sorted(directory.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = logs[max(0, keep):]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def find_run_log(site: str, run_id: str) -> Path | None:
    """The log file of that run, when both names are well formed and the file is still kept."""
    if not NAME_RE.match(site) or not RUN_ID_RE.match(run_id):
        return None
    base = logs_dir().resolve()
    path = (base / site / f"{run_id}.log").resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
