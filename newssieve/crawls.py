"""Crawl runs: one site at a time, in a child process, under a Redis lock, with a kept history.

`run_crawl(site)` is what both `newssieve crawl` and the Celery task
`crawl_site` call. It takes the site's lock (SET NX with an expiry of
`crawl_lock_seconds`, released only by the token that took it), runs the
Scrapy spider in a fresh child process (`python -m crawler.run SITE`; a
Twisted reactor cannot be restarted, so never in the caller's process),
reads the child's JSON lines (progress, then a summary), stores the summary
in the site's run history (last 50) and releases the lock.

The child is stopped before the lock could expire: the spider closes itself
at 80 % of the lock time, and the child is terminated at 90 %, so two crawls
of one site never overlap.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from newssieve.keys import Keys
from newssieve.redis_conn import get_client
from newssieve.settings import PROJECT_ROOT, get_settings
from newssieve.sites import SitesFileError, load_sites

logger = logging.getLogger(__name__)

HISTORY_LENGTH = 50
# Statuses a run can end with, and the exit code `newssieve crawl` gives for each.
EXIT_CODES = {
    "ok": 0,
    "failed": 1,
    "timeout": 1,
    "interrupted": 130,
    "unknown_site": 2,
    "locked": 3,
    "disabled": 4,
}
SUMMARY_FIELDS = (
    "site",
    "started",
    "finished",
    "pages",
    "articles_new",
    "articles_known",
    "errors",
    "status",
)

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class CrawlLock:
    """The per-site crawl lock: SET NX EX, released by compare-and-delete on the token."""

    def __init__(self, site: str, ttl: int | None = None, client: redis.Redis | None = None):
        self.key = Keys().crawl_lock(site)
        self.ttl = int(ttl or get_settings().crawl_lock_seconds)
        self.client = client or get_client()
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"

    def acquire(self) -> bool:
        value = json.dumps({"token": self.token, "since": _iso(_now())})
        return bool(self.client.set(self.key, value, nx=True, ex=self.ttl))

    def release(self) -> bool:
        current = self.client.get(self.key)
        if current is None:
            return False
        return bool(self.client.eval(_RELEASE, 1, self.key, current)) if self._mine(current) else False

    def _mine(self, value: str) -> bool:
        try:
            return json.loads(value).get("token") == self.token
        except ValueError:
            return False

    def holder(self) -> dict[str, Any] | None:
        """Who holds the lock now: {"token", "since", "expires_in"}, or None."""
        with self.client.pipeline() as pipe:
            pipe.get(self.key)
            pipe.ttl(self.key)
            value, ttl = pipe.execute()
        if value is None:
            return None
        try:
            info = json.loads(value)
        except ValueError:
            info = {"token": value}
        info["expires_in"] = ttl
        return info


def crawl_lock_holder(site: str) -> dict[str, Any] | None:
    return CrawlLock(site).holder()


def last_runs(site: str, n: int = 10) -> list[dict[str, Any]]:
    """The site's last `n` run summaries, newest first."""
    if n <= 0:
        return []
    raw = get_client().lrange(Keys().crawl_runs(site), 0, n - 1)
    runs = []
    for item in raw:
        try:
            runs.append(json.loads(item))
        except ValueError:
            logger.warning("unreadable run summary in %s", Keys().crawl_runs(site))
    return runs


def record_run(summary: dict[str, Any]) -> None:
    key = Keys().crawl_runs(summary["site"])
    with get_client().pipeline() as pipe:
        pipe.lpush(key, json.dumps(summary, default=str))
        pipe.ltrim(key, 0, HISTORY_LENGTH - 1)
        pipe.execute()


def _summary(site: str, started: datetime, status: str, reason: str | None = None, **extra) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "site": site,
        "started": _iso(started),
        "finished": _iso(_now()),
        "status": status,
        "pages": 0,
        "articles_new": 0,
        "articles_known": 0,
        "errors": [],
    }
    if reason:
        summary["reason"] = reason
    summary.update(extra)
    return summary


def log_path(site: str) -> Path:
    directory = get_settings().var_dir / "logs"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile

        directory = Path(tempfile.gettempdir()) / "newssieve-logs"
        directory.mkdir(parents=True, exist_ok=True)
    return directory / f"crawl-{site}.log"


def _tail(path: Path, lines: int = 5) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 8192))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def _status_of(child: dict[str, Any]) -> tuple[str, str | None]:
    reason = child.get("finish_reason")
    if reason == "finished":
        failed = child.get("enqueue_failed", 0)
        if failed:
            return "failed", f"{failed} page(s) could not be handed to the process queue"
        return "ok", None
    if reason == "closespider_timeout":
        return "timeout", "the crawl reached its time limit and was closed"
    if reason == "shutdown":
        return "interrupted", "the crawl was shut down before it finished"
    return "failed", f"the spider closed with reason {reason!r}"


