"""The API's two promises: with a token set, no route answers without it; and no request makes the
service fetch a URL of the caller's choosing.

Routes are enumerated from the app itself (routers FastAPI includes lazily, mounts, docs), so a
route added later is covered without touching this file. Every method a route has is tried, and
the token is tried missing, wrong, almost right and in the wrong place.
"""

from __future__ import annotations

import ast
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.settings import PROJECT_ROOT
from tests.reliability_routes import app_routes, fill

TOKEN = "s3cret-Token_42"
WRONG = [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer wrong"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": f"Bearer {TOKEN.lower()}"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
    {"Authorization": f"Token {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN} {TOKEN}"},
    {"X-Api-Token": TOKEN},
    {"Cookie": f"token={TOKEN}"},
]
IDS = {"article_id": "0" * 20, "cluster_id": "0" * 20, "name": "all", "letter_id": "0" * 12,
       "path": "style.css"}


def every_request(app) -> list[tuple[str, str]]:
    """(method, path) for every method of every route, and a few paths no route has."""
    out = []
    for route in app_routes(app):
        path = route.path + "/style.css" if route.mount else fill(route.path, IDS)
        for method in sorted(route.methods | {"OPTIONS"}):
            out.append((method, path))
    out += [("GET", "/no/such/route"), ("GET", "//feeds"), ("GET", "/feeds/../status.json"),
            ("GET", "/static/../openapi.json"), ("GET", "/%66eeds"), ("POST", "/feeds")]
    return out


@pytest.fixture
def api(client) -> TestClient:
    return TestClient(create_app(token=TOKEN), raise_server_exceptions=False)


def test_every_route_and_method_refuses_a_missing_or_wrong_token(api):
    requests = every_request(api.app)
    paths = {path for _, path in requests}
    assert {"/", "/feeds", "/feeds/all", "/feeds/all.atom", "/feeds/all.rss", "/health", "/metrics",
            "/status", "/status.json", "/docs", "/redoc", "/openapi.json", "/static/style.css",
            f"/articles/{'0' * 20}", f"/clusters/{'0' * 20}", f"/dead/{'0' * 12}/requeue"} <= paths
    assert len(requests) > 40
    let_through = []
    for method, path in requests:
        for headers in WRONG:
            response = api.request(method, path, headers=headers)
            if response.status_code != 401 or response.headers.get("www-authenticate") != "Bearer":
                let_through.append((method, path, headers, response.status_code))
        for query in ({"token": TOKEN}, {"access_token": TOKEN}, {"api_key": TOKEN}):
            if api.request(method, path, params=query).status_code != 401:
                let_through.append((method, path, query))
    assert not let_through, let_through[:20]


def test_the_right_token_opens_every_read_route(api):
    opened = {}
    for method, path in every_request(api.app):
        if method == "GET":
            opened[path] = api.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code
    assert all(code != 401 for code in opened.values()), opened
    assert opened["/feeds"] == opened["/health"] == opened["/status.json"] == 200


# -- no fetching of caller-chosen URLs ----------------------------------------------------------------------

class Canary(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that counts the requests it gets."""

    def __init__(self):
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                canary.hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"<rss><channel><item><link>http://127.0.0.1/</link></item></channel></rss>")

            do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def canary() -> Iterator[Canary]:
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_no_request_makes_the_service_fetch_a_url_of_the_callers_choice(api, canary):
    base = f"http://127.0.0.1:{canary.server_address[1]}"
    urls = [f"{base}/feed.xml", f"{base}/a?b=c", base.replace("http://", "//"), f"{base}/%2e%2e/x"]
    schema = api.get("/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    tried = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", [])
                     if p["in"] == "query" and p.get("schema", {}).get("type") in ("string", None)]
            for url in urls:
                filled = fill(path, {**IDS, **{p["name"]: url for p in operation.get("parameters", [])
                                               if p["in"] == "path" and p["name"] == "name"}})
                headers = {"Authorization": f"Bearer {TOKEN}", "Host": base.split("//")[1],
                           "X-Forwarded-Host": base.split("//")[1], "Referer": url, "Link": f"<{url}>"}
                api.request(method.upper(), filled, params={n: url for n in names}, headers=headers,
                            json={"url": url, "feed": url})
                tried += 1
    assert tried >= 40
    assert canary.hits == [], f"the service fetched {canary.hits}"
    # The canary itself works: a fetch would have been seen.
    import urllib.request

    with urllib.request.urlopen(f"{base}/probe", timeout=5) as response:
        assert response.status == 200
    assert canary.hits == ["/probe"]


FETCHERS = {"urllib.request", "http.client", "httpx", "requests", "aiohttp", "urllib3", "pycurl", "scrapy",
            "twisted", "treq", "websockets", "ftplib", "smtplib"}


def test_no_module_the_api_loads_can_fetch_urls():
    """Static: none of the project's modules the API process imports uses an HTTP (or other) client."""
    listing = subprocess.run(
        [sys.executable, "-c", "import sys, newssieve.api.app; print('\\n'.join(sorted(sys.modules)))"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout.split()
    ours = [m for m in listing if m.split(".")[0] in ("newssieve", "workers", "crawler")]
    assert "newssieve.api.app" in ours and len(ours) > 20
    found = []
    for module in ours:
        path = PROJECT_ROOT / Path(*module.split("."))
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{module}: {n}" for n in names
                      if n in FETCHERS or n.split(".")[0] in FETCHERS or n.startswith("urllib.request")]
    assert not found, found
