"""Access: open by default; with a token, every endpoint needs it; changes always need it."""

from __future__ import annotations

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.api.auth import require_token, token_matches
from tests.feeds_helper import use_sites_file

EVERY_KIND = ["/", "/feeds", "/feeds/all", "/feeds/all.atom", "/feeds/all.rss", "/health", "/docs",
              "/openapi.json", "/static/style.css", "/articles/" + "0" * 20]


def app_with_a_change_endpoint(token: str | None, open_reads: bool = False):
    app = create_app(token=token, open_reads=open_reads)
    app.add_api_route("/poke", lambda: {"poked": True}, methods=["POST"],
                      dependencies=[Depends(require_token)])
    return TestClient(app)


@pytest.fixture(autouse=True)
def sites(client, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)


@pytest.mark.parametrize("path", EVERY_KIND)
def test_with_a_token_every_endpoint_needs_it(path):
    api = TestClient(create_app(token="s3cret"))
    refused = api.get(path)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert api.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.get(path, headers={"Authorization": "Basic s3cret"}).status_code == 401
    allowed = api.get(path, headers={"Authorization": "bearer s3cret"})
    assert allowed.status_code == TestClient(create_app()).get(path).status_code in (200, 404)


def test_without_a_token_reads_are_open_and_changes_refused():
    api = app_with_a_change_endpoint(None)
    assert api.get("/feeds").status_code == 200
    response = api.post("/poke")
    assert response.status_code == 403 and "NEWSSIEVE_API_TOKEN" in response.json()["detail"]


def test_changes_need_the_token(monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_API_TOKEN", "from-env")
    from newssieve.settings import get_settings

    get_settings.cache_clear()
    api = app_with_a_change_endpoint(None)  # the token comes from the environment
    assert api.post("/poke").status_code == 401
    assert api.post("/poke", headers={"Authorization": "Bearer from-env"}).json() == {"poked": True}


def test_open_reads_let_a_browser_read_while_changes_still_need_the_token():
    api = app_with_a_change_endpoint("s3cret", open_reads=True)
    for path in ("/", "/status", "/feeds/all", "/static/style.css"):
        assert api.get(path).status_code == 200, path
    assert api.head("/health").status_code == 200
    assert api.post("/poke").status_code == 401
    assert api.post("/poke", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.post("/poke", headers={"Authorization": "Bearer s3cret"}).json() == {"poked": True}
    closed = app_with_a_change_endpoint("s3cret")
    assert closed.get("/feeds/all").status_code == 401  # the default: a token guards reads too


def test_token_matches_only_the_exact_bearer_token():
    assert token_matches("Bearer abc", "abc") and token_matches("BEARER abc", "abc")
    for given in [None, "", "abc", "Bearer", "Bearer ab", "Bearer abcd", "Token abc", "Bearer  abc x"]:
        assert not token_matches(given, "abc"), given