def _child_command(site: str, refetch: bool, sites_path: Path, settings: dict[str, Any]) -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", site, "--sites", str(sites_path)]
    if refetch:
        cmd.append("--refetch")
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value)}"]
    return cmd


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + path if path else "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM (Scrapy shuts down cleanly and still reports), then SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def run_crawl(
    site_name: str,
    refetch: bool = False,
    *,
    progress: Callable[[dict[str, Any]], None] | None = None,
    scrapy_settings: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Crawl one site now and return the run's summary (see SUMMARY_FIELDS; `status` says how it went).

    Statuses: "ok"; "failed" (with a `reason`); "timeout"; "interrupted";
    "locked" (another crawl of the site holds the lock; nothing was done);
    "disabled" (the site's entry has enabled: false); "unknown_site".
    Only runs that took the lock are added to the history.
    """
    started = _now()
    settings = get_settings()
    try:
        sites = load_sites()
        site = sites.site(site_name)
    except SitesFileError as exc:
        return _summary(site_name, started, "failed", str(exc))
    except KeyError as exc:
        return _summary(site_name, started, "unknown_site", str(exc).strip("'\""))
    if not site.enabled:
        return _summary(site_name, started, "disabled", f"site {site_name!r} is disabled in {sites.path}")

    lock_seconds = settings.crawl_lock_seconds
    lock = CrawlLock(site_name, ttl=lock_seconds)
    try:
        if not lock.acquire():
            holder = lock.holder() or {}
            return _summary(
                site_name,
                started,
                "locked",
                f"another crawl of {site_name} is running (since {holder.get('since', '?')}, "
                f"lock expires in {holder.get('expires_in', '?')} s)",
            )
    except redis.RedisError as exc:
        return _summary(site_name, started, "failed", f"Redis unavailable: {exc}")

    run_id = lock.token.rsplit(":", 1)[-1]
    child_settings = {"CLOSESPIDER_TIMEOUT": round(lock_seconds * 0.8, 1), **(scrapy_settings or {})}
    deadline = time.monotonic() + (timeout if timeout is not None else lock_seconds * 0.9)
    log_file = log_path(site_name)
    cmd = _child_command(site_name, refetch, sites.path, child_settings)
    extra: dict[str, Any] = {"refetch": refetch, "run_id": run_id, "log": str(log_file)}
    result: dict[str, Any] | None = None
    child_error: str | None = None
    status_override: tuple[str, str] | None = None
    proc: subprocess.Popen | None = None
    lines: queue.Queue[str | None] = queue.Queue()
    try:
        with log_file.open("wb") as log:
            # Its own session: a Ctrl-C on the terminal reaches the parent only, which then
            # stops the child once, cleanly (a second signal would make Scrapy stop uncleanly).
            proc = subprocess.Popen(
                cmd,
                cwd=str(PROJECT_ROOT),
                env=_child_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
            reader = threading.Thread(target=_read_lines, args=(proc.stdout, lines), daemon=True)
            reader.start()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    status_override = ("timeout", "the crawl took too long and was stopped")
                    _stop(proc)
                    deadline = float("inf")
                    continue
                try:
                    line = lines.get(timeout=min(0.5, remaining))
                except queue.Empty:
                    continue
                if line is None:
                    break
                event = _parse_event(line)
                if event is None:
                    continue
                kind = event.pop("event", None)
                if kind == "progress" and progress is not None:
                    with contextlib.suppress(Exception):
                        progress(event)
                elif kind == "summary":
                    result = event
                elif kind == "error":
                    child_error = event.get("reason")
            proc.wait()
    except KeyboardInterrupt:
        status_override = ("interrupted", "interrupted by the user")
        if proc is not None:
            _stop(proc, grace=10.0)
            result = _drain(lines, timeout=5.0) or result
    except BaseException as exc:  # e.g. a Celery soft time limit: stop the child, record, re-raise
        if proc is not None:
            _stop(proc, grace=5.0)
        summary = _summary(site_name, started, "failed", f"{type(exc).__name__}: {exc}", **extra)
        _finish(lock, summary)
        raise
    finally:
        if proc is not None and proc.poll() is None:
            _stop(proc, grace=5.0)

    extra["exit_code"] = proc.returncode if proc is not None else None
    if result is not None:
        status, reason = _status_of(result)
        if status_override is not None:
            status, reason = status_override
        result.pop("site", None)
        summary = _summary(site_name, started, status, reason, **extra)
        summary.update(
            {k: v for k, v in result.items() if k not in ("started", "finished", "status", "reason")}
        )
    else:
        status, reason = status_override or (
            "failed",
            child_error
            or f"the crawler exited with code {proc.returncode} without a summary: {_tail(log_file)}",
        )
        summary = _summary(site_name, started, status, reason, **extra)
    summary["duration"] = round((_now() - started).total_seconds(), 3)
    _finish(lock, summary)
    return summary


def _finish(lock: CrawlLock, summary: dict[str, Any]) -> None:
    summary["finished"] = _iso(_now())
    try:
        record_run(summary)
    except redis.RedisError as exc:
        logger.warning("could not store the run summary of %s: %s", summary["site"], exc)
    try:
        lock.release()
    except redis.RedisError as exc:
        logger.warning(
            "could not release the crawl lock of %s (it expires by itself): %s", summary["site"], exc
        )


def _read_lines(stream, lines: queue.Queue) -> None:
    try:
        for raw in stream:
            lines.put(raw.decode("utf-8", "replace"))
    finally:
        lines.put(None)


def _drain(lines: queue.Queue, timeout: float) -> dict[str, Any] | None:
    """The summary among the lines still to read from a stopping child, if it writes one."""
    end = time.monotonic() + timeout
    summary = None
    while (remaining := end - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if line is None:
            break
        event = _parse_event(line)
        if event and event.pop("event", None) == "summary":
            summary = event
    return summary


def _parse_event(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def crawl_sites(
    names: list[str] | None = None,
    refetch: bool = False,
    on_summary: Callable[[dict[str, Any]], None] | None = None,
    **kwargs,
) -> list[dict[str, Any]]:
    """Crawl several sites one after the other (all valid sites of the sites file by default)."""
    if names is None:
        names = list(load_sites().sites)
    summaries = []
    for name in names:
        summary = run_crawl(name, refetch, **kwargs)
        summaries.append(summary)
        if on_summary is not None:
            on_summary(summary)
        if summary["status"] == "interrupted":
            break
    return summaries
