"""`newssieve up` as a real subprocess on free ports: it comes up, answers, and stops cleanly."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import psutil
import pytest

from newssieve.cli.up import flower_child
from newssieve.settings import PROJECT_ROOT
from tests.feeds_helper import free_port
from tests.test_dead_letters import wait_for

QUIET_SITES = ("sites:\n  - {name: quiet, domains: [quiet.test], feeds: ['http://quiet.test/rss'], "
               "article: ['/n/'], schedule: '0 0 1 1 *'}\n")  # beat runs, but schedules nothing now


def get(url: str, auth: tuple[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except OSError:
        return 0, b""


@pytest.fixture
def up(prefix, tmp_path, monkeypatch):
    """Start `newssieve up` with extra arguments; yields a starter returning (process, api URL, log path)."""
    sites = tmp_path / "sites.yaml"
    sites.write_text(QUIET_SITES, encoding="utf-8")
    monkeypatch.setenv("NEWSSIEVE_SITES", str(sites))
    monkeypatch.delenv("NEWSSIEVE_FLOWER_PASSWORD", raising=False)
    started = []

    def start(*args: str, pipe: bool = False):
        """pipe: its stderr and stdout into a pipe the test reads (and may close), else into the log."""
        port = free_port()
        log = tmp_path / f"up-{len(started)}.log"
        with log.open("wb") as stderr:
            command = [sys.executable, "-m", "newssieve", "up", "--port", str(port), "--workers", "1",
                       "--log-level", "WARNING", "--grace", "20", *args]
            proc = subprocess.Popen(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE if pipe else subprocess.DEVNULL,
                                    stderr=subprocess.STDOUT if pipe else stderr)
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: get(url + "/health")[0] == 200 or proc.poll() is not None, what="/health")
        assert proc.poll() is None, log.read_text()
        return proc, url, log

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def descendants(proc: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(proc.pid).children(recursive=True)


def all_gone(processes: list[psutil.Process]) -> bool:
    return not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in processes)


def test_up_runs_everything_and_stops_cleanly_on_ctrl_c(up):
    flower_port = free_port()
    proc, url, log = up("--flower-port", str(flower_port))

    def workers() -> list[str]:
        answer = json.loads(get(url + "/status.json")[1] or b'{"workers": {}}')
        return sorted(name.split("-")[0] for name in answer["workers"])

    assert wait_for(lambda: workers() == ["crawl", "process"], what="both workers answering")
    assert get(url + "/metrics")[0] == 200

    flower = f"http://127.0.0.1:{flower_port}"
    wait_for(lambda: get(flower + "/healthcheck")[0] == 200, what="Flower")
    secret_file = re.search(r"user admin, password in (\S+) \(generated", log.read_text()).group(1)
    password = open(secret_file, encoding="utf-8").read().strip()
    assert get(flower + "/api/workers")[0] == 401  # the API too needs the password
    assert get(flower + "/api/workers", auth=("admin", password))[0] == 200
    assert password not in " ".join(" ".join(p.cmdline()) for p in descendants(proc))  # not on a command line

    children = descendants(proc)
    assert len(psutil.Process(proc.pid).children()) == 5  # worker, crawler, beat, api, flower
    proc.send_signal(signal.SIGINT)
    assert proc.wait(40) == -signal.SIGINT, log.read_text()[-3000:]  # the shell says 130
    assert all_gone(children)
    assert get(url + "/health")[0] == 0 and get(flower + "/healthcheck")[0] == 0
    assert port_free(url) and not os.path.exists(secret_file)
    text = log.read_text()
    assert password not in text and "SIGINT: stopping" in text


def port_free(url: str) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT ok, a listener not
        try:
            sock.bind(("127.0.0.1", int(url.rsplit(":", 1)[1])))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_up_stops_everything_on_sigterm_and_sighup(up, signum):
    proc, url, log = up("--no-flower")
    children = descendants(proc)
    assert len(psutil.Process(proc.pid).children()) == 4
    proc.send_signal(signum)
    assert proc.wait(40) == -signum, log.read_text()[-3000:]
    assert all_gone(children) and port_free(url)


def test_up_stops_everything_when_its_output_is_closed(up):
    """`newssieve up | head -1`, or `| tee` killed by the same Ctrl-C: the reader goes, the children stop."""
    proc, url, _log = up("--no-flower", pipe=True)
    children = descendants(proc)
    first = proc.stdout.readline()
    proc.stdout.close()
    assert first and proc.wait(40) == -signal.SIGPIPE
    assert all_gone(children) and port_free(url)


def test_up_stops_its_children_on_an_exception(monkeypatch):
    from newssieve.cli import up as up_module

    sleeper = up_module.Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])

    def broken(_url: str) -> bool:
        raise KeyError("boom")

    monkeypatch.setattr(up_module, "_answers", broken)
    supervisor = up_module.Supervisor([sleeper], grace=5)
    with pytest.raises(KeyError):
        supervisor.run("http://127.0.0.1:1/health", [])
    assert sleeper.proc.poll() is not None
    for signum in up_module.STOP_SIGNALS:
        signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)


def test_up_stops_everything_and_fails_when_a_part_dies(up):
    proc, url, log = up("--no-flower")
    children = descendants(proc)
    (api,) = [p for p in psutil.Process(proc.pid).children() if "serve" in p.cmdline()]
    api.kill()
    assert proc.wait(40) == 1
    assert all_gone(children)
    assert "api exited with code -9: stopping everything" in log.read_text()


def test_flower_gets_a_password_always(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSSIEVE_FLOWER_PASSWORD", raising=False)
    child, line = flower_child("0.0.0.0", 5555, tmp_path)
    assert "--address=127.0.0.1" in child.command  # a generated password: loopback only
    user, password = child.env["FLOWER_BASIC_AUTH"].split(":", 1)
    assert user == "admin" and len(password) >= 16 and password not in line  # never on the console
    secret = tmp_path / "flower-5555.password"
    assert str(secret) in line and secret.read_text().strip() == password
    assert secret.stat().st_mode & 0o077 == 0  # its owner's only

    monkeypatch.setenv("NEWSSIEVE_FLOWER_USER", "ops")
    monkeypatch.setenv("NEWSSIEVE_FLOWER_PASSWORD", "chosen-secret")
    child, line = flower_child("0.0.0.0", 5555, tmp_path / "other")
    assert "--address=0.0.0.0" in child.command and child.env["FLOWER_BASIC_AUTH"] == "ops:chosen-secret"
    assert "chosen-secret" not in line and "chosen-secret" not in " ".join(child.command)
