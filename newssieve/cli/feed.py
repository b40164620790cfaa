"""Reading the deduplicated feeds and exporting every article from the command line."""

from __future__ import annotations

import json

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS, utc
from newssieve.cli.errors import redis_errors
from newssieve.feeds.export import iter_export
from newssieve.feeds.query import FeedQuery, FeedReader, UnknownFeed
from newssieve.feeds.text import story_lines
from newssieve.redis_conn import redis_available
from newssieve.store.articles import Store
from newssieve.timespec import parse_when


class WhenType(click.ParamType):
    """A duration back from now (30m, 2h, 7d) or an ISO 8601 time, as seconds since the epoch."""

    name = "when"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            return parse_when(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


WHEN = WhenType()


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("name", default="all")
@click.option("--since", type=WHEN, help="Published at or after: 30m, 2h, 7d or ISO 8601.")
@click.option("--until", type=WHEN, help="Published before: 30m, 2h, 7d or ISO 8601.")
@click.option("--site", help="Only stories whose canonical article is from this site.")
@click.option("--lang", help="Only stories in this language (ISO 639-1).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000),
              help="At most this many stories.")
@click.option("--copies", is_flag=True,
              help="List each story's copies with how each matched and its language (table), or inline "
                   "them (json).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
              show_default=True, help="table for people; json (one array) or jsonl (one story a line).")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
def feed(name: str, since: float | None, until: float | None, site: str | None, lang: str | None,
         limit: int, copies: bool, fmt: str, as_json: bool) -> None:
    """Print the deduplicated feed NAME (default: all), newest first, one entry per story."""
    fmt = "json" if as_json else fmt
    if since is not None and until is not None and since >= until:
        raise click.BadParameter("must be later than --since", param_hint="--until")
    query = FeedQuery(since=since, until=until, site=site, lang=lang, limit=limit,
                      copies=copies or fmt == "table")
    with redis_available(), redis_errors():
        reader = FeedReader()
        try:
            reader.feed_def(name)
        except UnknownFeed:
            known = ", ".join(sorted(reader.feed_defs()))
            raise click.BadParameter(f"unknown feed {name!r} (known: {known})", param_hint="NAME") from None
        entries = reader.iter_entries(name, query)
        if fmt == "json":
            click.echo(json.dumps(list(entries), ensure_ascii=False, indent=2))
        elif fmt == "jsonl":
            for entry in entries:
                click.echo(json.dumps(entry, ensure_ascii=False))
        else:
            lines = story_lines(entries, copies=copies)
            for line in lines or [_nothing(name, since, until)]:
                click.echo(line)


def _nothing(name: str, since: float | None, until: float | None) -> str:
    """The line a table prints when no story matches: "no stories since 2026-11-30 12:00 UTC" ..."""
    window = "".join([f" since {utc(since)}" if since is not None else "",
                      f" before {utc(until)}" if until is not None else ""])
    return f"no stories in feed {name}{window}" if name != "all" else f"no stories{window}"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--since", type=WHEN, help="Articles first seen at or after: 30m, 2h, 7d or ISO 8601.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="One JSON object per line (the only format).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", atomic=True), default="-",
              show_default=True, help="File to write (replaced only when the export completes).")
def export(since: float | None, fmt: str, output) -> None:
    """Write every stored article, one JSON object per line, oldest first-seen first.

    Each line has the article (text included), its cluster, whether it is the
    canonical, the canonical it duplicates (or null), its similarity to it and
    how it matches it (`match`: exact, near or translation).
    """
    count = 0
    with redis_available(), redis_errors():
        for record in iter_export(Store(), since=since):
            output.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    output.flush()
    click.echo(f"exported {count} articles", err=True)


COMMANDS = [feed, export]
