"""Celery worker processes, started by module name (`celery -A workers.app worker`), never imported."""

from __future__ import annotations

import os
import subprocess
import sys

from newssieve.settings import PROJECT_ROOT
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE

ALL_QUEUES = f"{CRAWL_QUEUE},{PROCESS_QUEUE}"


def worker_command(extra: list[str], quiet: bool = False) -> list[str]:
    """The celery worker command line; default queues are both newssieve queues; quiet: no ASCII banner."""
    cmd = [sys.executable, "-m", "celery", "-A", "workers.app", *(["--quiet"] if quiet else []), "worker"]
    if not any(arg == "-Q" or arg.startswith("--queues") for arg in extra):
        cmd += ["-Q", ALL_QUEUES]
    return cmd + extra


def start_worker(concurrency: int, env: dict | None = None, queues: str = ALL_QUEUES) -> subprocess.Popen:
    """A real Celery worker in a child process (used by the demo, `up` and the tests)."""
    cmd = worker_command(["-Q", queues, "-c", str(concurrency), "-l", "WARNING", "--without-gossip",
                          "--without-mingle", "-n", f"newssieve-{os.getpid()}@%h"])
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env or os.environ.copy())
