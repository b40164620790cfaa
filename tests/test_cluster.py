"""newssieve on a real 3-master Redis Cluster (tests/cluster_support.py): the pipeline, concurrent
indexing and the feeds give what they give on one Redis, with the records spread over the nodes and
the story index in one slot.

The broker stays the test run's own (a cluster cannot be Celery's broker): its Redis, or RabbitMQ.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import redis
from click.testing import CliRunner
from fastapi.testclient import TestClient
from redis.cluster import RedisCluster
from warcio.warcwriter import WARCWriter

from demo.network import load_ground_truth
from newssieve.api.app import create_app
from newssieve.cli import main
from newssieve.feeds.query import FeedQuery, FeedReader
from newssieve.ops.ingest import IDLE_SECONDS
from newssieve.redis_conn import delete_prefix, get_client, redis_url, reset_caches
from newssieve.settings import PROJECT_ROOT, Settings
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.memory import RedisMemory
from newssieve.store.pending import DEEP, PendingPages, send_pages
from newssieve.store.retention import expire_older_than
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import PROCESS_QUEUE, make_celery
from tests.cluster_support import redis_cluster
from tests.conftest import new_prefix
from tests.reliability_pages import synthetic_pages
from tests.reliability_support import assert_exactly_once, environment_kept, stored_count, wait_for
from tests.test_crawl_ingest import warc_response
from tests.test_dedup_concurrency import assert_expected_clusters as assert_race_clusters
from tests.test_dedup_concurrency import race
from tests.test_pipeline_roundtrips import _clusters, _records
from tests.workers_helper import celery_worker
from workers.process import PageProcessor

ENV = ("NEWSSIEVE_REDIS_URL", "NEWSSIEVE_BROKER_URL", "NEWSSIEVE_PREFIX", "NEWSSIEVE_TRANSLATION_MATCHING")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with redis_cluster(tmp_path_factory.mktemp("cluster")) as (url, ports):
        yield url, ports


@pytest.fixture
def environment():
    """Restores the NEWSSIEVE_ variables these tests change, and the cached settings and client."""
    with environment_kept(*ENV):
        os.environ["NEWSSIEVE_TRANSLATION_MATCHING"] = "false"
        reset_caches()
        yield


def use(url: str, prefix: str, broker: str) -> redis.Redis:
    """This process on `url` under `prefix`, Celery's broker at `broker`."""
    os.environ.update(NEWSSIEVE_REDIS_URL=url, NEWSSIEVE_PREFIX=prefix, NEWSSIEVE_BROKER_URL=broker)
    reset_caches()
    return get_client()


@pytest.fixture
def both(cluster, environment):
    """(one Redis, its prefix) and (the cluster, its prefix); each emptied after."""
    broker = os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url()
    standalone, cluster_url = redis_url(), cluster[0]
    places = [(standalone, new_prefix()), (cluster_url, new_prefix())]
    yield places, broker
    for url, prefix in places:
        delete_prefix(use(url, prefix, broker), prefix)


def process(url: str, prefix: str, broker: str, items) -> tuple[redis.Redis, dict, set, list]:
    """The pages through the worker's code, in batches as a worker takes them; then what every reader
    sees: the records, the stories, and the `all` feed's first page with its copies."""
    client = use(url, prefix, broker)
    processor = PageProcessor(flush_seconds=60)
    for start in range(0, len(items), 8):
        processor.process_many([item.page for item in items[start:start + 8]])
    processor.close()
    page = FeedReader().page("all", FeedQuery(limit=50, copies=True))
    return client, _records(client, prefix), _clusters(client, prefix), page.entries


def test_the_pipeline_on_a_cluster_stores_and_clusters_as_on_one_redis(both):
    places, broker = both
    items = synthetic_pages(48, seed=21, copy_rate=0.4, run="cluster/")
    (_, records, clusters, entries), (client, *on_cluster) = [
        process(url, prefix, broker, items) for url, prefix in places]
    assert isinstance(client, RedisCluster)
    assert on_cluster == [records, clusters, entries]
    assert any(len(members) > 1 for members in clusters) and len(entries) == len(clusters)
    prefix = places[1][1]
    assert_exactly_once(client, prefix, items)
    keys = Keys(prefix)
    nodes = {client.get_node_from_key(keys.article(aid)).port for aid in records}
    assert len(nodes) == 3  # the records spread over every master
    index_keys = [key for family in ("lsh", "rec", "entry", "cluster", "rep", "feed")
                  for key in client.scan_iter(match=keys.index_family(family), count=1000)]
    assert {client.keyslot(key) for key in index_keys} == {client.keyslot(keys.index("lsh:meta"))}
    assert len(index_keys) > len(records)


