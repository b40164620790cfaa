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

`CrawlChild` is the child process (start, line reader, deadline, last lines on
stop); `run_crawl` is the lock and the record around it. Every summary is built
by `newssieve.store.crawl_runs.run_summary`, the owner of the run history.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import redis

from newssieve.ops.crawl_logs import run_log_path
from newssieve.settings import PARENT_PID_ENV, PROJECT_ROOT, get_settings
from newssieve.sites import InvalidSite, SitesFileError, load_sites
from newssieve.store.crawl_runs import CrawlLock, cancel_requested, iso, now, record_run, run_summary

logger = logging.getLogger(__name__)

# Statuses a run can end with, and the exit code `newssieve crawl` gives for each.
EXIT_CODES = {
    "ok": 0,
    "failed": 1,
    "timeout": 1,
    "interrupted": 130,
    "cancelled": 1,
    "unknown_site": 2,
    "invalid_site": 2,
    "locked": 3,
    "disabled": 4,
}

# Fields of the child's summary that the parent's own fields stand for.
CHILD_FIELDS_LEFT_OUT = frozenset({"site", "started", "finished", "status", "reason"})
CANCEL_POLL_SECONDS = 1.0


def log_path(site: str) -> Path:
    """Where a dry run's stderr goes: `{var_dir}/logs/crawl-{site}.log`, else the temp dir (a crawl run's
    log is kept per run: crawl_logs.py)."""
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


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + path if path else "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env[PARENT_PID_ENV] = str(os.getpid())  # this process may die before the child can ask who its parent is
    return env


