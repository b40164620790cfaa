"""Liveness for load balancers and compose: 200 when Redis answers, 503 when it does not.

HEAD is answered too (load balancers probe with it). The body also names the malformed records
the readers skipped (store/data_errors.py): they cost their own entries, not the service's health.
"""

from __future__ import annotations

import redis
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from newssieve.api.schemas import Health
from newssieve.ops.redis_state import redis_problems, redis_state
from newssieve.redis_conn import ping_all

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
@router.head("/health", include_in_schema=False)
def health(request: Request):
    try:
        ping_all(request.app.state.health_probe)
    except (redis.RedisError, OSError) as exc:
        return JSONResponse({"status": "unavailable", "redis": f"unreachable: {exc}"}, 503)
    problems = _redis_problems(request)
    return {"status": "degraded" if problems else "ok", "redis": "; ".join(problems) or "ok",
            "data_errors": _data_errors(request)}


def _redis_problems(request: Request) -> list[str]:
    """Redis answers but cannot take work: out of memory, broker keys of the wrong type (200: reads work)."""
    probe, prefix = request.app.state.health_probe, request.app.state.data_errors.keys.prefix
    try:
        return redis_problems(redis_state(probe, prefix))
    except (redis.RedisError, OSError):
        return []


def _data_errors(request: Request) -> dict | None:
    try:
        return request.app.state.data_errors.summary()
    except (redis.RedisError, OSError):
        return None