def test_the_api_reads_the_feeds_from_a_cluster(both):
    places, broker = both
    items = synthetic_pages(24, seed=22, copy_rate=0.5, run="cluster-api/")
    bodies = []
    for url, prefix in places:
        process(url, prefix, broker, items)
        with TestClient(create_app()) as api:
            feed = api.get("/feeds/all", params={"copies": "true", "limit": 10})
            assert feed.status_code == 200, feed.text
            first = feed.json()["entries"][0]["id"]
            bodies.append((feed.json()["entries"], api.get(f"/articles/{first}").json(),
                           api.get("/", params={"feed": "all"}).text.count('<li class="story"')))
    assert bodies[0] == bodies[1]
    assert len(bodies[1][0]) == 10 and bodies[1][2] > 10  # the reader page shows more stories


def test_health_status_and_metrics_read_a_cluster(both):
    places, broker = both
    url, prefix = places[1]
    items = synthetic_pages(12, seed=25, run="cluster-status/")
    process(url, prefix, broker, items)
    with TestClient(create_app()) as api:
        health, status, metrics = api.get("/health"), api.get("/status.json"), api.get("/metrics")
        assert api.get("/status").status_code == 200
    assert health.status_code == 200 and health.json()["status"] == "ok", health.text
    assert status.status_code == 200, status.text
    assert status.json()["totals"]["articles"] == len(items), status.json()["totals"]
    assert metrics.status_code == 200
    assert f"newssieve_articles_stored {len(items)}" in metrics.text


def test_health_is_unavailable_within_seconds_when_a_master_does_not_answer(cluster, environment):
    """A plain PING asks one node, and the shared client waits 10 s for one that hangs: the probe asks
    every master, one try of 2 s."""
    url, ports = cluster
    use(url, new_prefix(), os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url())
    masters = [redis.Redis(port=port) for port in ports]
    with TestClient(create_app()) as api:
        assert api.get("/health").status_code == 200
        hung = masters[1].info()["process_id"]
        os.kill(hung, signal.SIGSTOP)  # accepts connections, answers nothing
        with ThreadPoolExecutor(1) as pool:  # the shared client's PING hung here for minutes
            started = time.monotonic()
            asked = pool.submit(api.get, "/health")
            try:
                health = asked.result(timeout=15)
                took = time.monotonic() - started
            finally:
                os.kill(hung, signal.SIGCONT)
        healed = lambda: all(node.cluster("info")["cluster_state"] == "ok" for node in masters)  # noqa: E731
        assert wait_for(healed, 20, 0.1)
        assert api.get("/health").status_code == 200
    assert health.status_code == 503 and health.json()["redis"].startswith("unreachable"), health.text
    assert took < 5, took


def test_one_full_master_makes_the_cluster_full(cluster, environment):
    """Its slots refuse writes, so status says Redis is full though the others have room."""
    url, ports = cluster
    client = use(url, new_prefix(), os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url())
    memory = RedisMemory(client)
    room = memory.state()
    assert not room.full and room.used > 0 and room.limit == 0  # no maxmemory set: no limit
    masters = [redis.Redis(port=port) for port in ports]
    try:
        for node in masters:
            node.config_set("maxmemory", 2**30)
        assert memory.state().limit == 3 * 2**30 and not memory.state().full
        masters[1].config_set("maxmemory", 1024)  # far below what it uses
        full = memory.state()
        assert full.full and full.limit == 3 * 1024
    finally:
        for node in masters:
            node.config_set("maxmemory", 0)
            node.close()


def test_retention_on_a_cluster_leaves_no_key_of_what_it_expired(both):
    places, broker = both
    url, prefix = places[1]
    items = synthetic_pages(16, seed=23, copy_rate=0.5, run="cluster-expire/")
    client, *_ = process(url, prefix, broker, items)
    assert expire_older_than(-60) == len(items)  # everything is older than a minute from now
    keys = Keys(prefix)
    left = {key.removeprefix(prefix).split(":")[0].strip("{}")
            for key in client.scan_iter(match=f"{prefix}*", count=1000)}
    assert left <= {"index", "ops", "boiler"}, left  # the index's meta and sequence, counters, counts
    assert not any(client.scan_iter(match=keys.index_family("entry")))
    assert not any(client.scan_iter(match=keys.article("*")))


def test_four_processes_build_exactly_the_expected_clusters_on_a_cluster(cluster, environment):
    broker = os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url()
    prefix = new_prefix()
    client = use(cluster[0], prefix, broker)
    try:
        race(prefix, cluster[0], seed=8)
        assert_race_clusters(client, prefix)
    finally:
        delete_prefix(client, prefix)


