"""Failures as answers: Redis unavailable is a 503 with a JSON body (as `/health` says it), and an
unexpected error a logged 500 with a JSON body, both on a connection that stays usable.

Why the connection used to be reset after a 500: Starlette's ServerErrorMiddleware answers an
unhandled exception with a 500 and then raises it again for the server to log; uvicorn, seeing an
exception after the response started, closes the transport, so a keep-alive client's next request
meets a closed connection. A handler for an exception class (ExceptionMiddleware) returns its
response and the exception ends there; `Exception` itself cannot be given such a handler (Starlette
passes it to ServerErrorMiddleware), hence the small middleware below for the unexpected rest.
"""

from __future__ import annotations

import logging

import redis
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "5"


def redis_unavailable(request: Request, exc: redis.RedisError) -> JSONResponse:
    """503 for any route that needs Redis while it cannot answer."""
    log.warning("%s %s: Redis unavailable: %s", request.method, request.url.path, exc)
    state = "unreachable" if isinstance(exc, redis.ConnectionError | redis.TimeoutError) else "error"
    return JSONResponse({"status": "unavailable", "redis": f"{state}: {exc}"}, 503,
                        {"Retry-After": RETRY_AFTER_SECONDS})


class InternalErrors:
    """An exception no handler took becomes a logged 500 JSON answer, unless the response had started
    (then the server must cut the connection: the client holds half a response)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if started:
                raise
            log.exception("%s %s failed", scope["method"], scope["path"])
            await JSONResponse({"detail": "internal server error"}, 500)(scope, receive, send)


def install(app: FastAPI) -> None:
    """Add the handlers; call before any other middleware so this one sits innermost."""
    app.add_exception_handler(redis.RedisError, redis_unavailable)
    app.add_middleware(InternalErrors)
