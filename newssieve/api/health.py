"""Liveness for load balancers and compose: 200 when Redis answers, 503 when it does not."""

from __future__ import annotations

import redis
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from newssieve.api.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request):
    try:
        request.app.state.health_probe.ping()
    except (redis.RedisError, OSError) as exc:
        return JSONResponse({"status": "unavailable", "redis": f"unreachable: {exc}"}, 503)
    return {"status": "ok", "redis": "ok"}
