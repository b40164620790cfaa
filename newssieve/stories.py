"""One article with its cluster, and one cluster with every copy and its similarity to the canonical.

The canonical of a cluster is its representative in the `all` feed, the one the
story index keeps: the earliest published member.
"""

from __future__ import annotations

from newssieve.feeds import entry_from_row
from newssieve.storage import Store
from newssieve.story_index import StoryIndex

ARTICLE_FIELDS = ("id", "url", "canonical_url", "site", "site_name", "title", "authors", "published",
                  "published_ts", "lang", "text", "fetched_at", "status", "feeds", "empty_reason",
                  "cluster", "match", "jaccard", "containment")
MEMBER_FIELDS = ("id", "url", "site", "title", "published", "published_ts", "lang")


class StoryReader:
    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        self.index = StoryIndex(self.store.client, self.store.keys.prefix)

    def article(self, aid: str) -> dict | None:
        """The article's text and metadata, and where it stands in its cluster."""
        values = self.store.client.hmget(self.store.keys.article(aid), ARTICLE_FIELDS)
        if not values[0]:
            return None
        row = entry_from_row(dict(zip(ARTICLE_FIELDS, values, strict=True)))
        cluster_id = row.pop("cluster")
        matched = {"id": row.pop("match") or None, "jaccard": _float(row.pop("jaccard")),
                   "containment": _float(row.pop("containment"))}
        row["fetched_at"] = _float(row["fetched_at"])
        row["status"] = int(row["status"]) if row["status"] else None
        row["feeds"] = [f for f in (row["feeds"] or "").split(",") if f]
        row["empty_reason"] = row["empty_reason"] or None
        row["cluster"] = None
        if cluster_id:
            canonical = self.store.canonicals([cluster_id])[0]
            size = self.store.client.zcard(self.store.keys.cluster(cluster_id))
            similarity = self.index.similarities([(aid, canonical)])[0] if canonical else None
            row["cluster"] = {"id": cluster_id, "canonical": canonical, "is_canonical": canonical == aid,
                              "size": size, "similarity": similarity, "matched": matched}
        return row

    def cluster(self, cluster_id: str) -> dict | None:
        """Every member, earliest first, each with its similarity to the canonical."""
        ids = self.store.cluster_members(cluster_id)
        if not ids:
            return None
        canonical = self.store.canonicals([cluster_id])[0] or ids[0]
        pipe = self.store.client.pipeline(transaction=False)
        for aid in ids:
            pipe.hmget(self.store.keys.article(aid), MEMBER_FIELDS)
        members = [entry_from_row(dict(zip(MEMBER_FIELDS, values, strict=True)))
                   for values in pipe.execute() if values[0]]
        sims = self.index.similarities([(m["id"], canonical) for m in members])
        for member, similarity in zip(members, sims, strict=True):
            member["canonical"] = member["id"] == canonical
            member["similarity"] = similarity
        return {"id": cluster_id, "canonical": canonical, "size": len(members), "members": members}


def _float(value: str | None) -> float | None:
    return float(value) if value else None
