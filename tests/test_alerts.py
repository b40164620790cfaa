"""The shipped Prometheus alert rules: valid for promtool, firing as their unit tests expect, and
built only from what /metrics emits after real work, evaluated by a real Prometheus without error."""

from __future__ import annotations

import subprocess
import time

import httpx
import yaml

from newssieve.api.app import create_app
from tests.feeds_helper import running_server
from tests.metrics_helper import (
    PROMETHEUS_CONFIG,
    ROOT,
    do_real_work,
    emitted,
    promtool,
    running_prometheus,
    scrape,
    unknown_in,
    wait_for_scrapes,
)

RULES = PROMETHEUS_CONFIG / "alerts.yml"
UNIT_TESTS = ROOT / "tests" / "fixtures" / "prometheus" / "alerts_test.yml"


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, timeout=60)


def test_promtool_accepts_the_rules_and_the_config_and_the_alerts_fire_as_tested(tmp_path):
    checked = run("check", "rules", str(RULES))
    assert checked.returncode == 0 and f"SUCCESS: {len(rules())} rules found" in checked.stdout, checked
    tested = run("test", "rules", str(UNIT_TESTS))
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr
    # prometheus.yml as shipped, with the token file compose mounts at /run/secrets made here
    config = yaml.safe_load((PROMETHEUS_CONFIG / "prometheus.yml").read_text())
    (tmp_path / "token").write_text("t0ken")
    config["scrape_configs"][0]["authorization"]["credentials_file"] = str(tmp_path / "token")
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "alerts.yml").write_text(RULES.read_text())
    assert run("check", "config", str(tmp_path / "prometheus.yml")).returncode == 0


def test_every_alert_and_its_unit_test_use_metrics_that_metrics_emits(client, prefix, tmp_path, monkeypatch):
    do_real_work(client, prefix, tmp_path, monkeypatch)
    samples = emitted(scrape())
    for rule in rules():
        assert rule["labels"]["severity"] in ("warning", "critical") and rule["annotations"]["summary"]
        assert not unknown_in(rule["expr"], samples), (rule["alert"], unknown_in(rule["expr"], samples))
    unit_tests = yaml.safe_load(UNIT_TESTS.read_text())["tests"]
    series = [s["series"] for test in unit_tests for s in test["input_series"]]
    assert not [problem for s in series for problem in unknown_in(s, samples)]
    tested = {t["alertname"] for test in unit_tests for t in test["alert_rule_test"] if t.get("exp_alerts")}
    assert tested == {rule["alert"] for rule in rules()}  # each alert has a unit test that fires it


def test_a_real_prometheus_evaluates_every_rule_cleanly(client, prefix, tmp_path, monkeypatch):
    do_real_work(client, prefix, tmp_path, monkeypatch)
    with running_server(create_app()) as api, running_prometheus(api, tmp_path) as prometheus:
        wait_for_scrapes(prometheus)
        deadline = time.monotonic() + 20
        while True:
            groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
            evaluated = [r for g in groups for r in g["rules"] if not r["lastEvaluation"].startswith("0001")]
            if len(evaluated) == len(rules()) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert len(evaluated) == len(rules())
        assert [(r["name"], r.get("lastError")) for r in evaluated if r["health"] != "ok"] == []
        redis_down = next(r for r in evaluated if r["name"] == "NewssieveRedisDown")
        assert redis_down["state"] == "inactive"  # the scraped newssieve_redis_up is 1
