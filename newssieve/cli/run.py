"""Running things: a worker, the demo news network, and the end-to-end demo.

The demo lives in `demo/`, above the core: it is started by module name, as crawls start `crawler.run`.
"""

from __future__ import annotations

import os
import subprocess
import sys

import click

from newssieve.ops.worker_procs import worker_command
from newssieve.settings import PROJECT_ROOT


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Start a Celery worker (any `celery worker` option passes through)."""
    os.chdir(PROJECT_ROOT)
    os.execv(sys.executable, worker_command(list(celery_args)))


def _run_module(module: str, *args: str) -> int:
    """`python -m module args` from the project root; Ctrl-C reaches the child, which ends itself."""
    proc = subprocess.Popen([sys.executable, "-m", module, *args], cwd=PROJECT_ROOT)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return proc.wait()


@click.command("demo-sites")
@click.option("--port", default=8701, show_default=True, help="Port of the first site; the others follow.")
def demo_sites(port: int) -> None:
    """Serve the bundled demo news network on 127.0.0.1 in the foreground."""
    sys.exit(_run_module("demo.network", "--port", str(port)))


@click.command()
@click.option("--workers", "concurrency", default=2, show_default=True, help="Worker processes.")
def demo(concurrency: int) -> None:
    """Crawl the bundled demo network, clean, dedupe and print the deduplicated feed."""
    sys.exit(_run_module("demo.run", "--workers", str(concurrency)))


COMMANDS = [worker, demo_sites, demo]
