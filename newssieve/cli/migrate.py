"""`newssieve migrate [--apply]`: article records, site paragraph counts, the story index's per-article
fields and the clusters of one-article stories of the older layouts rewritten in the current ones."""

from __future__ import annotations

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS
from newssieve.redis_conn import get_client
from newssieve.store.migrate import Migration
from newssieve.store.paragraph_counts import ParagraphCounts
from newssieve.store.story_index import StoryIndex


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--apply", "apply", is_flag=True,
              help="Rewrite the records (without it: only say what would change).")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Keys asked for per SCAN call.")
def migrate(apply: bool, batch: int) -> None:
    """Store each article's text once, compressed (records written before issue 18 hold it twice), move
    each site's paragraph counts into buckets (one hash a site before), move each article's number,
    cluster and match from its record to its entry in the story index, and drop the cluster keys of each
    story of one article (its cluster is implicit now).

    Idempotent. Stop the workers of the older version first: they write the story index's fields into the
    records, and until this has run, workers of this version refuse to index (the feeds and the API read
    both layouts meanwhile). The rest is safe while workers run: a record is rewritten only if unchanged
    since it was read; a site's older counts are added to what the workers counted since, then deleted.
    """
    report = Migration().run(apply=apply, batch=batch)
    verb = "rewrote" if apply else "would rewrite"
    click.echo(f"{report.scanned} article records, {report.old} in the older layout; {verb} "
               f"{report.rewritten}: text and paragraphs "
               f"{report.bytes_before} bytes -> body {report.bytes_after} bytes")
    if report.skipped:
        click.echo(f"{report.skipped} changed while being read (stored again by a worker): left as they are")
    if report.damaged:
        click.echo(f"{report.damaged} damaged (text not UTF-8 or paragraphs not a JSON list): "
                   "left as they are")
    counts = ParagraphCounts().migrate_legacy(apply=apply, batch=batch)
    verb = "moved" if apply else "would move"
    click.echo(f"{counts.sites} sites' paragraph counts in the older layout ({counts.entries} paragraphs); "
               f"{verb} {counts.moved} into buckets")
    for key in counts.damaged:
        click.echo(f"{key}: not UTF-8 (not written by newssieve): left as it is")
    index = StoryIndex(get_client())
    records, moved = index.move_entries(apply=apply, batch=batch)
    verb = "moved" if apply else "would move"
    click.echo(f"{records} article records; {verb} the story index's fields of {moved} to their entries")
    clusters, alone = index.forget_lone_cluster_keys(apply=apply, batch=batch)
    verb = "dropped" if apply else "would drop"
    click.echo(f"{clusters} cluster keys; {verb} those of {alone} stories of one article (implicit now)")


COMMANDS = [migrate]
