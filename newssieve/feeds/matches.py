"""How each copy matches its story: exact, near or translation, read along the cluster's match tree.

The story index records, for each article it files as a copy, the member it matched at that moment
(`match`) and how (`match_kind`): edges of a tree over the cluster, rooted at the member indexed
first. That member need not be the story's canonical (an earlier original indexed after its copy
carries the match itself), and a copy may have matched another copy (a reprint of a translation).
So a copy matches the story as loosely as the loosest edge on the path between the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from newssieve.store.articles import MATCH_KINDS


def _looser(first: str | None, second: str | None) -> str | None:
    """The looser of two kinds (an unknown kind is the loosest); None is no edge yet."""
    if first is None or second is None:
        return first or second
    rank = {kind: n for n, kind in enumerate(MATCH_KINDS)}
    return max(first, second, key=lambda kind: rank.get(kind, len(MATCH_KINDS)))


def _path_up(start: str, edges: dict[str, tuple[str, str | None]]) -> dict[str, str | None]:
    """Each article on the way from `start` to its root -> the loosest kind on the way there."""
    path: dict[str, str | None] = {}
    node, kind = start, None
    while node not in path:  # a re-indexed article can close a loop
        path[node] = kind
        if node not in edges:
            break
        node, kind = edges[node][0], _looser(kind, edges[node][1])
    return path


def story_matches(story: str, members: Iterable[dict]) -> dict[str, str | None]:
    """Member id -> how it matches `story` (None for the story itself).

    `members` carry `id`, `match` and `match_kind` as the store decodes them. A member whose path
    does not reach the story's (clusters merged by an article that bridged them, an expired article
    midway) keeps its own kind.
    """
    members = list(members)
    edges = {m["id"]: (m["match"], m["match_kind"]) for m in members if m["match"]}
    from_story = _path_up(story, edges)
    kinds: dict[str, str | None] = {}
    for aid in (m["id"] for m in members if m["id"] != story):
        path = _path_up(aid, edges)
        met = next((node for node in path if node in from_story), None)
        if met is not None:
            kinds[aid] = _looser(path[met], from_story[met])
        else:
            kinds[aid] = edges[aid][1] if aid in edges else None
    kinds[story] = None
    return kinds


def mark(story: str, rows: list[dict], others: Iterable[dict] = ()) -> None:
    """Set each row's `match` to how it matches `story`, in place of the fields read to tell it (`match`:
    the member it matched, `match_kind`). `others`: more members' MATCH_FIELDS (the story's own)."""
    kinds = story_matches(story, [*others, *rows])
    for row in rows:
        row.pop("match_kind")
        row["match"] = kinds[row["id"]]


def label(copy: dict, separator: str = ", ") -> str:
    """How a copy matched and its language, for people: "translation, de"; "" when neither is known."""
    return separator.join(part for part in (copy.get("match"), copy.get("lang")) if part)
