"""`newssieve up`: the whole service in the foreground (workers, beat, API, Flower) until Ctrl-C or SIGTERM.

Every part is a child process in its own process group, so a Ctrl-C on the terminal reaches
`up` alone; `up` then sends each child one SIGTERM (Celery's warm shutdown, uvicorn's graceful
one), waits up to --grace seconds and kills what is left. The children stop on every way out of
`up`: SIGINT, SIGTERM, SIGHUP, its output closed (`| head -1`, a `tee` gone on Ctrl-C), an exception.
A child that exits by itself stops the others and `up` exits 1. The children's lines go through
`up` (newssieve.ops.console): one format, each line with its process name, secrets masked.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS, DEFAULT_LOG_LEVEL, LOG_LEVELS
from newssieve.ops.console import Console, output_closed
from newssieve.ops.flower import command as flower_command
from newssieve.ops.worker_procs import worker_command
from newssieve.settings import PROJECT_ROOT, get_settings

POLL_SECONDS = 0.2
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CONSOLE = Console()
ROOT_NOTE = ("running as root: the workers run tasks as root too, which Celery rightly warns about; "
             "run `newssieve up` as an unprivileged user")


@dataclass
class Child:
    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    output: threading.Thread | None = None

    def start(self) -> None:
        env = {**os.environ, "NEWSSIEVE_LOG_FORMAT": "json", "NEWSSIEVE_QUIET_TASKS": "1",
               "PYTHONUNBUFFERED": "1", **self.env}
        self.proc = subprocess.Popen(self.command, cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, process_group=0)
        self.output = CONSOLE.follow(self.name, self.proc.stdout)

    def signal(self, signum: int, group: bool = False) -> None:
        with contextlib.suppress(ProcessLookupError):
            if group:  # the child and what it started in its group (a worker's pool processes)
                os.killpg(self.proc.pid, signum)
            else:
                self.proc.send_signal(signum)


def flower_child(host: str, port: int, run_dir: Path) -> tuple[Child, str]:
    """Flower with basic auth always (its HTTP API included), and the line that tells how to log in.

    Without NEWSSIEVE_FLOWER_PASSWORD it gets a password generated for this run, written to a file
    only its owner reads (never to the console), and listens on 127.0.0.1 only. The credentials go
    by environment (FLOWER_BASIC_AUTH), not on the command line.
    """
    user = os.environ.get("NEWSSIEVE_FLOWER_USER") or "admin"
    password = os.environ.get("NEWSSIEVE_FLOWER_PASSWORD")
    note = f"user {user}, password from NEWSSIEVE_FLOWER_PASSWORD"
    if not password:
        password, host = secrets.token_urlsafe(12), "127.0.0.1"
        run_dir.mkdir(parents=True, exist_ok=True)
        secret = run_dir / f"flower-{port}.password"
        secret.touch(mode=0o600)
        secret.chmod(0o600)
        secret.write_text(password + "\n", encoding="utf-8")
        note = f"user {user}, password in {secret} (generated for this run: set NEWSSIEVE_FLOWER_PASSWORD)"
    CONSOLE.secrets.add(password)
    env = {"FLOWER_BASIC_AUTH": f"{user}:{password}"}
    broker_api = get_settings().broker_api
    if broker_api:  # RabbitMQ's management API: Flower's Broker page reads it (else AMQP: ops.flower)
        env["FLOWER_BROKER_API"] = broker_api
        CONSOLE.secrets.update(_url_passwords(broker_api))
    # Flower through ops.flower: both queues, every worker even when it answers after Flower started
    command = flower_command([f"--address={host}", f"--port={port}"])
    return Child("flower", command, env), f"Flower  http://{host}:{port}/  ({note})"


def _url_passwords(url: str) -> set[str]:
    from urllib.parse import urlsplit

    password = urlsplit(url).password
    return {password} if password else set()


def children(workers: int, crawlers: int, host: str, port: int, flower_port: int | None,
             log_level: str, run_dir: Path) -> tuple[list[Child], list[str]]:
    """The processes to run, in start order, and the lines that say where to find them."""
    tag = os.getpid()
    celery = [sys.executable, "-m", "celery", "-A", "workers.app", "--quiet"]  # no ASCII banners
    parts = [
        Child("worker", worker_command(["-Q", "process", "-c", str(workers), "-l", log_level,
                                        "-n", f"process-{tag}@%h"], quiet=True)),
        Child("crawler", worker_command(["-Q", "crawl", "-c", str(crawlers), "-l", log_level,
                                         "-n", f"crawl-{tag}@%h"], quiet=True)),
        Child("beat", [*celery, "beat", "-l", log_level]),
        Child("api", [sys.executable, "-m", "newssieve", "serve", "--host", host, "--port", str(port),
                      "--log-level", log_level.lower()]),
    ]
    base = f"http://{host}:{port}"
    where = [f"API     {base}/  · status {base}/status · metrics {base}/metrics · docs {base}/docs"]
    if flower_port is not None:
        flower, line = flower_child(host, flower_port, run_dir)
        parts.append(flower)
        where.append(line)
    if os.geteuid() == 0:  # said once here; the children leave Celery's multi-line warning out
        for part in parts:
            part.env["NEWSSIEVE_ROOT_NOTED"] = "1"
    return parts, where


class Supervisor:
    """Starts the children, watches them, and stops them all once, however `up` ends."""

    def __init__(self, parts: list[Child], grace: float):
        self.parts = parts
        self.grace = grace
        self.signals = 0
        self.stop_signal: int | None = None  # what ended the run: a signal, or SIGPIPE for a closed output

    def _on_signal(self, signum, _frame) -> None:
        self.signals += 1
        self.stop_signal = self.stop_signal or signum

    def run(self, ready_url: str, where: list[str]) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        try:
            for part in self.parts:
                part.start()
            code = self._watch(ready_url, where)
        except BaseException:
            self.stop()
            raise
        return self.stop() or code

    def _watch(self, ready_url: str, where: list[str]) -> int:
        announced = False
        while not self.signals:
            if CONSOLE.broken or output_closed():
                self.stop_signal = signal.SIGPIPE
                return 0
            dead = [part for part in self.parts if part.proc.poll() is not None]
            if dead:
                for part in dead:
                    _say(f"{part.name} exited with code {part.proc.returncode}: stopping everything")
                return 1
            if not announced and _answers(ready_url):
                announced = True
                for line in ["newssieve is up (Ctrl-C stops it)", *where]:
                    _say(line)
            time.sleep(POLL_SECONDS)
        _say(f"{signal.Signals(self.stop_signal).name}: stopping ...")
        return 0

    def stop(self) -> int:
        """SIGTERM to every running child, wait up to `grace` seconds (or until another signal), then kill.

        0 when all stopped in time, 1 when one had to be killed; a second call finds nothing to do.
        """
        for part in reversed(self.parts):
            if part.proc is not None and part.proc.poll() is None:
                part.signal(signal.SIGTERM)
        signals_seen = self.signals
        deadline = time.monotonic() + self.grace
        code = 1
        while time.monotonic() < deadline and self.signals == signals_seen:
            if all(part.proc is None or part.proc.poll() is not None for part in self.parts):
                code = 0
                break
            time.sleep(POLL_SECONDS)
        for part in self.parts:
            if part.proc is not None and part.proc.poll() is None:
                _say(f"{part.name} did not stop in time: killed")
                part.signal(signal.SIGKILL, group=True)
                part.proc.wait()
            if part.output is not None:
                part.output.join(timeout=2)  # its last lines
        return code


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=f"{parts.username}:**@{host}"))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _say(message: str) -> None:
    CONSOLE.write("up", message)


def _exit(code: int, stop_signal: int | None) -> None:
    """Exit as a stopped program should: by the signal that stopped it when all went well (the shell
    then sees 130 for Ctrl-C, and a calling script stops too), else with `code`."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
        sys.stdout.flush()
    if code == 0 and stop_signal is not None:
        signal.signal(stop_signal, signal.SIG_DFL)
        os.kill(os.getpid(), stop_signal)
        code = 128 + stop_signal
    os._exit(code) if CONSOLE.broken else sys.exit(code)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Processes of the worker that cleans, dedupes and stores pages.")
