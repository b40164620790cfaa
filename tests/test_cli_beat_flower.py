"""`newssieve beat` and `newssieve flower`: their own -h, every other option passed through to Celery or
Flower, run for real (beat samples the status history; Flower answers on the port given, behind its login)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner

from newssieve.cli import main
from newssieve.settings import PROJECT_ROOT
from newssieve.store.status_history import StatusHistory
from tests.feeds_helper import free_port, use_sites_file
from tests.test_dead_letters import wait_for


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""


def test_beat_and_flower_have_their_own_help():
    for name, words in (("beat", "cron schedule"), ("flower", "127.0.0.1:5555")):
        shown = CliRunner().invoke(main, [name, "-h"])
        assert shown.exit_code == 0 and shown.output.startswith(f"Usage: main {name} [OPTIONS]")
        assert words in " ".join(shown.output.split())


def test_beat_passes_options_through_and_samples_the_status_history(client, prefix, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "beat", "-l", "INFO", "--max-interval", "2"],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        point = wait_for(lambda: StatusHistory().points(), 30, "beat's first status sample")[0]
    finally:
        output = stop(proc)
    assert {"waiting_crawl", "waiting_process", "received", "stored"} <= set(point), point
    assert abs(point["t"] - time.time()) < 60
    assert "beat schedule:" in output and "crawl:wire" in output, output[-2000:]  # -l INFO reached Celery


def test_flower_listens_on_loopback_on_the_port_given_behind_its_login(prefix):
    port = free_port()
    env = {**os.environ, "NEWSSIEVE_FLOWER_PASSWORD": "flower-pass-1"}
    env.pop("FLOWER_BASIC_AUTH", None)
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "flower", f"--port={port}"], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/api/workers"

    def answer():
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return None

    try:
        refused = wait_for(answer, 60, "Flower answering")
        allowed = httpx.get(url, auth=("admin", "flower-pass-1"), timeout=5)
    finally:
        stop(proc)
    assert refused.status_code == 401 and allowed.status_code == 200
