"""Four worker processes (a real Celery worker, prefork pool of 4) process the shuffled pages of the
demo network at once, each page twice: the clusters equal the ground truth exactly (pairwise
precision and recall 1.0) and no article is lost or stored twice."""

from __future__ import annotations

import itertools
import random
import urllib.request
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from demo.network import DemoNetwork, load_ground_truth
from newssieve.models import Page
from newssieve.ops.drain import wait_until_processed
from newssieve.store.articles import Store
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_QUEUE, make_celery
from tests.workers_helper import celery_worker

pytestmark = pytest.mark.slow


def pairs(groups: dict[str, set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for members in groups.values() for p in itertools.combinations(sorted(members), 2)}


def test_four_processes_cluster_the_shuffled_demo_exactly(prefix, client, tmp_path):
    truth = load_ground_truth()
    with DemoNetwork(base_port=0) as network:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(network.sites_yaml(), encoding="utf-8")
        pages = []
        for entry in truth["pages"]:
            url = network.base_url(entry["site"]) + entry["path"]
            with urllib.request.urlopen(url, timeout=10) as response:
                html = response.read().decode("utf-8")
            pages.append(Page(url=url, canonical_url=url, site=entry["site"], html=html, fetched_at=1.0))
    work = pages * 2
    random.Random(7).shuffle(work)
    app = make_celery("test-sender")
    for page in work:
        app.send_task(PROCESS_PAGE, args=[page.to_dict()], queue=PROCESS_QUEUE)

    with celery_worker(4, queues=PROCESS_QUEUE, NEWSSIEVE_PREFIX=prefix, NEWSSIEVE_SITES=str(sites_file)):
        assert wait_until_processed(client, len(work), timeout=240)

    store = Store()
    ids = store.client.zrange(store.keys.articles, 0, -1)
    rows = store.articles(ids, fields=("id", "site", "canonical_url", "cluster"))
    assert len(rows) == len(truth["pages"])  # each page once, none lost
    by_page = {(row["site"], urlsplit(row["canonical_url"]).path): row for row in rows}
    true_groups, found_groups = defaultdict(set), defaultdict(set)
    for entry in truth["pages"]:
        key = f"{entry['site']}{entry['path']}"
        true_groups[entry["story"]].add(key)
        found_groups[by_page[(entry["site"], entry["path"])]["cluster"]].add(key)
    true_pairs, found_pairs = pairs(true_groups), pairs(found_groups)
    assert true_pairs, "the demo network has syndicated copies"
    assert found_pairs == true_pairs, {
        "missed": sorted(map(sorted, true_pairs - found_pairs)),
        "wrongly merged": sorted(map(sorted, found_pairs - true_pairs)),
    }
    assert store.client.zcard(store.keys.feed("all")) == len(true_groups)
