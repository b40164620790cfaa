"""A local HTTP site on 127.0.0.1 for the crawl benchmarks: one function decides every answer."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Route = Callable[[str, str], "tuple[bytes, str] | None"]
"""(path, Host header) -> (body, content type), or None for a 404."""


def serve(route: Route) -> tuple[ThreadingHTTPServer, str]:
    """Start the site on a free loopback port; returns the server and its host:port."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out in two writes: with Nagle's algorithm the body waited for the
        # client's delayed ACK (~40 ms), which held every crawl to ~200-240 pages/s at concurrency 8
        # whatever its own cost per page.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            answer = route(self.path, self.headers.get("Host", ""))
            body, content_type = answer or (b"", "text/plain")
            self.send_response(200 if answer else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"127.0.0.1:{httpd.server_address[1]}"


def use_one_site(tmp: Path, name: str, netloc: str, article: str, max_pages: int, concurrency: int) -> str:
    """Point this process (and the crawls it starts) at a sites file holding only the local site,
    under a fresh key prefix and var dir in `tmp`; returns the prefix (the caller deletes it)."""
    from newssieve.redis_conn import reset_caches

    prefix = f"nsbench-{uuid.uuid4().hex[:8]}:"
    sites = tmp / "sites.yaml"
    sites.write_text(
        f"sites:\n  - name: {name}\n    domains: ['{netloc}']\n    allow_private: true\n"
        f"    sitemaps: ['http://{netloc}/sitemap.xml']\n    article: ['{article}']\n"
        f"    max_pages: {max_pages}\n    concurrency: {concurrency}\n",
        encoding="utf-8",
    )
    os.environ.update(NEWSSIEVE_PREFIX=prefix, NEWSSIEVE_SITES=str(sites), NEWSSIEVE_VAR_DIR=str(tmp / "var"))
    reset_caches()
    return prefix
