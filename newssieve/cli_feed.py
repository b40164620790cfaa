"""Reading the deduplicated feeds from the command line."""

from __future__ import annotations

import json

import click

from newssieve.feed_text import story_lines
from newssieve.storage import Store


@click.command()
@click.argument("name", default="all")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--copies", is_flag=True, help="List each story's copies under it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for programs.")
def feed(name: str, limit: int, copies: bool, as_json: bool) -> None:
    """Print the deduplicated feed NAME (default: all), newest first."""
    entries = Store().feed_entries(name, limit=limit, copies=True)
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for line in story_lines(entries, copies=copies):
        click.echo(line)


COMMANDS = [feed]
