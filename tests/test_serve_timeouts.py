"""A real `newssieve serve` bounds the time a client may take to send a request's head (issue 12 item 6):
a client trickling one header byte a second, or one that sends nothing, is cut off, while a normal
client on another connection is answered throughout."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request

from newssieve.settings import PROJECT_ROOT
from tests.feeds_helper import free_port
from tests.reliability_support import wait_for

HEADER_TIMEOUT = 3.0


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serving(prefix: str):
    port = free_port()
    env = {**os.environ, "NEWSSIEVE_PREFIX": prefix, "NEWSSIEVE_API_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}
    proc = subprocess.Popen([sys.executable, "-m", "newssieve", "serve", "--port", str(port),
                             "--log-level", "warning"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/health"), 30, 0.2), "serve did not start"
        yield port
    finally:
        proc.terminate()
        proc.wait(15)


def closed_after(sock: socket.socket, trickle: bytes, limit: float) -> float | None:
    """Send `trickle` a byte a second until the server closes the connection; seconds it took, or None."""
    start = time.monotonic()
    sock.settimeout(1.0)
    for byte in trickle:
        if time.monotonic() - start > limit:
            return None
        try:
            sock.sendall(bytes([byte]))
            if sock.recv(1024) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue  # a second passed without an answer: send the next byte
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start
    return None


def test_a_client_trickling_headers_is_cut_off_within_the_header_timeout(prefix):
    slow_head = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
    with serving(prefix) as port:
        trickling = socket.create_connection(("127.0.0.1", port))
        silent = socket.create_connection(("127.0.0.1", port))
        try:
            took = closed_after(trickling, slow_head, limit=HEADER_TIMEOUT + 10)
            assert answers(f"http://127.0.0.1:{port}/health")  # others are served meanwhile
            assert took is not None and took < HEADER_TIMEOUT + 3, took
            silent.settimeout(5)
            assert silent.recv(1024) == b""  # a connection that sent nothing is closed too
        finally:
            trickling.close()
            silent.close()
