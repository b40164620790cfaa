"""Running things: a worker, the demo news network, and the end-to-end demo."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from newssieve.settings import PROJECT_ROOT


def worker_command(extra: list[str]) -> list[str]:
    """The celery worker command line; default queues are both newssieve queues."""
    cmd = [sys.executable, "-m", "celery", "-A", "workers.app", "worker"]
    if not any(arg == "-Q" or arg.startswith("--queues") for arg in extra):
        cmd += ["-Q", "crawl,process"]
    return cmd + extra


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(celery_args: tuple[str, ...]) -> None:
    """Start a Celery worker (any `celery worker` option passes through)."""
    os.chdir(PROJECT_ROOT)
    os.execv(sys.executable, worker_command(list(celery_args)))


@click.command("demo-sites")
@click.option("--port", default=8701, show_default=True, help="Port of the first site; the others follow.")
def demo_sites(port: int) -> None:
    """Serve the bundled demo news network on 127.0.0.1 in the foreground."""
    from demo.network import serve_forever

    serve_forever(base_port=port)


@click.command()
@click.option("--workers", "concurrency", default=2, show_default=True, help="Worker processes.")
def demo(concurrency: int) -> None:
    """Crawl the bundled demo network, clean, dedupe and print the deduplicated feed."""
    from newssieve.demo_run import run_demo

    sys.exit(run_demo(concurrency))


def start_worker(concurrency: int, env: dict | None = None,
                 queues: str = "crawl,process") -> subprocess.Popen:
    """A real Celery worker in a child process (used by the demo, `up` and the tests)."""
    cmd = worker_command(["-Q", queues, "-c", str(concurrency), "-l", "WARNING", "--without-gossip",
                          "--without-mingle", "-n", f"newssieve-{os.getpid()}@%h"])
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env or os.environ.copy())


COMMANDS = [worker, demo_sites, demo]
