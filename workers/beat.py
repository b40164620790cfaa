"""Celery beat schedule from the sites file: one crawl entry per enabled site, on its cron expression.

The file is re-read whenever it changes, so adding a site or changing a
schedule needs no code change and no restart. Kept in memory (the plain
Scheduler, not the shelve-backed one: no pickle anywhere); after a restart a
cron schedule simply resumes from the current time.
"""

from __future__ import annotations

import logging

from celery.beat import Scheduler
from celery.schedules import crontab

from newssieve.ops.history import Sampler
from newssieve.sites import SitesFile, current_sites
from newssieve.taskqueue import CRAWL_QUEUE, CRAWL_SITE, PROCESS_QUEUE, RESEND_PENDING

log = logging.getLogger(__name__)
ENTRY_PREFIX = "crawl:"


def cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


RESEND_EVERY_SECONDS = 300.0
SAFETY_NET = {
    # Pages whose broker message was lost (see newssieve.store.pending).
    "resend-pending": {"task": RESEND_PENDING, "schedule": RESEND_EVERY_SECONDS,
                       "options": {"queue": PROCESS_QUEUE, "expires": RESEND_EVERY_SECONDS}},
}


def entries_for(sites: SitesFile) -> dict[str, dict]:
    """One crawl entry per enabled site, plus the safety net for lost messages."""
    return SAFETY_NET | {
        f"{ENTRY_PREFIX}{site.name}": {
            "task": CRAWL_SITE,
            "schedule": cron(site.schedule),
            "args": (site.name,),
            # A crawl that could not start within an hour is superseded by the next one.
            "options": {"queue": CRAWL_QUEUE, "expires": 3600},
        }
        for site in sites.sites.values()
        if site.enabled
    }


class SitesScheduler(Scheduler):
    _loaded: SitesFile | None = None
    # beat wakes at least this often: the status history wants a sample every minute (ops/history.py)
    max_interval = 20

    def setup_schedule(self) -> None:
        self.history = Sampler()
        self.sync_sites()

    def tick(self, *args, **kwargs):
        self.sync_sites()
        self.history.maybe_sample()
        return super().tick(*args, **kwargs)

    def sync_sites(self) -> None:
        try:
            sites = current_sites()
        except Exception as exc:  # a broken file must not stop beat: keep the last good schedule
            log.error("cannot read the sites file, keeping the current schedule: %s", exc)
            return
        if sites is self._loaded:
            return
        for error in sites.errors:
            log.error("%s", error)
        self.merge_inplace(entries_for(sites))
        self._loaded = sites
        log.info("beat schedule: %s", ", ".join(sorted(self.schedule)) or "no enabled sites")
