"""One malformed record of every key family costs its own entry: every route and command still answers,
skips only that record, and reports it (a counter, a log line with the key, the latest keys in /health).

The records are planted in the real Redis next to a real newsroom (feeds_helper): an article hash whose
`authors` is not JSON, a feed member whose article key is a string, a stats counter "abc", crawl-run
entries `[]` and `finished: "garbage"`, a cluster key and a rep key of the wrong type, a malformed
unacked entry and a `dead` key of the wrong type.
"""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.cli.feed import export, feed
from newssieve.cli.status import status
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.stats import Count, Stage, Stats
from tests.feeds_helper import BASE, build_newsroom

STRAY = "0" * 16  # a feed member whose article key holds a string


def plant(client, room) -> dict[str, str]:
    """One bad record per family; returns the key each is reported under (family -> key)."""
    keys = Keys()
    store = Store(client)
    budget_cluster = store.article(room.budget)["cluster"]
    flood_cluster = store.article(room.flood)["cluster"]
    Stats(client).record(Stage.CLEAN, {Count.KEPT: 1})
    good_run = {"site": "wire", "started": "2026-11-20T08:00:00+00:00",
                "finished": "2026-11-20T08:01:00+00:00", "status": "finished", "pages": 3, "articles_new": 2,
                "articles_known": 1, "errors": []}
    client.hset(keys.article(room.rail), "authors", "not json")
    client.set(keys.article(STRAY), "a string")
    client.zadd(keys.feed("all"), {STRAY: BASE + 9 * 3600})
    client.zadd(keys.articles, {STRAY: BASE})
    client.hset(keys.counters(Stage.CLEAN), Count.KEPT, "abc")
    client.rpush(keys.crawl_runs("wire"), "[]", json.dumps(good_run))
    garbage = good_run | {"site": "gazette", "finished": "garbage"}
    client.rpush(keys.crawl_runs("gazette"), json.dumps(garbage))
    client.delete(keys.cluster(budget_cluster))
    client.set(keys.cluster(budget_cluster), "not a zset")
    client.delete(keys.rep(flood_cluster))
    client.rpush(keys.rep(flood_cluster), "not a hash")
    client.hset(keys.unacked, "tag-1", "{not json")
    client.set(keys.dead, "not a hash")
    client.zadd(keys.dead_order, {"abcdef012345": 1.0})
    return {"authors": keys.article(room.rail), "string article": keys.article(STRAY),
            "counter": f"{keys.counters(Stage.CLEAN)} {Count.KEPT}",
            "run []": f"{keys.crawl_runs('wire')} [0]",
            "run garbage": f"{keys.crawl_runs('gazette')} [0]", "cluster": keys.cluster(budget_cluster),
            "rep": keys.rep(flood_cluster), "unacked": f"{keys.unacked} tag-1", "dead": keys.dead}


@pytest.fixture
def planted(client, tmp_path, monkeypatch):
    room = build_newsroom(client, tmp_path, monkeypatch)
    return room, plant(client, room)


def test_every_route_answers_and_skips_only_the_bad_record(planted, caplog):
    room, bad = planted
    api = TestClient(create_app())
    with caplog.at_level(logging.WARNING, logger="newssieve.store.data_errors"):
        entries = api.get("/feeds/all", params={"copies": "true"}).json()["entries"]
        assert [e["title"] for e in entries] == ["Budget passes", "Abstimmung", "River floods the harbour"]
        assert entries[0]["copies"] == 0 and entries[2]["copies"] == 2  # budget's cluster key is the bad one
        assert len(api.get("/feeds/all").json()["entries"]) == 3
        for path in ("/", "/feeds/all.atom", "/feeds/all.rss", "/status", "/status.json", "/metrics"):
            response = api.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        assert "Budget passes" in api.get("/").text and "Rail strike" not in api.get("/").text
        assert api.get("/feeds/all.atom").text.count("<entry>") == 3
        flood = api.get(f"/articles/{room.flood}").json()
        assert flood["title"] == "River floods the harbour"
        assert flood["cluster"]["canonical"] is None  # its rep key is the bad one
        assert api.get(f"/articles/{room.budget_wire}").json()["cluster"]["size"] == 0
        assert api.get(f"/articles/{room.rail}").status_code == 404
        assert api.get(f"/clusters/{flood['cluster']['id']}").json()["size"] == 3
        metrics = api.get("/metrics").text
        assert "newssieve_redis_up 1.0" in metrics and "newssieve_data_errors_total" in metrics
        snapshot = api.get("/status.json").json()
        assert snapshot["sites"]["wire"]["last_run"] is None and snapshot["dead_letters"]["latest"] == []
        assert snapshot["queues"]["process"]["unacked"] == 0
        assert any("malformed record" in p for p in snapshot["problems"])
    logged = caplog.text
    assert all(key in logged for key in bad.values()), [k for k in bad.values() if k not in logged]

    health = api.get("/health").json()
    assert health["status"] == "ok" and health["data_errors"]["count"] >= len(bad)
    named = {item["key"] for item in health["data_errors"]["latest"]}
    assert set(bad.values()) <= named, set(bad.values()) - named


def test_every_command_exits_normally_and_skips_only_the_bad_record(planted):
    room, bad = planted
    runner = CliRunner()
    exported = runner.invoke(export, [], catch_exceptions=False)
    assert exported.exit_code == 0, exported.output
    ids = [json.loads(line)["id"] for line in exported.stdout.splitlines()]
    assert len(ids) == 6 and room.rail not in ids and STRAY not in ids
    listed = runner.invoke(feed, ["all", "--copies"], catch_exceptions=False)
    assert listed.exit_code == 0 and "Rail strike" not in listed.output and "Abstimmung" in listed.output
    shown = runner.invoke(status, ["--json"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    snapshot = json.loads(shown.stdout)
    assert snapshot["data_errors"]["count"] >= len(bad) - 1
    assert snapshot["pipeline"]["cleaned"]["total"] == 0  # the one counter, "abc", skipped