class CrawlChild:
    """One crawl's child process (`python -m crawler.run`), run to its end and read.

    `run()` starts it in its own session (a Ctrl-C on the terminal reaches the parent only,
    which then stops the child once, cleanly: a second signal would make Scrapy stop
    uncleanly), sends its stderr to `log_file`, reads its JSON lines on a thread, hands
    progress events to `progress`, and stops it at `deadline` (time.monotonic()) or on
    Ctrl-C, or when `cancelled()` (asked every CANCEL_POLL_SECONDS) says so. `outcome()` and
    `counts()` then say how the crawl went.
    """

    def __init__(self, command: list[str], log_file: Path, deadline: float,
                 progress: Callable[[dict[str, Any]], None] | None = None,
                 cancelled: Callable[[], bool] | None = None):
        self.command = command
        self.log_file = log_file
        self.deadline = deadline
        self.progress = progress
        self.cancelled = cancelled
        self.proc: subprocess.Popen | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.summary: dict[str, Any] | None = None  # the child's summary event
        self.error: str | None = None  # the reason of the child's error event
        self.cut_short: tuple[str, str] | None = None  # (status, reason) when the parent stopped it

    @property
    def exit_code(self) -> int | None:
        return self.proc.returncode if self.proc is not None else None

    def run(self) -> None:
        """Run the child until it closes its stdout. After Ctrl-C the run ends "interrupted";
        any other exception propagates, the child stopped."""
        try:
            with self.log_file.open("wb") as log:
                self._start(log)
                for line in self._lines_until_closed():
                    self._take(parse_event(line))
                self.proc.wait()
        except KeyboardInterrupt:
            self.cut_short = ("interrupted", "interrupted by the user")
            if self.proc is not None:
                self.stop(grace=10.0)
                self.summary = self._summary_among_last_lines(timeout=5.0) or self.summary
        finally:
            if self.proc is not None:
                self.stop(grace=5.0)

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM (Scrapy shuts down cleanly and still reports), then SIGKILL after `grace` seconds."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            self.proc.wait()

    def outcome(self) -> tuple[str, str | None]:
        """(status, reason) of the run: the parent's word when it stopped the child, else the child's."""
        if self.cut_short is not None:
            return self.cut_short
        if self.summary is not None:
            return _status_of(self.summary)
        return "failed", self.error or (
            f"the crawler exited with code {self.exit_code} without a summary: {_tail(self.log_file)}"
        )

    def counts(self) -> dict[str, Any]:
        """What the child's summary adds to the run's (its counts, errors, finish reason)."""
        return {k: v for k, v in (self.summary or {}).items() if k not in CHILD_FIELDS_LEFT_OUT}

    def _start(self, log) -> None:
        self.proc = subprocess.Popen(
            self.command,
            cwd=str(PROJECT_ROOT),
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )
        threading.Thread(target=_read_lines, args=(self.proc.stdout, self.lines), daemon=True).start()

    def _lines_until_closed(self) -> Iterator[str]:
        """The child's lines as they come; at the deadline the child is stopped and its last lines read."""
        deadline, next_poll = self.deadline, time.monotonic() + CANCEL_POLL_SECONDS
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.cut_short = ("timeout", "the crawl took too long and was stopped")
                self.stop()
                deadline = float("inf")
                continue
            if self.cut_short is None and time.monotonic() >= next_poll:
                next_poll = time.monotonic() + CANCEL_POLL_SECONDS
                if self._cancel_asked():
                    self.cut_short = ("cancelled", "cancelled by an operator")
                    self.stop()
                    deadline = float("inf")
                    continue
            try:
                line = self.lines.get(timeout=min(0.5, remaining))
            except queue.Empty:
                continue
            if line is None:
                return
            yield line

    def _cancel_asked(self) -> bool:
        try:
            return self.cancelled is not None and self.cancelled()
        except redis.RedisError as exc:  # Redis away for a moment: the crawl goes on
            logger.warning("cannot read the crawl's cancel request: %s", exc)
            return False

    def _take(self, event: dict[str, Any] | None) -> None:
        kind = event.pop("event", None) if event is not None else None
        if kind == "progress" and self.progress is not None:
            with contextlib.suppress(Exception):  # a broken display must not end the crawl
                self.progress(event)
        elif kind == "summary":
            self.summary = event
        elif kind == "error":
            self.error = event.get("reason")

    def _summary_among_last_lines(self, timeout: float) -> dict[str, Any] | None:
        """The summary among the lines still to read from a stopping child, if it writes one."""
        end = time.monotonic() + timeout
        summary = None
        while (remaining := end - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                break
            if line is None:
                break
            event = parse_event(line)
            if event and event.pop("event", None) == "summary":
                summary = event
        return summary


class CrawlRefused(Exception):
    """A crawl that did not start (it is not a run: nothing is recorded); `status` and `reason` say why."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def run_crawl(
    site_name: str,
    refetch: bool = False,
    *,
    progress: Callable[[dict[str, Any]], None] | None = None,
    scrapy_settings: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Crawl one site now and return the run's summary (`status` says how it went).

    Statuses: "ok"; "failed" (with a `reason`); "timeout"; "interrupted"; "cancelled" (store.crawl_runs.
    request_cancel, from the API or the status page);
    "locked" (another crawl of the site holds the lock; nothing was done);
    "disabled" (the site's entry has enabled: false); "unknown_site" (the sites file does not
    list it); "invalid_site" (it lists it, but the entry does not validate: the reason says why).
    Only runs that took the lock are added to the history.
    """
    started = now()
    try:
        sites_path = _sites_file_of(site_name)
        lock = _take_lock(site_name)
    except CrawlRefused as refused:
        return run_summary(site_name, started, refused.status, refused.reason)

    log_file = run_log_path(site_name, lock.run_id)
    child_settings = {"CLOSESPIDER_TIMEOUT": round(lock.ttl * 0.8, 1), **(scrapy_settings or {})}
    child = CrawlChild(
        _child_command(site_name, refetch, sites_path, child_settings),
        log_file,
        deadline=time.monotonic() + (timeout if timeout is not None else lock.ttl * 0.9),
        progress=progress,
        cancelled=lambda: cancel_requested(site_name, lock.run_id, lock.client),
    )
    extra: dict[str, Any] = {"refetch": refetch, "run_id": lock.run_id, "log": str(log_file)}
    try:
        child.run()
    except BaseException as exc:  # e.g. a Celery soft time limit: the child is stopped; record, re-raise
        _finish(lock, run_summary(site_name, started, "failed", f"{type(exc).__name__}: {exc}", **extra))
        raise
    summary = run_summary(site_name, started, *child.outcome(), **extra, exit_code=child.exit_code)
    summary.update(child.counts())
    summary["duration"] = round((now() - started).total_seconds(), 3)
    _finish(lock, summary)
    return summary


def _sites_file_of(site_name: str) -> Path:
    """The sites file that lists `site_name`, enabled; CrawlRefused otherwise."""
    try:
        sites = load_sites()
        site = sites.site(site_name)
    except SitesFileError as exc:
        raise CrawlRefused("failed", str(exc)) from None
    except InvalidSite as exc:
        raise CrawlRefused("invalid_site", str(exc)) from None
    except KeyError as exc:
        raise CrawlRefused("unknown_site", str(exc).strip("'\"")) from None
    if not site.enabled:
        raise CrawlRefused("disabled", f"site {site_name!r} is disabled in {sites.path}")
    return sites.path


def _take_lock(site_name: str) -> CrawlLock:
    """The site's crawl lock, taken for `crawl_lock_seconds`; CrawlRefused when another crawl holds it."""
    lock = CrawlLock(site_name, ttl=get_settings().crawl_lock_seconds)
    try:
        if lock.acquire():
            return lock
        holder = lock.holder() or {}
    except redis.RedisError as exc:
        raise CrawlRefused("failed", f"Redis unavailable: {exc}") from None
    raise CrawlRefused(
        "locked",
        f"another crawl of {site_name} is running (since {holder.get('since', '?')}, "
        f"lock expires in {holder.get('expires_in', '?')} s)",
    )


def _finish(lock: CrawlLock, summary: dict[str, Any]) -> None:
    """Stamp the summary finished, add it to the site's history and release the lock (Redis may fail)."""
    summary["finished"] = iso(now())
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


def parse_event(line: str) -> dict[str, Any] | None:
    """A JSON object line of the child as a dict; None for anything else (a stray print, a half line)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None
