"""Failures of the commands as one line: Redis unavailable ends a command with `Error: ...` on stderr
and exit code 1, not a traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
import redis


@contextlib.contextmanager
def redis_errors() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise click.ClickException(f"Redis unavailable: {message}") from None
