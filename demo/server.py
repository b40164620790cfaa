"""One site's HTTP server: serves a fixed route table, answers conditional GETs, logs nothing to stderr.

Query strings are ignored when routing, so tracking parameters reach the same page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from demo.sites.common import Resource

NOT_FOUND = (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
             b"<body><h1>Not found</h1></body></html>\n")

RequestHook = Callable[[str, str, str, int], None]  # site, method, raw path, status


class SiteServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its site, its routes (set once the port is known) and a hook."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: str, on_request: RequestHook) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.routes: dict[str, Resource] = {}
        self.on_request = on_request


def etag(resource: Resource) -> str:
    return '"' + hashlib.sha1(resource.body).hexdigest()[:20] + '"'


def _not_modified(headers, tag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since (whole seconds)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {candidate.strip().removeprefix("W/") for candidate in if_none_match.split(",")}
        return "*" in tags or tag in tags
    if_modified_since = headers.get("If-Modified-Since")
    if not if_modified_since:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "DemoNews/1.0"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        resource = self.server.routes.get(urlsplit(self.path).path)
        if resource is None:
            status, body, content_type = 404, NOT_FOUND, "text/html; charset=utf-8"
            headers = {}
        else:
            tag = etag(resource)
            headers = {"ETag": tag, "Last-Modified": format_datetime(resource.last_modified, usegmt=True)}
            if _not_modified(self.headers, tag, resource.last_modified):
                status, body, content_type = 304, b"", ""
            else:
                status, body, content_type = 200, resource.body, resource.content_type
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)
        self.server.on_request(self.server.site, self.command, self.path, status)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from http.server
        """Silence the default one-line-per-request log on stderr."""