def test_ingest_waits_for_pages_queued_on_the_broker_not_on_the_cluster(cluster, environment, tmp_path):
    """`ingest --wait` asks the broker whether pages still wait (the queues are not in the cluster), so it
    waits for a worker started after IDLE_SECONDS, instead of reporting the pages dropped."""
    broker = os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url()
    prefix = new_prefix()
    client = use(cluster[0], prefix, broker)
    items = synthetic_pages(20, seed=26, run="cluster-ingest/")
    warc = tmp_path / "pages.warc.gz"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for item in items:
            warc_response(writer, item.page.url, item.page.html.encode(), "text/html; charset=utf-8")
    try:
        command = [sys.executable, "-m", "newssieve", "ingest", str(warc), "--wait", "--json"]
        ingest = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        time.sleep(IDLE_SECONDS + 3)
        assert ingest.poll() is None, "ingest returned before any worker took the pages"
        with celery_worker(2, queues=PROCESS_QUEUE):
            out, _ = ingest.communicate(timeout=180)
        summary = json.loads(out.strip().splitlines()[-1])
        assert (summary["status"], summary["stored"]) == ("ok", len(items)), summary
        assert_exactly_once(client, prefix, items)
    finally:
        delete_prefix(client, prefix)
        if broker.startswith("redis"):
            delete_prefix(redis.Redis.from_url(broker), prefix)


def every_page_stored(client, prefix: str, pages: int) -> bool:
    return stored_count(client, prefix) == pages and PendingPages().count() == 0


def test_a_real_worker_on_a_cluster_stores_every_page_once(cluster, environment):
    broker = os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url()
    prefix = new_prefix()
    client = use(cluster[0], prefix, broker)
    items = synthetic_pages(3 * DEEP + 3, seed=24, copy_rate=0.4, run="cluster-worker/")
    try:
        app = make_celery("test-cluster-sender")
        try:
            send_pages(app, [item.page for item in items], PendingPages())
        finally:
            app.close()
        with celery_worker(2, queues=PROCESS_QUEUE):  # this environment: the cluster, the run's broker
            assert wait_for(lambda: every_page_stored(client, prefix, len(items)), 120, 0.2)
        assert_exactly_once(client, prefix, items)
        assert Stats(client, prefix).total(Stage.STORE, Count.SEEN) == len(items)
    finally:
        delete_prefix(client, prefix)
        if broker.startswith("redis"):
            delete_prefix(redis.Redis.from_url(broker), prefix)  # the queues' keys


@pytest.mark.slow
def test_the_demo_crawls_cleans_and_dedupes_on_a_cluster(cluster, environment):
    """`newssieve demo` whole: the real Scrapy crawl of the demo network, a real worker (translation
    matching on: the German reprint joins its original), the feed; its stories are the ground truth."""
    broker = os.environ.get("NEWSSIEVE_BROKER_URL") or redis_url()
    prefix = new_prefix()
    env = {**os.environ, "NEWSSIEVE_PREFIX": prefix, "NEWSSIEVE_REDIS_URL": cluster[0],
           "NEWSSIEVE_BROKER_URL": broker, "NEWSSIEVE_TRANSLATION_MATCHING": "true"}
    result = subprocess.run([sys.executable, "-m", "newssieve", "demo"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    client = use(cluster[0], prefix, broker)
    try:
        assert result.returncode == 0, result.stderr[-3000:]
        truth = load_ground_truth()
        assert f"articles stored: {len(truth['pages'])}" in result.stdout.strip().splitlines()[-1]
        store = Store(client, prefix)
        ids = client.zrange(store.keys.articles, 0, -1)
        rows = store.articles(ids, fields=("canonical_url", "site", "cluster"))
        cluster_of = {(row["site"], urlsplit(row["canonical_url"]).path): row["cluster"] for row in rows}
        stories: dict[str, set[str]] = defaultdict(set)
        for page in truth["pages"]:
            stories[page["story"]].add(cluster_of[(page["site"], page["path"])])
        assert all(len(clusters) == 1 for clusters in stories.values()), stories
        assert len(set().union(*stories.values())) == len(stories)  # no two stories merged
        assert "(translation, de)" in result.stdout
    finally:
        delete_prefix(client, prefix)
        if broker.startswith("redis"):
            delete_prefix(redis.Redis.from_url(broker), prefix)


def test_a_cluster_is_not_a_broker_and_takes_no_braces_in_the_prefix(environment):
    os.environ.pop("NEWSSIEVE_BROKER_URL", None)
    with pytest.raises(ValueError, match="NEWSSIEVE_BROKER_URL"):
        Settings(redis_url="redis+cluster://127.0.0.1:7000")
    with pytest.raises(ValueError, match="no braces"):
        Settings(redis_url="redis+cluster://127.0.0.1:7000", broker_url="amqp://h//", prefix="{x}:")
    assert Settings(redis_url="redis+cluster://127.0.0.1:7000", broker_url="amqp://h//").redis_cluster
    assert not Settings(redis_url="redis://127.0.0.1:6379/0").redis_cluster
    os.environ["NEWSSIEVE_REDIS_URL"] = "redis+cluster://127.0.0.1:7000"
    reset_caches()
    refused = CliRunner().invoke(main, ["status"])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "Error: NEWSSIEVE_REDIS_URL names a Redis Cluster" in refused.output
    assert "set NEWSSIEVE_BROKER_URL" in refused.output
