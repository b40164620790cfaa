"""`newssieve serve`: the HTTP API and the reader page, FastAPI under uvicorn (with the timeouts of
api/server.py; `up` runs this command)."""

from __future__ import annotations

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS, DEFAULT_LOG_LEVEL, LOG_LEVELS
from newssieve.redis_conn import redis_available
from newssieve.settings import get_settings


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--host", help="Address to listen on.  [default: NEWSSIEVE_API_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535),
              help="Port to listen on.  [default: NEWSSIEVE_API_PORT or 8000]")
@click.option("--log-level", default=DEFAULT_LOG_LEVEL, show_default=True,
              type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="Least severe level logged (any case).")
def serve(host: str | None, port: int | None, log_level: str) -> None:
    """Serve the API (/feeds, /articles, /clusters, /health, /docs) and the reader page at /."""
    from newssieve.api import server
    from newssieve.api.auth import is_loopback

    with redis_available() as url:
        settings = get_settings()
        host = host or settings.api_host
        port = settings.api_port if port is None else port
        if not settings.api_token and not is_loopback(host):
            click.echo(f"warning: listening on {host} without NEWSSIEVE_API_TOKEN: reads are open to anyone "
                       "who can reach it", err=True)
        click.echo(f"newssieve API on http://{host}:{port}/ · docs /docs · redis {url} · "
                   f"prefix {settings.prefix}", err=True)
        try:
            from newssieve.api.app import create_app  # the module builds an app too

            app = create_app()
        except ValueError as exc:  # a setting the API cannot work with (the token)
            raise click.ClickException(str(exc)) from None
        server.run(app, host=host, port=port, log_level=log_level.lower())


COMMANDS = [serve]
