"""Failures of the commands as one line on stderr, never a traceback: Redis unavailable ends a command
with `Error: ...` and exit code 1; `fail` ends one with `newssieve: reason` and the code given."""

from __future__ import annotations

import contextlib
import sys
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


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def fail(reason: str, code: int = 1):
    echo_err(f"newssieve: {reason}")
    sys.exit(code)
