"""Operations over HTTP: `/metrics` (Prometheus), the status page and its history, crawl logs, and the
actions: crawl a site now, stop a running crawl, requeue dead letters.

These read the configured Redis and prefix (as `newssieve status` does). Every action changes
state, so it needs the API token even where reading does not (`require_token`: refused outright
when no token is configured).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from newssieve.api.auth import require_token
from newssieve.api.status_render import StatusLinks, render_status
from newssieve.ops import history, metrics, status
from newssieve.ops.crawl_control import CrawlControlError, cancel_crawl, start_crawl
from newssieve.ops.crawl_logs import find_run_log
from newssieve.store.deadletters import DeadLetters
from newssieve.taskqueue import make_celery

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, summary="Prometheus metrics, read from Redis now")
def prometheus_metrics(request: Request) -> Response:
    body, content_type = metrics.exposition(request.headers.get("accept"))
    return Response(body, headers={"Content-Type": content_type})


@router.get("/status.json", summary="The pipeline status (as `newssieve status --json`)")
def status_json() -> dict:
    return status.collect()


@router.get("/status/history.json", summary="Queue depths and throughput, one sample per minute, last 24 h")
def status_history() -> dict:
    return history.series()


@router.get("/status", response_class=HTMLResponse, name="status_page", summary="The status page (HTML)")
def status_page(request: Request) -> HTMLResponse:
    links = StatusLinks(home=str(request.url_for("front_page")),
                        css=str(request.url_for("static", path="style.css")),
                        status_css=str(request.url_for("static", path="status.css")),
                        status_js=str(request.url_for("static", path="status.js")),
                        json=str(request.url_for("status_json")),
                        metrics=str(request.url_for("prometheus_metrics")),
                        api_root=str(request.url_for("front_page")).rstrip("/"),
                        actions=bool(request.app.state.api_token))
    return HTMLResponse(render_status(status.collect(), links, history.series()))


SITE = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$", description="A site of the sites file")]


@router.get("/crawl-runs/{site}/{run_id}/log", response_class=FileResponse, name="crawl_run_log",
            summary="The log of one crawl run (text; the last 20 runs of each site are kept)")
def crawl_run_log(site: SITE, run_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]) -> FileResponse:
    path = find_run_log(site, run_id)
    if path is None:
        raise HTTPException(404, f"no log of run {run_id} of {site} (only the last runs' logs are kept)")
    return FileResponse(path, media_type="text/plain; charset=utf-8")


def _control(action, *args) -> dict:
    try:
        return action(*args)
    except CrawlControlError as exc:
        raise HTTPException(exc.status, exc.reason) from None


@router.post("/sites/{site}/crawl", status_code=202, dependencies=[Depends(require_token)],
             summary="Crawl a site now: queue its crawl for a crawl worker (needs the API token)")
def crawl_now(site: SITE, refetch: bool = False) -> dict:
    return _control(start_crawl, site, refetch)


@router.post("/sites/{site}/cancel", status_code=202, dependencies=[Depends(require_token)],
             summary="Stop the running crawl of a site; it is recorded as cancelled (needs the API token)")
def cancel_running_crawl(site: SITE) -> dict:
    return _control(cancel_crawl, site)


@router.post("/dead/requeue", dependencies=[Depends(require_token)],
             summary="Send every dead letter through the pipeline again (needs the API token)")
def requeue_all_dead_letters() -> dict:
    letters = DeadLetters()
    app = make_celery("newssieve-api-requeue")
    try:
        sent = [task_id for one in letters.ids() if (task_id := letters.requeue(one, app))]
    finally:
        app.close()
    return {"requeued": len(sent)}


@router.post("/dead/{letter_id}/requeue", dependencies=[Depends(require_token)],
             summary="Send a dead letter through the pipeline again (needs the API token)")
def requeue_dead_letter(letter_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")]) -> dict:
    app = make_celery("newssieve-api-requeue")
    try:
        task_id = DeadLetters().requeue(letter_id, app)
    finally:
        app.close()
    if task_id is None:
        raise HTTPException(404, f"no dead letter {letter_id}")
    return {"requeued": letter_id, "task_id": task_id}
