"""`newssieve up`: the whole service in the foreground (workers, beat, API, Flower) until Ctrl-C or SIGTERM.

Every part is a child process in its own process group, so a Ctrl-C on the terminal reaches
`up` alone; `up` then sends each child one SIGTERM (Celery's warm shutdown, uvicorn's graceful
one), waits up to --grace seconds and kills what is left. A child that exits by itself stops
the others and `up` exits 1. The children write their logs straight to the console.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

import click

from newssieve.ops.worker_procs import worker_command
from newssieve.settings import PROJECT_ROOT, get_settings

POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env={**os.environ, **self.env},
                                     stdin=subprocess.DEVNULL, process_group=0)

    def signal(self, signum: int, group: bool = False) -> None:
        with contextlib.suppress(ProcessLookupError):
            if group:  # the child and what it started in its group (a worker's pool processes)
                os.killpg(self.proc.pid, signum)
            else:
                self.proc.send_signal(signum)


def flower_child(host: str, port: int) -> tuple[Child, str]:
    """Flower with basic auth always (its HTTP API included), and the line that tells how to log in.

    Without NEWSSIEVE_FLOWER_PASSWORD it gets a password generated for this run and listens on
    127.0.0.1 only. The credentials go by environment (FLOWER_BASIC_AUTH), not on the command line.
    """
    user = os.environ.get("NEWSSIEVE_FLOWER_USER") or "admin"
    password = os.environ.get("NEWSSIEVE_FLOWER_PASSWORD")
    note = f"user {user}, password from NEWSSIEVE_FLOWER_PASSWORD"
    if not password:
        password, host = secrets.token_urlsafe(12), "127.0.0.1"
        note = f"user {user}, password {password} (generated for this run: set NEWSSIEVE_FLOWER_PASSWORD)"
    command = [sys.executable, "-m", "celery", "-A", "workers.app", "flower", f"--address={host}",
               f"--port={port}"]
    return Child("flower", command, {"FLOWER_BASIC_AUTH": f"{user}:{password}"}), \
        f"Flower  http://{host}:{port}/  ({note})"


def children(workers: int, crawlers: int, host: str, port: int, flower_port: int | None,
             log_level: str) -> tuple[list[Child], list[str]]:
    """The processes to run, in start order, and the lines that say where to find them."""
    tag = os.getpid()
    parts = [
        Child("worker", worker_command(["-Q", "process", "-c", str(workers), "-l", log_level,
                                        "-n", f"process-{tag}@%h"])),
        Child("crawler", worker_command(["-Q", "crawl", "-c", str(crawlers), "-l", log_level,
                                         "-n", f"crawl-{tag}@%h"])),
        Child("beat", [sys.executable, "-m", "celery", "-A", "workers.app", "beat", "-l", log_level]),
        Child("api", [sys.executable, "-m", "newssieve", "serve", "--host", host, "--port", str(port),
                      "--log-level", log_level.lower()]),
    ]
    base = f"http://{host}:{port}"
    where = [f"API     {base}/  · status {base}/status · metrics {base}/metrics · docs {base}/docs"]
    if flower_port is not None:
        flower, line = flower_child(host, flower_port)
        parts.append(flower)
        where.append(line)
    return parts, where


class Supervisor:
    """Starts the children, watches them, and stops them all once."""

    def __init__(self, parts: list[Child], grace: float):
        self.parts = parts
        self.grace = grace
        self.signals = 0

    def _on_signal(self, signum, _frame) -> None:
        self.signals += 1

    def run(self, ready_url: str, where: list[str]) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        for part in self.parts:
            part.start()
        announced = False
        while not self.signals:
            dead = [part for part in self.parts if part.proc.poll() is not None]
            if dead:
                for part in dead:
                    _say(f"{part.name} exited with code {part.proc.returncode}: stopping everything")
                self.stop()
                return 1
            if not announced and _answers(ready_url):
                announced = True
                _say("newssieve is up (Ctrl-C stops it)\n  " + "\n  ".join(where))
            time.sleep(POLL_SECONDS)
        _say("stopping ...")
        return self.stop()

    def stop(self) -> int:
        """SIGTERM to every running child, wait up to `grace` seconds (or until another Ctrl-C), then kill."""
        for part in reversed(self.parts):
            if part.proc.poll() is None:
                part.signal(signal.SIGTERM)
        signals_seen = self.signals
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and self.signals == signals_seen:
            if all(part.proc.poll() is not None for part in self.parts):
                return 0
            time.sleep(POLL_SECONDS)
        for part in self.parts:
            if part.proc.poll() is None:
                _say(f"{part.name} did not stop in time: killed")
                part.signal(signal.SIGKILL, group=True)
                part.proc.wait()
        return 1


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _say(message: str) -> None:
    click.echo(f"newssieve up: {message}", err=True)


@click.command()
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Processes of the worker that cleans, dedupes and stores pages.")
@click.option("--crawlers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Crawls that may run at once (separate worker on the crawl queue).")
@click.option("--host", help="Address of the API.  [default: NEWSSIEVE_API_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="[default: NEWSSIEVE_API_PORT or 8000]")
@click.option("--flower-port", default=5555, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-flower", is_flag=True, help="Do not start Flower even when it is installed.")
@click.option("--grace", default=30.0, show_default=True, help="Seconds the children get to stop.")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
def up(workers: int, crawlers: int, host: str | None, port: int | None, flower_port: int, no_flower: bool,
       grace: float, log_level: str) -> None:
    """Run the whole service here, in the foreground: workers, beat (crawl schedules), API, Flower.

    Needs a Redis: NEWSSIEVE_REDIS_URL, else 127.0.0.1:6379 if it answers, else an embedded one.
    Exits 0 after Ctrl-C or SIGTERM when everything stopped in time, 1 when a part died or had to be killed.
    """
    from newssieve.api.auth import is_loopback
    from newssieve.redis_conn import redis_available

    flower = not no_flower and importlib.util.find_spec("flower") is not None
    if not no_flower and not flower:
        _say("Flower is not installed (pip install 'newssieve[ops]'): running without it")
    try:
        with redis_available() as url:
            settings = get_settings()
            host = host or settings.api_host
            port = settings.api_port if port is None else port
            if not is_loopback(host) and not settings.api_token:
                _say(f"warning: API on {host} without NEWSSIEVE_API_TOKEN")
            parts, where = children(workers, crawlers, host, port, flower_port if flower else None,
                                    log_level.upper())
            where.append(f"Redis   {url} · prefix {settings.prefix}")
            probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
            code = Supervisor(parts, grace).run(f"http://{probe_host}:{port}/health", where)
    except RuntimeError as exc:  # no Redis could be found or started
        _say(str(exc))
        code = 1
    sys.exit(code)


COMMANDS = [up]
