"""Every stored article as flat records, streamed from the `articles` zset in batches.

`since` selects by when newssieve first saw the article (the `articles` score),
so repeated exports with `--since` pick up what arrived in between. A copy's
`match` says how it matches the canonical it duplicates (feeds/matches.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from newssieve.feeds.matches import story_matches
from newssieve.feeds.similarity import similarities
from newssieve.store.articles import EXPORT_FIELDS, MATCH_FIELDS, Store
from newssieve.store.story_index import StoryIndex
from newssieve.store.zscan import walk


def iter_export(store: Store, since: float | None = None, batch: int = 500) -> Iterator[dict]:
    """One record per article, oldest first-seen first; memory bounded by `batch`."""
    index = StoryIndex(store.client, store.keys.prefix)
    members = walk(store.client, store.keys.articles, newest_first=False, low=since, batch=batch)
    while chunk := list(islice(members, batch)):
        rows = store.rows([aid for aid, _ in chunk], EXPORT_FIELDS)
        records = [row | {"first_seen": first_seen}
                   for (_, first_seen), row in zip(chunk, rows, strict=True) if row is not None]
        clusters = list(dict.fromkeys(r["cluster"] for r in records if r["cluster"]))
        by_cluster = dict(zip(clusters, store.canonicals(clusters), strict=True))
        pairs = [(r["id"], by_cluster[r["cluster"]]) for r in records if by_cluster.get(r["cluster"])]
        sims = dict(zip([a for a, _ in pairs], similarities(store, index, pairs), strict=True))
        kinds = _match_kinds(store, by_cluster)
        for record in records:
            canonical = by_cluster.get(record["cluster"])
            record["canonical"] = canonical == record["id"]
            record["duplicate_of"] = canonical if canonical and canonical != record["id"] else None
            record["similarity"] = sims.get(record["id"])
            record["match"] = kinds.get(record["id"])
            yield record


def _match_kinds(store: Store, canonicals: dict[str, str | None]) -> dict[str, str | None]:
    """Article id -> how it matches its cluster's canonical, for every member of the clusters given."""
    known = [(cluster, canonical) for cluster, canonical in canonicals.items() if canonical]
    kinds: dict[str, str | None] = {}
    for (_, canonical), members in zip(known, store.cluster_rows([c for c, _ in known], MATCH_FIELDS),
                                       strict=True):
        kinds |= story_matches(canonical, members)
    return kinds

