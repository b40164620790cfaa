"""The demo news network: five sites, each its own HTTP server on 127.0.0.1, run in daemon threads.

    with DemoNetwork() as network:          # every site on a free port
        url = network.base_url("harbor-wire") + "/rss.xml"

`python -m demo.network [--port 8701]` serves it on fixed ports until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from pathlib import Path

from demo.content import SITE_NAMES
from demo.server import SiteServer
from demo.sites import build_routes

__all__ = ["DEFAULT_BASE_PORT", "SITE_NAMES", "DemoNetwork", "load_ground_truth", "serve_forever"]

DEFAULT_BASE_PORT = 8701
GROUND_TRUTH = Path(__file__).with_name("ground_truth.json")
SITES_YAML = Path(__file__).resolve().parent.parent / "config" / "demo_sites.yaml"

# 127.0.0.1:PORT as written in demo_sites.yaml, both plain and regex-escaped (127\.0\.0\.1:PORT).
_ADDRESS = re.compile(r"127(\\?)\.0\\?\.0\\?\.1:(\d+)")


class DemoNetwork:
    """The five demo sites. `base_port=0` puts each on a free port; N puts them on N, N+1, ..."""

    def __init__(self, host: str = "127.0.0.1", base_port: int = 0) -> None:
        self.host = host
        self.base_port = base_port
        self.ports: dict[str, int] = {}
        self._servers: dict[str, SiteServer] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._log: list[tuple[str, str, str, int]] = []
        self._lock = threading.Lock()

    def start(self) -> DemoNetwork:
        if self._servers:
            raise RuntimeError("the demo network is already running")
        try:
            for offset, site in enumerate(SITE_NAMES):
                port = self.base_port + offset if self.base_port else 0
                self._servers[site] = SiteServer((self.host, port), site, self._record)
                self.ports[site] = self._servers[site].server_address[1]
            for site, server in self._servers.items():
                server.routes = build_routes(site, self.base_url(site))
                thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                          name=f"demo-{site}", daemon=True)
                thread.start()
                self._threads[site] = thread
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for site, server in self._servers.items():
            if site in self._threads:
                server.shutdown()  # would wait forever on a server that never started serving
            server.server_close()
        for thread in self._threads.values():
            thread.join()
        self._servers.clear()
        self._threads.clear()
        self.ports.clear()

    def base_url(self, site: str) -> str:
        return f"http://{self.host}:{self.ports[site]}"

    def sites_yaml(self) -> str:
        """config/demo_sites.yaml with every site's default port replaced by the port it runs on."""
        if not self.ports:
            raise RuntimeError("start the demo network first")
        actual = {DEFAULT_BASE_PORT + offset: self.ports[site] for offset, site in enumerate(SITE_NAMES)}

        def move(match: re.Match) -> str:
            escaped = bool(match.group(1))
            host = re.escape(self.host) if escaped else self.host
            return f"{host}:{actual.get(int(match.group(2)), int(match.group(2)))}"

        return _ADDRESS.sub(move, SITES_YAML.read_text(encoding="utf-8"))

    def requests(self, site: str | None = None) -> list[tuple[str, str, str, int]]:
        """Requests served so far as (site, method, path with query, status), e.g. to check robots.txt."""
        with self._lock:
            return [entry for entry in self._log if site is None or entry[0] == site]

    def _record(self, site: str, method: str, path: str, status: int) -> None:
        with self._lock:
            self._log.append((site, method, path, status))

    def __enter__(self) -> DemoNetwork:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def load_ground_truth() -> dict:
    """demo/ground_truth.json: the sites and every article page with its true title, authors and body."""
    return json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))


def serve_forever(base_port: int = DEFAULT_BASE_PORT, host: str = "127.0.0.1") -> None:
    """Serve the network on fixed ports, print the sites' URLs, and block until Ctrl-C."""
    with DemoNetwork(host, base_port) as network:
        for site in SITE_NAMES:
            print(f"{site:<13} {network.base_url(site)}/", flush=True)
        print("Serving the demo news network; Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the demo news network on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=DEFAULT_BASE_PORT,
                        help="port of the first site; the others follow (default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    serve_forever(args.port, args.host)


if __name__ == "__main__":
    main()
