"""Crawl control for the API and the status page: queue a crawl of a site now, ask a running one to stop.

A crawl asked for here runs as a scheduled one does: the `crawl_site` task on the crawl queue, taken by
a crawl worker, under the site's lock. Stopping names the run that holds the lock now
(store.crawl_runs.request_cancel); its runner stops the child within a second or two and records the
run as "cancelled". A crawl still waiting in the queue has no run yet: it cannot be stopped here.
"""

from __future__ import annotations

from newssieve.sites import NAME_RE, InvalidSite, SitesFileError, current_sites
from newssieve.store.crawl_runs import is_running, request_cancel
from newssieve.taskqueue import CRAWL_QUEUE, CRAWL_SITE, make_celery


class CrawlControlError(Exception):
    """A request that cannot be done; `status` is the HTTP status that says why (404, 409, 503)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def start_crawl(site: str, refetch: bool = False) -> dict:
    """Queue a crawl of `site` now: {"site", "task_id"}; CrawlControlError when it cannot run."""
    _check_site(site)
    if is_running(site):
        raise CrawlControlError(409, f"a crawl of {site} is running already")
    app = make_celery("newssieve-crawl-control")
    try:
        result = app.send_task(CRAWL_SITE, args=[site], kwargs={"refetch": refetch}, queue=CRAWL_QUEUE)
    finally:
        app.close()
    return {"site": site, "task_id": result.id, "refetch": refetch}


def cancel_crawl(site: str) -> dict:
    """Ask the running crawl of `site` to stop: {"site", "run_id"}; CrawlControlError when none runs."""
    if not NAME_RE.match(site):
        raise CrawlControlError(404, f"{site!r} is not a site name")
    run_id = request_cancel(site)
    if run_id is None:
        raise CrawlControlError(409, f"no crawl of {site} is running")
    return {"site": site, "run_id": run_id}


def _check_site(site: str) -> None:
    try:
        entry = current_sites().site(site)
    except (SitesFileError, OSError) as exc:
        raise CrawlControlError(503, f"sites file: {exc}") from None
    except InvalidSite as exc:
        raise CrawlControlError(409, str(exc)) from None
    except KeyError as exc:
        raise CrawlControlError(404, str(exc).strip("'\"")) from None
    if not entry.enabled:
        raise CrawlControlError(409, f"site {site!r} is disabled in the sites file")
