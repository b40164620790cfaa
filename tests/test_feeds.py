"""Feed queries on the real Redis: one entry per story, filters, copies, and cursors that survive inserts."""

from __future__ import annotations

import pytest

from newssieve.feeds.query import FeedQuery, FeedReader, UnknownFeed, excerpt
from newssieve.store.zscan import Position
from tests.feeds_helper import BASE, add_article, add_translated_copy, build_newsroom, story

HOUR = 3600


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    return build_newsroom(client, tmp_path, monkeypatch)


def ids(entries) -> list[str]:
    return [e["id"] for e in entries]


def tie(room) -> list[str]:
    """rail and vote share a published time: Redis orders them by id, descending in a newest-first walk."""
    return sorted([room.rail, room.vote], reverse=True)


def test_all_is_one_entry_per_story_newest_first_with_copy_urls(room):
    page = FeedReader().page("all", FeedQuery())
    assert ids(page.entries) == [room.budget, *tie(room), room.flood]
    assert page.next_cursor is None
    by_id = {e["id"]: e for e in page.entries}
    assert by_id[room.flood]["copies"] == 2
    assert set(by_id[room.flood]["copy_urls"]) == {"http://gazette.test/news/flood-copy",
                                                   "http://courier.test/news/flood-edit"}
    assert by_id[room.budget]["copy_urls"] == ["http://wire.test/news/budget-copy"]
    assert by_id[room.rail]["copies"] == 0 and "copy_details" not in by_id[room.rail]
    assert by_id[room.flood]["authors"] == ["Ann Reporter"] and by_id[room.flood]["published_ts"] == BASE


def test_named_feeds_select_sites_and_languages(room):
    reader = FeedReader()
    assert ids(reader.page("english", FeedQuery()).entries) == [room.budget, room.rail, room.flood]
    wires = reader.page("wires", FeedQuery()).entries
    # the wire's copy of the budget story stands for it in the wire-only feed; the original is its copy
    assert ids(wires) == [room.budget_wire, room.rail, room.flood]
    assert wires[0]["copy_urls"] == ["http://courier.test/news/budget"]
    counts = {f["name"]: f["count"] for f in reader.feeds()}
    assert counts == {"all": 4, "english": 3, "wires": 3}
    with pytest.raises(UnknownFeed):
        reader.page("nope", FeedQuery())


def test_filters_apply_to_the_canonical_article(room):
    reader = FeedReader()
    assert ids(reader.page("all", FeedQuery(site="gazette")).entries) == [room.vote]
    assert ids(reader.page("all", FeedQuery(site="wire")).entries) == [room.rail, room.flood]
    assert ids(reader.page("all", FeedQuery(lang="de")).entries) == [room.vote]
    assert ids(reader.page("all", FeedQuery(since=BASE + 3 * HOUR)).entries) == [room.budget, *tie(room)]
    assert ids(reader.page("all", FeedQuery(until=BASE + 3 * HOUR)).entries) == [room.flood]
    window = FeedQuery(since=BASE + HOUR, until=BASE + 4 * HOUR, lang="en")
    assert ids(reader.page("all", window).entries) == [room.rail]


def test_copies_inline_their_details_and_similarity_to_the_canonical(room):
    entries = FeedReader().page("all", FeedQuery(copies=True)).entries
    by_id = {e["id"]: e for e in entries}
    (budget_copy,) = by_id[room.budget]["copy_details"]
    assert budget_copy["id"] == room.budget_wire and budget_copy["site"] == "wire"
    assert budget_copy["similarity"] == 1.0  # the exact same text
    flood = {c["id"]: c for c in by_id[room.flood]["copy_details"]}
    assert set(flood) == {room.flood_gazette, room.flood_courier}
    assert 0.3 < flood[room.flood_gazette]["similarity"] < 1.0  # 7 of the 10 paragraphs
    assert flood[room.flood_courier]["title"] == "Courier: floods & <harbour>"


