"""The API through a real uvicorn server on 127.0.0.1, over HTTP."""

from __future__ import annotations

import feedparser
import httpx
import pytest

from newssieve.api.app import create_app
from tests.feeds_helper import build_newsroom, running_server


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
