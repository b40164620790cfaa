"""The story index on the real Redis: exact and near copies, containment, clusters, canonical moves."""

from __future__ import annotations

import random

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.storage import Store
from newssieve.story_index import StoryIndex
from workers.fingerprint import fingerprint

WORDS = ("harbour council storm budget river school rail energy market police court hospital farm "
         "bridge museum port union water road tax housing festival airport mayor plant").split()


def story(seed: int, paragraphs: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(45))
            for _ in range(paragraphs)]


def add(client, url: str, paragraphs: list[str], published: float, site: str = "s") -> tuple[str, object]:
    text = "\n".join(paragraphs)
    page = Page(url=url, canonical_url=url, site=site, html="", fetched_at=published)
    article = Article(title=url, text=text, paragraphs=paragraphs, published=None)
    fp = fingerprint(text)
    store = Store(client)
    aid = store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                             feeds=["all"], published=published)
    return aid, StoryIndex(client).index(aid, fp.signature, fp.shingles, fp.exact_hash, published, ["all"])


def test_new_story_starts_its_own_cluster(client):
    aid, result = add(client, "http://a/1", story(1), 100.0)
    assert result.status == "new" and result.cluster == aid and result.canonical == aid
    assert Store(client).feed_ids("all") == [aid]


def test_trimmed_extended_and_edited_copies_join_the_original(client):
    original = story(2, 10)
    aid, _ = add(client, "http://a/orig", original, 100.0)
    trimmed = original[:6]
    extended = ["A local paragraph about the town hall and its " + " ".join(WORDS)] + original
    edited = [p.replace("council", "councillors") for p in original]
    for n, copy in enumerate([trimmed, extended, edited]):
        _, result = add(client, f"http://b/{n}", copy, 200.0 + n)
        assert result.status == "duplicate", n
        assert result.cluster == aid and result.canonical == aid
    assert len(Store(client).cluster_members(aid)) == 4
    assert Store(client).feed_ids("all") == [aid]


def test_stories_sharing_one_quoted_paragraph_stay_apart(client):
    quote = story(99, 1)
    first, second = story(3) + quote, story(4) + quote
    _, a = add(client, "http://a/x", first, 100.0)
    _, b = add(client, "http://b/y", second, 110.0)
    assert b.status == "new" and a.cluster != b.cluster
    assert len(Store(client).feed_ids("all")) == 2


def test_earlier_copy_arriving_later_becomes_canonical(client):
    text = story(5)
    late_id, _ = add(client, "http://a/late", text, 500.0)
    early_id, result = add(client, "http://b/early", text, 100.0)
    assert result.cluster == late_id and result.canonical == early_id
    assert Store(client).feed_ids("all") == [early_id]


def test_reprocessing_is_idempotent(client):
    aid, first = add(client, "http://a/same", story(6), 100.0)
    _, again = add(client, "http://a/same", story(6), 100.0)
    assert again.status == "unchanged" and again.cluster == first.cluster
    assert Store(client).cluster_members(aid) == [aid]
    bands = client.scan_iter(match=f"{Store(client).keys.prefix}lsh:*")
    band_members = [client.smembers(key) for key in bands]
    assert len(band_members) == 32 and all(m == {aid} for m in band_members)


def test_remove_leaves_no_band_entries_and_moves_the_canonical(client):
    text = story(7)
    first, _ = add(client, "http://a/1", text, 100.0)
    second, _ = add(client, "http://b/2", text[:6], 200.0)
    assert StoryIndex(client).remove(first)
    assert Store(client).feed_ids("all") == [second]
    prefix = Store(client).keys.prefix
    for key in client.scan_iter(match=f"{prefix}lsh:*"):
        assert first not in client.smembers(key)
    assert not client.exists(f"{prefix}sig:{first}")
    assert article_id("http://a/1") == first
