"""Secrets from files (NEWSSIEVE_<NAME>_FILE, as compose secrets mount them): the API token, the Redis
password; the plain variable wins; an unreadable file is an error that names the variable."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from newssieve.api.app import create_app
from newssieve.redis_conn import reset_caches
from newssieve.settings import Settings
from tests.feeds_helper import use_sites_file


def test_the_api_token_file_protects_the_api(client, tmp_path, monkeypatch):
    use_sites_file(tmp_path, monkeypatch)
    secret = tmp_path / "api_token"
    secret.write_text("7c1d0e5b9a\n")
    monkeypatch.setenv("NEWSSIEVE_API_TOKEN_FILE", str(secret))
    reset_caches()
    api = TestClient(create_app())
    assert api.get("/feeds").status_code == 401
    assert api.get("/feeds", headers={"Authorization": "Bearer 7c1d0e5b9a"}).status_code == 200


def test_the_plain_variable_wins_over_the_file(tmp_path, monkeypatch):
    secret = tmp_path / "api_token"
    secret.write_text("from-the-file")
    monkeypatch.setenv("NEWSSIEVE_API_TOKEN_FILE", str(secret))
    assert Settings().api_token == "from-the-file"
    monkeypatch.setenv("NEWSSIEVE_API_TOKEN", "from-the-variable")
    assert Settings().api_token == "from-the-variable"


def test_an_unreadable_secret_file_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_REDIS_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="NEWSSIEVE_REDIS_PASSWORD_FILE: cannot read .*missing"):
        Settings()


def test_the_redis_password_goes_into_redis_urls_only(monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_REDIS_PASSWORD", "p/ss:w@rd")
    monkeypatch.setenv("NEWSSIEVE_REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", "amqp://guest@rabbit:5672//")
    settings = Settings()
    assert settings.redis_url == "redis://:p%2Fss%3Aw%40rd@redis:6379/0"
    assert settings.broker_url == "amqp://guest@rabbit:5672//"
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL", "redis://app@redis:6379/1")
    assert Settings().broker_url == "redis://app:p%2Fss%3Aw%40rd@redis:6379/1"
    monkeypatch.setenv("NEWSSIEVE_REDIS_URL", "redis://:given@redis:6379/0")  # a URL with one keeps it
    assert Settings().redis_url == "redis://:given@redis:6379/0"


def test_a_malformed_setting_is_still_a_validation_error(monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_API_PORT", "eighty")
    with pytest.raises(ValidationError):
        Settings()
