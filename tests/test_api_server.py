"""The API through a real uvicorn server on 127.0.0.1, over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import feedparser
import httpx
import pytest

from newssieve.api.app import create_app
from newssieve.settings import PROJECT_ROOT
from tests.feeds_helper import build_newsroom, free_port, running_server


@pytest.fixture
def base_url(client, tmp_path, monkeypatch):
    build_newsroom(client, tmp_path, monkeypatch)
    with running_server(create_app()) as url:
        yield url


def test_feeds_json_atom_and_health_over_http(base_url):
    with httpx.Client(base_url=base_url, timeout=10) as http:
        assert http.get("/health").json()["status"] == "ok"
        page = http.get("/feeds/all", params={"limit": 3})
        assert page.status_code == 200 and len(page.json()["entries"]) == 3
        rest = http.get("/feeds/all", params={"limit": 3, "cursor": page.json()["next_cursor"]}).json()
        assert [e["title"] for e in rest["entries"]] == ["River floods the harbour"]
        atom = feedparser.parse(http.get("/feeds/english.atom").content)
        assert atom.bozo == 0 and len(atom.entries) == 3
        assert http.get("/feeds/all", params={"limit": "lots"}).status_code == 422
        assert http.get("/feeds/nope.rss").status_code == 404


def test_serve_command_runs_the_api_on_the_given_port(client, tmp_path, monkeypatch):
    build_newsroom(client, tmp_path, monkeypatch)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "serve", "--port", str(port),
                             "--log-level", "warning"], cwd=PROJECT_ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "serve did not answer within 30 s"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        feed = httpx.get(f"http://127.0.0.1:{port}/feeds/all", timeout=5).json()
        assert len(feed["entries"]) == 4
    finally:
        proc.terminate()
        proc.wait(10)
