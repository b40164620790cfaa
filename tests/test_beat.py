"""Beat's schedule follows the sites file: each enabled site on its cron expression, reloaded on change."""

from __future__ import annotations

import os
import time

from newssieve.redis_conn import reset_caches
from newssieve.taskqueue import CRAWL_SITE
from workers.app import app
from workers.beat import SitesScheduler

SITE = """
  - name: {name}
    domains: ["{name}.example.org"]
    feeds: ["https://{name}.example.org/rss"]
    article: ['/news/']
    schedule: "{cron}"
"""


def write(path, *sites):
    path.write_text("sites:" + "".join(SITE.format(name=n, cron=c) for n, c in sites), encoding="utf-8")
    stamp = time.time() + len(sites)
    os.utime(path, (stamp, stamp))  # a distinct mtime even within one clock tick


def test_schedule_follows_the_sites_file(tmp_path, monkeypatch):
    sites = tmp_path / "sites.yaml"
    write(sites, ("alpha", "*/15 * * * *"), ("beta", "0 3 * * 1"))
    monkeypatch.setenv("NEWSSIEVE_SITES", str(sites))
    reset_caches()
    scheduler = SitesScheduler(app=app, lazy=False)
    assert set(scheduler.schedule) == {"crawl:alpha", "crawl:beta", "resend-pending"}
    entry = scheduler.schedule["crawl:beta"]
    assert entry.task == CRAWL_SITE and entry.args == ("beta",)
    assert entry.schedule.hour == {3} and entry.schedule.day_of_week == {1}
    assert scheduler.schedule["crawl:alpha"].schedule.minute == {0, 15, 30, 45}

    write(sites, ("alpha", "5 * * * *"))
    scheduler.sync_sites()
    assert set(scheduler.schedule) == {"crawl:alpha", "resend-pending"}
    assert scheduler.schedule["crawl:alpha"].schedule.minute == {5}
    reset_caches()
