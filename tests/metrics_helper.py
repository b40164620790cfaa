"""A real scrape of /metrics after real work, PromQL's metric names, and a real Prometheus server.

The dashboard and alert tests check their queries against what /metrics emits after pages went
through the worker's PageProcessor, a crawl run was recorded and a task failed for good.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.models import Page
from newssieve.store.crawl_runs import record_run
from newssieve.store.deadletters import DeadLetters
from tests.feeds_helper import free_port, story, use_sites_file
from workers.process import PageProcessor

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS_CONFIG = ROOT / "config" / "prometheus"
# Names a query may use that /metrics does not emit: Prometheus's own per-target series.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
TARGET_LABELS = {"job", "instance"}  # what Prometheus adds to every scraped series
SELECTOR = re.compile(r"\b(newssieve_\w+|up)\b(?:\{([^}]*)\})?")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')


def page(site: str, slug: str, paragraphs: list[str], fetched_at: float) -> Page:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    url = f"http://news.test/{slug}"
    html = (f"<html><head><title>{slug}</title></head><body><article><h1>{slug}</h1>{body}</article>"
            "</body></html>")
    return Page(url=url, canonical_url=url, site=site, html=html, fetched_at=fetched_at)


def do_real_work(client, prefix: str, tmp_path, monkeypatch) -> None:
    """Pages of two sites through the worker's processor (one a copy, one empty), a crawl run of each
    outcome, a dead letter."""
    use_sites_file(tmp_path, monkeypatch)
    processor = PageProcessor()
    now = time.time()
    processor.process(page("wire", "flood", story(1), now - 30))
    processor.process(page("gazette", "flood-copy", story(1)[:6], now - 5))
    processor.process(page("gazette", "empty", [], now - 1))
    record_run({"site": "wire", "started": "2026-11-25T09:00:00+00:00",
                "finished": "2026-11-25T09:01:00+00:00", "status": "ok", "pages": 2, "articles_new": 1,
                "articles_known": 0, "errors": [], "errors_total": 0, "duration": 60.0})
    record_run({"site": "gazette", "started": "2026-11-25T09:00:00+00:00",
                "finished": "2026-11-25T09:00:05+00:00", "status": "failed", "pages": 1, "articles_new": 0,
                "articles_known": 0, "errors": [], "errors_total": 1, "duration": 5.0})
    DeadLetters(client, prefix).add("newssieve.process_page", [{"url": "http://wire.test/news/x"}],
                                    "KeyError")


def scrape() -> str:
    answer = TestClient(create_app()).get("/metrics")
    assert answer.status_code == 200
    return answer.text


def emitted(text: str) -> dict[str, list[dict[str, str]]]:
    """{sample name: [labels of each sample]} in Prometheus text, as Prometheus stores them."""
    from prometheus_client.parser import text_string_to_metric_families

    out: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, []).append(sample.labels)
    return out


def unknown_in(expr: str, samples: dict[str, list[dict[str, str]]]) -> list[str]:
    """What a PromQL expression selects that /metrics does not emit: metric names, and label values
    matched with = (e.g. step="stored") that no sample of that metric carries."""
    problems = []
    for name, matchers in SELECTOR.findall(expr):
        if name in PROMETHEUS_OWN:
            continue
        if name not in samples:
            problems.append(name)
            continue
        for label, op, value in MATCHER.findall(matchers):
            if label in TARGET_LABELS or op != "=" or value.startswith("$"):
                continue
            if all(s.get(label) != value for s in samples[name]):
                problems.append(f'{name}{{{label}="{value}"}}')
    if not SELECTOR.search(expr):
        problems.append(f"no newssieve metric in {expr!r}")
    return problems


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: `make test` installs it (apt-get install prometheus)"
    return found


@contextlib.contextmanager
def running_prometheus(api_url: str, tmp_path: Path) -> Iterator[str]:
    """A real Prometheus (Debian's, beside promtool) scraping the API every second with the shipped
    alert rules; yields its URL. Stopped by its own PID."""
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: `make test` installs it (apt-get install prometheus)"
    config = yaml.safe_load((PROMETHEUS_CONFIG / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(PROMETHEUS_CONFIG / name) for name in config["rule_files"]]
    (job,) = config["scrape_configs"]
    job.pop("authorization")  # the test API has no token
    job["scrape_timeout"] = "1s"
    job["static_configs"] = [{"targets": [api_url.removeprefix("http://")]}]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    command = [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
               f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _ready(url):
            running = server.poll() is None and time.monotonic() < deadline
            assert running, (tmp_path / "prometheus.log").read_text()
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def query(prometheus: str, expr: str) -> list[dict]:
    """The instant vector (or scalar) of `expr` now; fails on a PromQL error."""
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10).json()
    assert answer["status"] == "success", f"{expr}: {answer.get('error')}"
    return answer["data"]["result"]


def wait_for_scrapes(prometheus: str, count: int = 3, timeout: float = 30) -> None:
    """Until `count` scrapes of the API landed (rates need two)."""
    deadline = time.monotonic() + timeout
    while True:
        found = query(prometheus, "count_over_time(newssieve_redis_up[1m])")
        if found and float(found[0]["value"][1]) >= count:
            return
        assert time.monotonic() < deadline, "Prometheus did not scrape the API"
        time.sleep(0.5)
