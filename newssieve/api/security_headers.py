"""Security headers on every answer: a strict Content-Security-Policy, no MIME sniffing, no referrer,
no framing.

The reader and status pages use no inline script or style (templates/, static/page.js and the
stylesheets are files served from /static), so the policy allows only the app's own origin. The
OpenAPI pages (/docs, /redoc) are FastAPI's: they load Swagger UI or ReDoc from a CDN with an inline
script, so they get only the framing rules.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = "frame-ancestors 'none'"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def _raw(policy: str) -> tuple[tuple[bytes, bytes], ...]:
    """The headers as ASGI sends them (lower-case names), built once: a response costs a set lookup."""
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1"))
                 for name, value in {**COMMON, "Content-Security-Policy": policy}.items())


PAGE_HEADERS, DOCS_HEADERS = _raw(PAGE_POLICY), _raw(DOCS_POLICY)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, docs_paths: frozenset[str] = frozenset()):
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = DOCS_HEADERS if scope["path"] in self.docs_paths else PAGE_HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in added if header[0] not in present)
            await send(message)

        await self.app(scope, receive, with_headers)
