"""One article with its cluster, and one cluster with every copy and its similarity to the canonical.

The canonical of a cluster is its representative in the `all` feed, the one the
story index keeps: the earliest published member. Each copy says how it matches
the canonical (`match`, feeds/matches.py).
"""

from __future__ import annotations

from newssieve.feeds.matches import mark, story_matches
from newssieve.feeds.similarity import similarities
from newssieve.store.articles import ARTICLE_VIEW_FIELDS, CLUSTER_MEMBER_FIELDS, MATCH_FIELDS, Store
from newssieve.store.story_index import StoryIndex


class StoryReader:
    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        self.index = StoryIndex(self.store.client, self.store.keys.prefix)

    def article(self, aid: str) -> dict | None:
        """The article's text and metadata, and where it stands in its cluster: `matched` is the
        member it matched when indexed, `match` how it matches the canonical."""
        row = self.store.article(aid, ARTICLE_VIEW_FIELDS)
        if row is None:
            return None
        cluster_id = row.pop("cluster")
        matched = {"id": row.pop("match"), "jaccard": row.pop("jaccard"),
                   "containment": row.pop("containment"), "kind": row.pop("match_kind")}
        row["cluster"] = None
        if cluster_id:
            canonical = self.store.canonicals([cluster_id])[0]
            similarity = similarities(self.store, self.index, [(aid, canonical)])[0] if canonical else None
            members = self.store.cluster_rows([cluster_id], MATCH_FIELDS)[0]
            match = story_matches(canonical, members).get(aid) if canonical else None
            row["cluster"] = {"id": cluster_id, "canonical": canonical, "is_canonical": canonical == aid,
                              "size": self.store.cluster_size(cluster_id), "similarity": similarity,
                              "match": match, "matched": matched}
        return row

    def cluster(self, cluster_id: str) -> dict | None:
        """Every member, earliest first, each with how it matches the canonical and its similarity."""
        ids = self.store.cluster_members(cluster_id)
        if not ids:
            return None
        canonical = self.store.canonicals([cluster_id])[0] or ids[0]
        members = self.store.articles(ids, CLUSTER_MEMBER_FIELDS)
        mark(canonical, members)
        sims = similarities(self.store, self.index, [(m["id"], canonical) for m in members])
        for member, similarity in zip(members, sims, strict=True):
            member["canonical"] = member["id"] == canonical
            member["similarity"] = similarity
        return {"id": cluster_id, "canonical": canonical, "size": len(members), "members": members}
