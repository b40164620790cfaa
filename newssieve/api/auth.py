"""Access: an optional token for everything, and a token always required for changes.

With NEWSSIEVE_API_TOKEN set, every request needs `Authorization: Bearer <token>`
(checked in an ASGI middleware so that docs and static files are covered too), unless
NEWSSIEVE_API_OPEN_READS opens GET and HEAD: a browser cannot send a bearer header when it
loads a page, so a status page whose actions post with the token needs open reads.
Endpoints that change anything depend on `require_token`, which refuses them
when no token is configured at all. Without a token, the API is meant for a
loopback address (`is_loopback`); `serve` and `up` warn otherwise.

Both checks read the header the same way (`authorization`): a request with two
Authorization headers is refused (each reader could pick another one), and so is
one whose header is not ASCII (a bearer token is, RFC 6750; a non-ASCII token
would match only in whatever encoding the server happened to decode). The token
is compared as bytes, the setting's UTF-8 against the header's bytes.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CHALLENGE = {"WWW-Authenticate": "Bearer"}


class BadAuthorization(ValueError):
    """The Authorization header cannot be read unambiguously: answered with 400."""


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1, "localhost")."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def check_token_setting(token: str | None) -> None:
    """A token must be printable ASCII: no client could send another one in a header."""
    if token is not None and not (token.isascii() and token.isprintable() and token.strip() == token):
        raise ValueError("NEWSSIEVE_API_TOKEN must be printable ASCII without surrounding spaces")


def authorization(headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    """The request's one Authorization header as sent (raw ASGI headers); None when there is none."""
    values = [value for name, value in headers if name.lower() == b"authorization"]
    if len(values) > 1:
        raise BadAuthorization("more than one Authorization header")
    if values and not values[0].isascii():
        raise BadAuthorization("the Authorization header must be ASCII (a bearer token is)")
    return values[0] if values else None


def token_matches(header: bytes | str | None, token: str) -> bool:
    """True for `Bearer <token>`; the comparison takes the same time wherever they differ."""
    raw = header.encode("utf-8") if isinstance(header, str) else header or b""
    scheme, _, given = raw.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), token.encode("utf-8"))


READ_METHODS = frozenset({"GET", "HEAD"})


class BearerTokenMiddleware:
    def __init__(self, app: ASGIApp, token: str, open_reads: bool = False):
        self.app = app
        self.token = token
        self.open_reads = open_reads

    def guarded(self, scope: Scope) -> bool:
        """Whether the request needs the token here (a change still meets `require_token` later)."""
        if scope["type"] == "websocket":
            return True
        return scope["type"] == "http" and not (self.open_reads and scope["method"] in READ_METHODS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.guarded(scope):
            try:
                allowed, status, detail = token_matches(authorization(scope["headers"]), self.token), 401, ""
            except BadAuthorization as exc:
                allowed, status, detail = False, 400, str(exc)
            if not allowed:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                detail = detail or "missing or wrong bearer token"
                response = JSONResponse({"detail": detail}, status, CHALLENGE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


BEARER = HTTPBearer(auto_error=False)  # declares the scheme in /openapi.json ("Authorize" in /docs)


def require_token(request: Request,
                  _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
    """Dependency of every endpoint that changes something."""
    token = request.app.state.api_token
    if not token:
        raise HTTPException(403, "changes are disabled: set NEWSSIEVE_API_TOKEN on the server")
    try:
        header = authorization(request.scope["headers"])
    except BadAuthorization as exc:
        raise HTTPException(400, str(exc), headers=CHALLENGE) from None
    if not token_matches(header, token):
        raise HTTPException(401, "missing or wrong bearer token", headers=CHALLENGE)
