"""Issue 12 item 6, API and CLI: Redis down is a 503 (routes) or one line (commands); an error answer keeps
the keep-alive connection; security headers, checked in a real Chromium; one Authorization header, ASCII;
feeds name themselves under NEWSSIEVE_BASE_URL, not the Host header; HEAD /health."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.api.auth import require_token
from newssieve.settings import PROJECT_ROOT
from tests.feeds_helper import build_newsroom, running_server, use_sites_file
from tests.reliability_support import newssieve_on, throwaway_redis
from tests.test_web_page import chromium

DATA_ROUTES = ("/", "/feeds", "/feeds/all", "/feeds/all.atom", "/feeds/all.rss", "/articles/abc",
               "/clusters/abc", "/status", "/status.json", "/health")


def get(connection: http.client.HTTPConnection, path: str, method: str = "GET") -> tuple[int, bytes]:
    connection.request(method, path)
    response = connection.getresponse()
    return response.status, response.read()


@pytest.fixture
def redis_that_stops(prefix, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    with throwaway_redis(aof=False) as server, newssieve_on(server.url, prefix):
        yield server


def test_with_redis_down_every_data_route_answers_503_on_a_connection_that_stays_open(redis_that_stops):
    app = create_app()
    app.add_api_route("/boom", lambda: 1 / 0)  # an unexpected error, as a bug would raise
    with running_server(app) as url:
        connection = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=20)
        assert get(connection, "/feeds/all")[0] == 200
        sock = connection.sock
        assert get(connection, "/boom") == (500, b'{"detail":"internal server error"}')
        redis_that_stops.stop()
        for path in DATA_ROUTES:
            status, body = get(connection, path)
            assert status == 503 and b'"status":"unavailable"' in body and b"unreachable" in body, path
        assert b"newssieve_redis_up 0.0" in get(connection, "/metrics")[1]  # scrapes say it in a metric
        redis_that_stops.start()
        assert get(connection, "/feeds/all")[0] == 200
        assert connection.sock is sock, "the server closed the keep-alive connection after an error"
        connection.close()


@pytest.mark.parametrize("command", [["status", "--json"], ["feed", "all", "--copies"], ["export"],
                                     ["dead", "list"]])
def test_with_redis_down_commands_say_so_in_one_line(redis_that_stops, command):
    redis_that_stops.stop()
    done = subprocess.run([sys.executable, "-m", "newssieve", *command], cwd=PROJECT_ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: Redis unavailable:") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_pages_carry_security_headers(client, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    api = TestClient(create_app())
    for path in ("/", "/status", "/feeds/all", "/static/style.css", "/nope"):
        headers = api.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self';" in policy, path
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, path
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "no-referrer", path
    docs = api.get("/docs")  # FastAPI's Swagger UI: a CDN and an inline script, so only the framing rules
    assert docs.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert TestClient(create_app(token="t0ken")).get("/").headers["x-frame-options"] == "DENY"  # 401 too


def test_reader_and_status_pages_render_under_their_policy_in_chromium(client, tmp_path, monkeypatch):
    build_newsroom(client, tmp_path, monkeypatch)
    listen = ("window.__violations = []; document.addEventListener('securitypolicyviolation',"
              " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    with running_server(create_app()) as url, chromium() as browser:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": listen})
        browser.get(url + "/")
        rendered = browser.execute_script(
            "return {stories: document.querySelectorAll('li.story').length,"
            " scripted: document.querySelector('form.filters').classList.contains('auto'),"
            " styled: getComputedStyle(document.querySelector('li.story')).borderTopStyle,"
            " violations: window.__violations}")
        assert rendered == {"stories": 4, "scripted": True, "styled": "solid", "violations": []}
        browser.execute_script("const s = document.createElement('script');"
                               " s.textContent = 'window.__ran = 1'; document.body.appendChild(s);")
        # the injected inline script is refused, and the listener hears of it
        assert browser.execute_script("return [window.__ran, window.__violations.length]") == [None, 1]
        browser.get(url + "/status")
        status = browser.execute_script("return [document.querySelectorAll('section').length,"
                                        " window.__violations,"
                                        " getComputedStyle(document.querySelector('header.top')).display]")
        assert status == [8, [], "flex"]  # all sections, history and actions too


def test_two_authorization_headers_are_refused_by_the_middleware_and_the_dependency(client, tmp_path,
                                                                                  monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    two = [("Authorization", "Bearer wrong"), ("Authorization", "Bearer s3cret")]
    guarded = TestClient(create_app(token="s3cret"))
    refused = guarded.get("/feeds", headers=two)
    assert refused.status_code == 400 and refused.json()["detail"] == "more than one Authorization header"
    assert guarded.get("/feeds", headers={"Authorization": "Bearer s3cret"}).status_code == 200

    app = create_app()  # no middleware: the dependency alone reads the header
    app.state.api_token = "s3cret"
    app.add_api_route("/poke", lambda: {"poked": True}, methods=["POST"],
                      dependencies=[Depends(require_token)])
    direct = TestClient(app)
    assert direct.post("/poke", headers=list(reversed(two))).status_code == 400
    assert direct.post("/poke", headers={"Authorization": "Bearer s3cret"}).json() == {"poked": True}


def test_non_ascii_tokens_are_refused_clearly(client, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    api = TestClient(create_app(token="s3cret"))
    for encoding in ("utf-8", "latin-1"):
        response = api.get("/feeds", headers={"Authorization": "Bearer s3crét".encode(encoding)})
        assert response.status_code == 400 and "must be ASCII" in response.json()["detail"], encoding
    with pytest.raises(ValueError, match="printable ASCII"):
        create_app(token="s3crét")


def test_feeds_name_themselves_under_the_base_url_not_the_host_header(client, tmp_path, monkeypatch):
    build_newsroom(client, tmp_path, monkeypatch)
    hostile = {"Host": "evil.example"}
    for app, base in ((create_app(base_url="https://news.example.org/"), "https://news.example.org"),
                      (create_app(), "http://127.0.0.1:8000")):
        atom = TestClient(app).get("/feeds/all.atom", params={"limit": 2}, headers=hostile).text
        assert f"<id>{base}/feeds/all.atom</id>" in atom
        assert f'href="{base}/feeds/all.atom?limit=2"' in atom and f'href="{base}/?feed=all"' in atom
        rss = TestClient(app).get("/feeds/all.rss", headers=hostile).text
        assert f"<link>{base}/?feed=all</link>" in rss and "evil.example" not in atom + rss


def test_head_on_health(client):
    response = TestClient(create_app()).head("/health")
    assert response.status_code == 200 and response.content == b""