def test_each_copy_says_how_it_matches_its_story_and_its_language(room, client):
    translated = add_translated_copy(client, room)
    reader = FeedReader()
    entries = {e["id"]: e for e in reader.page("all", FeedQuery(copies=True)).entries}
    assert [(c["id"], c["match"], c["lang"]) for c in entries[room.flood]["copy_details"]] == [
        (translated, "translation", "de"), (room.flood_gazette, "near", "en"),
        (room.flood_courier, "near", "en")]
    assert [(c["match"], c["lang"]) for c in entries[room.budget]["copy_details"]] == [("exact", "en")]
    # in the wire-only feed the wire's copy is the story: the original, indexed first, matched nothing
    # itself, and is an exact copy of it by the copy's own match
    (wire_budget, *_) = reader.page("wires", FeedQuery(copies=True)).entries
    assert [(c["id"], c["match"]) for c in wire_budget["copy_details"]] == [(room.budget, "exact")]
    # what was read to tell it stays out of the entries
    assert all({"match", "match_kind"}.isdisjoint(e) for e in entries.values())
    assert all("match_kind" not in c for e in entries.values() for c in e["copy_details"])
    plain = reader.page("all", FeedQuery()).entries
    assert all({"match", "match_kind"}.isdisjoint(e) for e in plain)


def test_copies_stored_before_match_kinds_read_as_exact_or_near(room, client):
    store_keys = FeedReader().keys
    for aid in (room.flood, room.flood_gazette, room.flood_courier, room.budget, room.budget_wire):
        client.hdel(store_keys.entry(aid), "match_kind")
    entries = {e["id"]: e for e in FeedReader().page("all", FeedQuery(copies=True)).entries}
    assert {c["match"] for c in entries[room.flood]["copy_details"]} == {"near"}
    assert [c["match"] for c in entries[room.budget]["copy_details"]] == ["exact"]


def test_cursor_walks_every_story_once_across_equal_scores(room):
    reader = FeedReader()
    seen, query = [], FeedQuery(limit=1)
    for _ in range(10):
        page = reader.page("all", query)
        seen += ids(page.entries)
        if not page.next_cursor:
            break
        query = FeedQuery(limit=1, after=Position.from_cursor(page.next_cursor))
    assert seen == [room.budget, *tie(room), room.flood]


def test_cursor_stays_correct_while_new_articles_arrive(room, client):
    reader = FeedReader()
    first = reader.page("all", FeedQuery(limit=2))
    assert ids(first.entries) == [room.budget, tie(room)[0]]
    add_article(client, "courier", "breaking", story(50), BASE + 9 * HOUR)  # newer than everything
    add_article(client, "gazette", "late-old", story(51), BASE - HOUR)  # older than everything
    second = reader.page("all", FeedQuery(limit=2, after=Position.from_cursor(first.next_cursor)))
    assert ids(second.entries) == [tie(room)[1], room.flood]
    third = reader.page("all", FeedQuery(limit=2, after=Position.from_cursor(second.next_cursor)))
    assert [e["title"] for e in third.entries] == ["gazette late-old"] and third.next_cursor is None


def test_filtered_pages_continue_from_the_last_story_looked_at(room, monkeypatch):
    monkeypatch.setattr("newssieve.feeds.query.MAX_SCAN", 2)
    reader = FeedReader()
    first = reader.page("all", FeedQuery(site="wire"))
    looked_at = [room.budget, tie(room)[0]]
    assert ids(first.entries) == [i for i in looked_at if i == room.rail] and first.next_cursor
    after = Position.from_cursor(first.next_cursor)
    rest = list(reader.iter_entries("all", FeedQuery(site="wire", limit=10, after=after)))
    assert ids(first.entries) + ids(rest) == [room.rail, room.flood]


def test_iter_entries_follows_cursors_up_to_the_limit(room):
    assert ids(FeedReader().iter_entries("all", FeedQuery(limit=3))) == [room.budget, *tie(room)]


def test_summaries_are_short_excerpts(room):
    summary = FeedReader().summaries([room.flood])[room.flood]
    assert 100 < len(summary) <= 322 and summary.endswith(" …")
    assert excerpt("  a  b\n c ") == "a b c"
