"""`newssieve expire --older-than 30d`: retention; old articles go with every entry pointing at them."""

from __future__ import annotations

import time

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS
from newssieve.store.retention import count_older_than, expire_older_than
from newssieve.timespec import parse_when


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--older-than", "older_than", required=True,
              help="Age such as 30d, 12h, 90m, 2w (or an ISO 8601 time): articles first seen before it go.")
@click.option("--dry-run", is_flag=True, help="Only count the articles that would be removed.")
def expire(older_than: str, dry_run: bool) -> None:
    """Remove old articles with their index entries, cluster membership, site and feed entries."""
    now = time.time()
    try:
        seconds = now - parse_when(older_than, now)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--older-than") from None
    if dry_run:
        click.echo(f"would remove {count_older_than(seconds, now=now)} articles")
        return
    click.echo(f"removed {expire_older_than(seconds, now=now)} articles")


COMMANDS = [expire]
