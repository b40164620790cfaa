"""A hostile news site on 127.0.0.1: endless bodies, endless redirects, broken bytes, absurd nesting.

Every route stays on this server; nothing here points at another address.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = 1024 * 1024


def story(name: str) -> str:
    """Paragraphs of their own for each page (a paragraph on 3 pages of a site is boilerplate)."""
    return "".join(
        f"<p>The harbour council of {name} approved the new ferry timetable {n} on Monday after a debate "
        f"that lasted most of the evening and drew a crowd of {name} residents from both islands.</p>"
        for n in range(4))


def article(title: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{story(title)}</article></body></html>")


def nested_html(depth: int) -> bytes:
    return (f"<!doctype html><html><head><title>Nested</title></head><body>{'<div>' * depth}"
            f"<article><h1>Nested</h1>{story('Nested')}</article>{'</div>' * depth}</body></html>").encode()


def invalid_utf8_html() -> bytes:
    good = article("Broken bytes").encode("utf-8")
    broken = (b"<p>Bad bytes \xff\xfe here, overlong \xc0\xaf, lone \x80, cut \xe2\x82, "
              b"surrogate \xed\xa0\x80.</p>")
    return good.replace(b"<article>", b"<article>" + broken, 1)


def nested_sitemap(depth: int) -> bytes:
    head = b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    loc = b"<loc>http://127.0.0.1/news/x.html</loc>"
    return head + b"<url>" * depth + loc + b"</url>" * depth + b"</urlset>"


class HostileSite:
    def __init__(self, stream_bytes: int = 50 * MB):
        self.hits: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # body bytes written per path
        self.stream_bytes = stream_bytes
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                site.hits[self.path] += 1
                if self.path.startswith("/news/loop-"):
                    n = int(self.path.rsplit("-", 1)[1].split(".")[0])
                    return self._send(302, {"Location": f"/news/loop-{n + 1}.html"}, b"")
                if self.path in ("/news/endless.html", "/news/endless-declared.html"):
                    return self._stream(declared=self.path.endswith("declared.html"))
                status, headers, body = site.routes.get(self.path, (404, {}, b"not found"))
                self._send(status, headers, body)

            def _send(self, status, headers, body):
                try:
                    self.send_response(status)
                    for key, value in {"Content-Length": str(len(body)), **headers}.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                    site.sent[self.path] += len(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream(self, declared: bool):
                """50 MB of markup, with its length declared up front or not at all (until close)."""
                self.close_connection = True
                chunk = (b"<p>" + b"endless text " * 5000 + b"</p>")[:64 * 1024]
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    if declared:
                        self.send_header("Content-Length", str(site.stream_bytes))
                    else:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    while site.sent[self.path] < site.stream_bytes:
                        self.wfile.write(chunk)
                        site.sent[self.path] += len(chunk)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.netloc}{path}"

    def route(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8",
              status: int = 200) -> None:
        self.routes[path] = (status, {"Content-Type": content_type},
                             body.encode() if isinstance(body, str) else body)

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
