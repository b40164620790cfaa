"""Running the app under uvicorn with bounded connection times (`newssieve serve`, and so `up`).

uvicorn bounds an idle keep-alive connection (`timeout_keep_alive`) and the size of a request's
head (h11's max incomplete event size, 16 KiB), but not the time a client takes to send the head:
a fresh connection has no timer at all, and any byte received cancels the keep-alive timer, so a
client trickling one header byte a second holds a connection for hours. `BoundedH11Protocol` adds
that missing deadline: a request's line and headers must arrive within `header_timeout` seconds of
the connection opening (or of the previous response), however they trickle. A slowly sent body
is not bounded here (the API takes no bodies beyond the token-protected POST, which has none).
"""

from __future__ import annotations

import asyncio
import gc

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from newssieve.settings import get_settings


class BoundedH11Protocol(H11Protocol):
    header_timeout = 10.0  # seconds; set per server by `config()`

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        """Arm the deadline while a request's head is awaited (once: trickled bytes do not extend it)."""
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            self._stop_watching()
        elif self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_watching(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.logger.info("closed a connection that sent no complete request head in %ss",
                             self.header_timeout)
            self.transport.close()


def config(app: FastAPI, host: str, port: int, log_level: str) -> uvicorn.Config:
    """uvicorn's configuration with the API's timeouts (NEWSSIEVE_API_KEEP_ALIVE_TIMEOUT, _HEADER_TIMEOUT)."""
    settings = get_settings()
    protocol = type("ServeProtocol", (BoundedH11Protocol,), {"header_timeout": settings.api_header_timeout})
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, http=protocol,
                          timeout_keep_alive=settings.api_keep_alive_timeout)


def run(app: FastAPI, host: str, port: int, log_level: str) -> None:
    calm_garbage_collector()
    uvicorn.Server(config(app, host, port, log_level)).run()


def calm_garbage_collector() -> None:
    """Keep Python's cyclic collector out of the latency tail: what was loaded at start (modules, the app,
    the models) is frozen out of its scans, and young collections run every 20,000 allocations instead of
    700. A request allocates a few thousand objects, nearly all freed by reference counting; the full
    scans of the loaded heap were the tail. bench/api.py, 100k articles, 3 alternating rounds: p99 at 200
    req/s 24.5 (20-39) ms against 76.5 (72-77) ms without, max 1,330-1,508 against 1,028-1,308 req/s."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
