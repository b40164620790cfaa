"""The shipped Grafana dashboard: it queries the provisioned datasource, only for what /metrics emits
after real work, and every query runs on a real Prometheus scraping the real API."""

from __future__ import annotations

import json

import yaml

from newssieve.api.app import create_app
from tests.feeds_helper import running_server
from tests.metrics_helper import (
    ROOT,
    SELECTOR,
    do_real_work,
    emitted,
    query,
    running_prometheus,
    scrape,
    unknown_in,
    wait_for_scrapes,
)

GRAFANA = ROOT / "config" / "grafana"
DASHBOARD = json.loads((GRAFANA / "dashboards" / "newssieve.json").read_text())
PANELS = [p for p in DASHBOARD["panels"] if p["type"] != "row"]
EXPRESSIONS = [t["expr"] for p in PANELS for t in p["targets"]]
VARIABLES = {"$__rate_interval": "1m", "$site": ".*"}


def as_prometheus_runs_it(expr: str) -> str:
    """Grafana's variables replaced as Grafana would (all sites, a one-minute rate window)."""
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def test_every_panel_queries_the_provisioned_prometheus_and_has_its_place():
    provisioned = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    (source,) = provisioned["datasources"]
    ids = [p["id"] for p in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids)) and DASHBOARD["uid"] == "newssieve"
    taken: set[tuple[int, int]] = set()
    for panel in DASHBOARD["panels"]:
        box = panel["gridPos"]
        assert box["x"] + box["w"] <= 24, panel["title"]
        cells = {(x, y) for x in range(box["x"], box["x"] + box["w"])
                 for y in range(box["y"], box["y"] + box["h"])}
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
    for panel in PANELS:
        assert panel["targets"], panel["title"]
        for target in [panel, *panel["targets"]]:
            assert target["datasource"] == {"type": "prometheus", "uid": source["uid"]}, panel["title"]
    (site,) = DASHBOARD["templating"]["list"]
    assert site["datasource"]["uid"] == source["uid"] and SELECTOR.search(site["definition"])


def test_every_query_uses_only_what_metrics_emits(client, prefix, tmp_path, monkeypatch):
    do_real_work(client, prefix, tmp_path, monkeypatch)
    samples = emitted(scrape())
    problems = {expr: unknown_in(expr, samples) for expr in [*EXPRESSIONS, DASHBOARD["templating"]["list"][0]
                                                              ["definition"]]}
    assert {expr: found for expr, found in problems.items() if found} == {}
    # the site variable lists the sites that did work
    assert {labels["site"] for labels in samples["newssieve_site_pages_total"]} == {"wire", "gazette"}


def test_every_query_runs_on_a_real_prometheus_with_data(client, prefix, tmp_path, monkeypatch):
    do_real_work(client, prefix, tmp_path, monkeypatch)
    with running_server(create_app()) as api, running_prometheus(api, tmp_path) as prometheus:
        wait_for_scrapes(prometheus)
        for expr in EXPRESSIONS:
            query(prometheus, as_prometheus_runs_it(expr))  # fails on a PromQL error
        names = {name for expr in EXPRESSIONS for name, _ in SELECTOR.findall(expr)}
        empty = [name for name in sorted(names) if not query(prometheus, f"last_over_time({name}[1m])")]
        assert empty == []
        sites = query(prometheus, 'count by (site) (newssieve_site_stored_total)')
        assert {s["metric"]["site"] for s in sites} == {"wire", "gazette"}