@click.option("--crawlers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Crawls that may run at once (separate worker on the crawl queue).")
@click.option("--host", help="Address of the API.  [default: NEWSSIEVE_API_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="[default: NEWSSIEVE_API_PORT or 8000]")
@click.option("--flower-port", default=5555, show_default=True, type=click.IntRange(1, 65535),
              help="Port of Flower, the Celery monitor.")
@click.option("--no-flower", is_flag=True, help="Do not start Flower even when it is installed.")
@click.option("--grace", default=30.0, show_default=True, help="Seconds the children get to stop.")
@click.option("--log-level", default=DEFAULT_LOG_LEVEL, show_default=True,
              type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="Least severe level logged by every part (any case).")
def up(workers: int, crawlers: int, host: str | None, port: int | None, flower_port: int, no_flower: bool,
       grace: float, log_level: str) -> None:
    """Run the whole service here, in the foreground: workers, beat (crawl schedules), API, Flower.

    Needs a Redis: NEWSSIEVE_REDIS_URL, else 127.0.0.1:6379 if it answers, else an embedded one.
    Exits by the signal that stopped it (130 in the shell for Ctrl-C) when everything stopped in time,
    1 when a part died or had to be killed.
    """
    from newssieve.api.auth import is_loopback
    from newssieve.redis_conn import redis_available

    flower = not no_flower and importlib.util.find_spec("flower") is not None
    if not no_flower and not flower:
        _say("Flower is not installed (pip install 'newssieve[ops]'): running without it")
    if os.geteuid() == 0:
        _say(ROOT_NOTE)
    supervisor = None
    try:
        with redis_available() as url:
            settings = get_settings()
            host = host or settings.api_host
            port = settings.api_port if port is None else port
            if not is_loopback(host) and not settings.api_token:
                _say(f"warning: API on {host} without NEWSSIEVE_API_TOKEN")
            run_dir = settings.var_dir / "run"
            parts, where = children(workers, crawlers, host, port, flower_port if flower else None,
                                    log_level.upper(), run_dir)
            where.append(f"Redis   {url} · prefix {settings.prefix}")
            if settings.broker_url:
                where.append(f"Broker  {_without_password(settings.broker_url)}")
            probe_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
            supervisor = Supervisor(parts, grace)
            try:
                code = supervisor.run(f"http://{probe_host}:{port}/health", where)
            finally:
                with contextlib.suppress(OSError):
                    (run_dir / f"flower-{flower_port}.password").unlink(missing_ok=True)
    except RuntimeError as exc:  # no Redis could be found or started
        _say(str(exc))
        code = 1
    _exit(code, supervisor.stop_signal if supervisor else None)


COMMANDS = [up]
