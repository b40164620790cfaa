"""Export and the article/cluster views: canonical flags, duplicate_of and similarity to the canonical."""

from __future__ import annotations

import time

import pytest

from newssieve.feeds.export import iter_export
from newssieve.feeds.stories import StoryReader
from newssieve.models import Article, Page
from newssieve.store.articles import Store
from tests.feeds_helper import add_translated_copy, build_newsroom


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    return build_newsroom(client, tmp_path, monkeypatch)


def test_export_streams_every_article_with_its_place_in_the_story(room):
    records = list(iter_export(Store(), batch=2))
    assert len(records) == 7 and len({r["id"] for r in records}) == 7
    by_id = {r["id"]: r for r in records}
    assert by_id[room.flood]["canonical"] is True and by_id[room.flood]["duplicate_of"] is None
    assert by_id[room.flood]["similarity"] == 1.0
    copy = by_id[room.flood_gazette]
    assert copy["canonical"] is False and copy["duplicate_of"] == room.flood and 0.3 < copy["similarity"] < 1
    budget_copy = by_id[room.budget_wire]
    assert budget_copy["duplicate_of"] == room.budget and budget_copy["similarity"] == 1
    wanted = {"id", "url", "canonical_url", "site", "title", "authors", "published", "lang", "text",
              "cluster", "canonical", "duplicate_of", "similarity"}
    assert all(wanted <= set(r) for r in records)
    assert by_id[room.vote]["lang"] == "de" and by_id[room.flood]["authors"] == ["Ann Reporter"]
    assert by_id[room.flood]["text"].startswith(by_id[room.flood_gazette]["text"][:200])


def test_export_says_how_each_copy_matches_the_canonical_it_duplicates(room, client):
    """Export rows had no `match` key, so `match` says how, as it does in the feeds and the API."""
    translated = add_translated_copy(client, room)
    by_id = {r["id"]: r for r in iter_export(Store(), batch=3)}
    assert {aid: (r["match"], r["lang"]) for aid, r in by_id.items() if r["duplicate_of"]} == {
        translated: ("translation", "de"), room.flood_gazette: ("near", "en"),
        room.flood_courier: ("near", "en"), room.budget_wire: ("exact", "en")}
    assert all(r["match"] is None for r in by_id.values() if not r["duplicate_of"])
    assert by_id[translated]["cluster"] == by_id[room.flood]["cluster"]
    client.hdel(Store(client).keys.entry(room.budget_wire), "match_kind")  # stored before match kinds
    assert {r["id"]: r["match"] for r in iter_export(Store())}[room.budget_wire] == "exact"


def test_export_since_selects_by_first_seen_and_keeps_empty_articles(room, client):
    cutoff = time.time()
    time.sleep(0.01)
    page = Page(url="http://wire.test/news/empty", canonical_url="http://wire.test/news/empty", site="wire",
                html="", fetched_at=cutoff)
    Store(client).save_article(page, Article(empty_reason="no text"), exact_hash="", shingles=0, feeds=[],
                               published=cutoff)
    (record,) = list(iter_export(Store(), since=cutoff))
    assert record["url"] == "http://wire.test/news/empty" and record["empty_reason"] == "no text"
    assert record["cluster"] is None and record["canonical"] is False and record["similarity"] is None
    assert record["match"] is None


def test_article_view_has_text_metadata_and_cluster(room):
    article = StoryReader().article(room.flood_courier)
    assert article["title"] == "Courier: floods & <harbour>" and "councillors" in article["text"]
    assert article["feeds"] == ["all", "english"] and article["published"].startswith("2026-11-20T10:00")
    cluster = article["cluster"]
    assert cluster["canonical"] == room.flood and cluster["size"] == 3 and not cluster["is_canonical"]
    assert 0.3 < cluster["similarity"] < 1 and cluster["matched"]["id"] in (room.flood, room.flood_gazette)
    assert cluster["match"] == cluster["matched"]["kind"] == "near"
    assert StoryReader().article("0" * 20) is None


def test_cluster_view_lists_every_copy_with_similarity_to_the_canonical(room):
    cluster_id = StoryReader().article(room.budget_wire)["cluster"]["id"]
    cluster = StoryReader().cluster(cluster_id)
    assert cluster["canonical"] == room.budget and cluster["size"] == 2
    assert [(m["id"], m["canonical"], m["similarity"]) for m in cluster["members"]] == [
        (room.budget, True, 1.0), (room.budget_wire, False, 1.0)]
    assert [(m["match"], m["lang"]) for m in cluster["members"]] == [(None, "en"), ("exact", "en")]
    assert "match_kind" not in cluster["members"][1]
    assert StoryReader().cluster("nope") is None

