"""Every stored article as flat records, streamed from the `articles` zset in batches.

`since` selects by when newssieve first saw the article (the `articles` score),
so repeated exports with `--since` pick up what arrived in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from newssieve.feeds import entry_from_row
from newssieve.storage import Store
from newssieve.story_index import StoryIndex
from newssieve.zscan import walk

EXPORT_FIELDS = ("id", "url", "canonical_url", "site", "site_name", "title", "authors", "published",
                 "published_ts", "lang", "text", "cluster", "empty_reason")


def iter_export(store: Store, since: float | None = None, batch: int = 500) -> Iterator[dict]:
    """One record per article, oldest first-seen first; memory bounded by `batch`."""
    index = StoryIndex(store.client, store.keys.prefix)
    members = walk(store.client, store.keys.articles, newest_first=False, low=since, batch=batch)
    while chunk := list(islice(members, batch)):
        pipe = store.client.pipeline(transaction=False)
        for aid, _ in chunk:
            pipe.hmget(store.keys.article(aid), EXPORT_FIELDS)
        records = []
        for (_, first_seen), values in zip(chunk, pipe.execute(), strict=True):
            if values[0]:
                record = entry_from_row(dict(zip(EXPORT_FIELDS, values, strict=True)))
                record["empty_reason"] = record["empty_reason"] or None
                record["first_seen"] = first_seen
                records.append(record)
        canonicals = store.canonicals([r["cluster"] for r in records if r["cluster"]])
        by_cluster = dict(zip([r["cluster"] for r in records if r["cluster"]], canonicals, strict=True))
        pairs = [(r["id"], by_cluster[r["cluster"]]) for r in records if by_cluster.get(r["cluster"])]
        sims = dict(zip([a for a, _ in pairs], index.similarities(pairs), strict=True))
        for record in records:
            canonical = by_cluster.get(record["cluster"])
            record["canonical"] = canonical == record["id"]
            record["duplicate_of"] = canonical if canonical and canonical != record["id"] else None
            record["similarity"] = sims.get(record["id"])
            yield record
