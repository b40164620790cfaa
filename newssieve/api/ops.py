"""Operations over HTTP: `/metrics` (Prometheus), the status page, and requeueing a dead letter.

These read the configured Redis and prefix (as `newssieve status` does). Requeueing
changes state, so it needs the API token even where reading does not.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from newssieve.api.auth import require_token
from newssieve.api.status_render import StatusLinks, render_status
from newssieve.ops import metrics, status
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


@router.get("/status", response_class=HTMLResponse, name="status_page", summary="The status page (HTML)")
def status_page(request: Request) -> HTMLResponse:
    links = StatusLinks(home=str(request.url_for("front_page")),
                        css=str(request.url_for("static", path="style.css")),
                        status_css=str(request.url_for("static", path="status.css")),
                        json=str(request.url_for("status_json")),
                        metrics=str(request.url_for("prometheus_metrics")))
    return HTMLResponse(render_status(status.collect(), links))


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
