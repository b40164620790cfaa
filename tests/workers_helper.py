"""Starting and stopping real Celery worker processes for tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess

from newssieve.ops.worker_procs import start_worker


@contextlib.contextmanager
def celery_worker(concurrency: int = 2, queues: str = "crawl,process", **env: str):
    """A real `celery worker` child process with the given NEWSSIEVE_* environment."""
    environment = os.environ.copy()
    environment.update(env)
    proc = start_worker(concurrency, env=environment, queues=queues)
    try:
        yield proc
    finally:
        stop_worker(proc)


def stop_worker(proc: subprocess.Popen, timeout: float = 30) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
