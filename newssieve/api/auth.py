"""Access: an optional token for everything, and a token always required for changes.

With NEWSSIEVE_API_TOKEN set, every request needs `Authorization: Bearer <token>`
(checked in an ASGI middleware so that docs and static files are covered too).
Endpoints that change anything depend on `require_token`, which refuses them
when no token is configured at all. Without a token, the API is meant for a
loopback address (`is_loopback`); `serve` and `up` warn otherwise.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CHALLENGE = {"WWW-Authenticate": "Bearer"}


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, "localhost")."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def token_matches(authorization: str | None, token: str) -> bool:
    """True for `Bearer <token>`; the comparison takes the same time wherever they differ."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


class BearerTokenMiddleware:
    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope["headers"])
            authorization = headers.get(b"authorization", b"").decode("latin-1")
            if not token_matches(authorization, self.token):
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                response = JSONResponse({"detail": "missing or wrong bearer token"}, 401, CHALLENGE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


BEARER = HTTPBearer(auto_error=False)  # declares the scheme in /openapi.json ("Authorize" in /docs)


def require_token(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
    """Dependency of every endpoint that changes something."""
    token = request.app.state.api_token
    if not token:
        raise HTTPException(403, "changes are disabled: set NEWSSIEVE_API_TOKEN on the server")
    given = f"Bearer {credentials.credentials}" if credentials else None
    if not token_matches(given, token):
        raise HTTPException(401, "missing or wrong bearer token", headers=CHALLENGE)
