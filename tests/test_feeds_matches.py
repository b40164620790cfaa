"""How a copy matches its story, read along its cluster's match tree (feeds/matches.py): hand-made edges."""

from __future__ import annotations

from newssieve.feeds.matches import label, mark, story_matches


def member(aid: str, match: str | None = None, kind: str | None = None) -> dict:
    return {"id": aid, "match": match, "match_kind": kind}


def test_a_copy_that_matched_the_story_keeps_its_own_kind():
    members = [member("en"), member("wire", "en", "exact"), member("de", "en", "translation")]
    assert story_matches("en", members) == {"en": None, "wire": "exact", "de": "translation"}


def test_an_original_indexed_after_its_copy_carries_the_match_for_it():
    """The German copy came in first; the English original, published earlier, matched it and is the story."""
    members = [member("de"), member("en", "de", "translation"), member("wire", "en", "exact")]
    assert story_matches("en", members) == {"en": None, "de": "translation", "wire": "exact"}


def test_a_copy_of_a_copy_matches_as_loosely_as_the_loosest_step():
    members = [member("en"), member("de", "en", "translation"), member("de-reprint", "de", "exact"),
               member("trimmed", "en", "near"), member("same-as-trimmed", "trimmed", "exact")]
    assert story_matches("en", members) == {"en": None, "de": "translation", "de-reprint": "translation",
                                            "trimmed": "near", "same-as-trimmed": "near"}
    # the same cluster seen from the German entry (a German feed's representative)
    assert story_matches("de", members)["de-reprint"] == "exact"
    assert story_matches("de", members)["trimmed"] == "translation"


def test_an_expired_article_still_joins_the_paths_through_it():
    """`gone` expired: its record is not read, but the copies' edges to it still meet there."""
    members = [member("a", "gone", "exact"), member("b", "gone", "near")]
    assert story_matches("a", members) == {"a": None, "b": "near"}


def test_without_a_path_a_copy_keeps_its_own_kind_and_loops_end():
    """Clusters merged by a bridging article leave a tree without an edge to the story's; a re-indexed
    article can close a loop."""
    members = [member("story"), member("x", "story", "near"), member("root-b"),
               member("b", "root-b", "exact"), member("loop1", "loop2", "near"),
               member("loop2", "loop1", "exact")]
    assert story_matches("story", members) == {"story": None, "x": "near", "root-b": None, "b": "exact",
                                               "loop1": "near", "loop2": "exact"}


def test_mark_replaces_the_fields_read_and_label_says_it_for_people():
    copies = [{"id": "de", "match": "en", "match_kind": "translation", "lang": "de"},
              {"id": "wire", "match": None, "match_kind": None, "lang": None}]
    mark("en", copies, [member("en", "wire", "exact")])
    assert copies == [{"id": "de", "match": "translation", "lang": "de"},
                      {"id": "wire", "match": "exact", "lang": None}]
    assert label(copies[0]) == "translation, de" and label(copies[0], " · ") == "translation · de"
    assert label(copies[1]) == "exact" and label({"match": None, "lang": None}) == ""
