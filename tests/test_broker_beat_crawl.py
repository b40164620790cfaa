"""Beat's crawl entry through the broker to a real worker: the crawl runs, its pages are stored.

Marked `broker` (run against Redis, then RabbitMQ): beat's scheduler sends the site's entry as it
does when it is due (`apply_entry`), a real worker on both queues runs the crawl (a Scrapy child
against a local site) and then the pages the crawl handed to the process queue.
"""

from __future__ import annotations

import pytest

from newssieve.ops.broker import queue_depths
from newssieve.store.crawl_runs import last_runs
from newssieve.store.keys import Keys
from newssieve.taskqueue import make_celery
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (pytest fixtures)
    crawl_env_fixture,
    rss,
    server_fixture,
)
from tests.reliability_support import wait_for
from tests.workers_helper import celery_worker
from workers.beat import SitesScheduler

pytestmark = pytest.mark.broker
BODY = "<p>The harbour reopened on Monday after the storm. " + "Boats came back to the quay. " * 30 + "</p>"


def test_a_scheduled_crawl_goes_through_the_broker_to_a_worker_and_its_pages_are_stored(crawl_env, server):
    server.html("/news/1.html", "Harbour reopens", BODY)
    server.html("/news/2.html", "Valley floods", BODY.replace("harbour", "valley"))
    server.route("/feed.xml", rss([(server.url("/news/1.html"), "1"), (server.url("/news/2.html"), "2")]),
                 headers={"Content-Type": "application/rss+xml"})
    crawl_env.write_sites([{"name": "harbour", "domains": [server.netloc], "feeds": [server.url("/feed.xml")],
                            "article": ["/news/"], "schedule": "*/5 * * * *"}])
    app = make_celery("test-beat")  # configured now: this test's key prefix (workers.app has the session's)
    scheduler = SitesScheduler(app=app, lazy=False)
    with app.producer_or_acquire() as producer:
        scheduler.apply_entry(scheduler.schedule["crawl:harbour"], producer=producer)
    app.close()
    assert queue_depths()["crawl"]["waiting"] == 1

    client = crawl_env.redis
    with celery_worker(concurrency=2, queues="crawl,process") as worker:
        stored = lambda: client.zcard(Keys(crawl_env.prefix).articles) == 2  # noqa: E731
        assert wait_for(stored, 120, 0.2), (last_runs("harbour", 1), queue_depths())
        assert worker.poll() is None
    run = last_runs("harbour", 1)[0]
    assert run["status"] == "ok" and run["articles_new"] == 2
    assert queue_depths()["crawl"]["waiting"] == 0 and queue_depths()["process"]["waiting"] == 0
