"""The FastAPI application: `create_app()` for tests and `serve`, `app` for `uvicorn newssieve.api.app:app`.

Routers, one per concern, are listed in ROUTERS. The operations router `ops`
(`/metrics`, the `/status` page, requeueing dead letters) sits next to `health`;
whatever it adds that changes state must depend on `auth.require_token`.
Middleware, outermost first: security headers, the token check, then `errors`
(Redis unavailable -> 503, anything unexpected -> a 500 that keeps the connection).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from newssieve import __version__
from newssieve.api import articles, errors, feeds, health, ops, pages
from newssieve.api import docs as api_docs
from newssieve.api.auth import BearerTokenMiddleware, check_token_setting
from newssieve.api.security_headers import SecurityHeaders
from newssieve.feeds.query import FeedReader
from newssieve.feeds.stories import StoryReader
from newssieve.redis_conn import probe_client
from newssieve.settings import get_settings
from newssieve.store.articles import Store
from newssieve.store.data_errors import DataErrors

STATIC_DIR = Path(__file__).parent / "static"
ROUTERS = (health.router, ops.router, feeds.router, articles.router, pages.router, api_docs.router)


def create_app(store: Store | None = None, token: str | None = None,
               base_url: str | None = None, open_reads: bool | None = None) -> FastAPI:
    """The API over `store` (default: the configured Redis and prefix).

    `token` defaults to NEWSSIEVE_API_TOKEN; when set, every request needs it, or only changes with
    `open_reads` (default NEWSSIEVE_API_OPEN_READS). `base_url`
    (default NEWSSIEVE_BASE_URL) is where feeds say they live: never the request's Host.
    """
    token = token or get_settings().api_token
    check_token_setting(token)
    app = FastAPI(title="newssieve", version=__version__,
                  description="Deduplicated news feeds: one entry per story, syndicated copies folded in.",
                  docs_url=None, redoc_url=None)  # served offline by api/docs.py
    store = store or Store()
    app.state.feed_reader = FeedReader(store)
    app.state.story_reader = StoryReader(store)
    app.state.health_probe = probe_client(store.client)
    app.state.data_errors = DataErrors(app.state.health_probe, store.keys.prefix)
    app.state.api_token = token
    app.state.base_url = (base_url or get_settings().base_url).rstrip("/")
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    if token:
        open_reads = get_settings().api_open_reads if open_reads is None else open_reads
        app.add_middleware(BearerTokenMiddleware, token=token, open_reads=open_reads)
    app.add_middleware(SecurityHeaders, docs_paths=api_docs.PATHS)
    return app


app = create_app()
