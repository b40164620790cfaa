"""The story index on the real Redis: exact and near copies, containment, clusters, canonical moves."""

from __future__ import annotations

import random

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.settings import Settings, get_settings
from newssieve.store.articles import Store
from newssieve.store.story_index import StoryIndex, audit
from workers.fingerprint import fingerprint

WORDS = ("harbour council storm budget river school rail energy market police court hospital farm "
         "bridge museum port union water road tax housing festival airport mayor plant").split()


def story(seed: int, paragraphs: int = 8, words: int = 45) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(words))
            for _ in range(paragraphs)]


def wide_net() -> StoryIndex:
    """An index where sharing one MinHash value makes a candidate: tests the verification alone."""
    from newssieve.redis_conn import get_client

    return StoryIndex(get_client(), settings=Settings(lsh_bands=64, lsh_rows=1))


def add(client, url: str, paragraphs: list[str], published: float, site: str = "s",
        index: StoryIndex | None = None, feeds: tuple[str, ...] = ("all",)):
    text = "\n".join(paragraphs)
    page = Page(url=url, canonical_url=url, site=site, html="", fetched_at=published)
    article = Article(title=url, text=text, paragraphs=paragraphs, published=None)
    fp = fingerprint(text)
    store = Store(client)
    aid = store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                             feeds=list(feeds), published=published)
    index = index or StoryIndex(client)
    return aid, index.index(aid, fp.signature, fp.shingles, fp.exact_hash, published, list(feeds))


def assert_filed_once(client, ids: list[str]) -> None:
    """Each indexed article is filed under one key per band plus its exact hash, and nothing else is."""
    store = Store(client)
    numbers = {store.article(aid)["seen_seq"] for aid in ids}
    found = audit(client, store.keys.prefix)
    assert found.records == numbers
    assert set(found.filed) == numbers
    assert all(n == get_settings().lsh_bands + 1 for n in found.filed.values()), found.filed


def test_new_story_starts_its_own_cluster(client):
    aid, result = add(client, "http://a/1", story(1), 100.0)
    assert result.status == "new" and result.cluster == aid and result.canonical == aid
    assert Store(client).feed_ids("all") == [aid]
    assert_filed_once(client, [aid])


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


def test_exact_copy_is_found_by_its_text_hash(client):
    first, _ = add(client, "http://a/1", story(8), 100.0)
    _, copy = add(client, "http://b/1", story(8), 200.0)
    assert copy.status == "duplicate" and copy.match == first
    assert copy.jaccard == 1.0 and copy.containment == 1.0


def test_stories_sharing_one_quoted_paragraph_stay_apart(client):
    quote = story(99, 1)
    first, second = story(3) + quote, story(4) + quote
    _, a = add(client, "http://a/x", first, 100.0, index=wide_net())
    _, b = add(client, "http://b/y", second, 110.0, index=wide_net())
    assert b.status == "new" and a.cluster != b.cluster
    assert len(Store(client).feed_ids("all")) == 2


def test_containment_needs_enough_shingles(client):
    """A 30-word excerpt of a 90-word text is too short to count as contained; 60 words of 150 are not."""
    small_original = story(10, 1, 90)
    add(client, "http://a/small", small_original, 100.0, index=wide_net())
    excerpt = [small_original[0].rsplit(" ", 60)[0]]
    _, tiny_copy = add(client, "http://b/small", excerpt, 110.0, index=wide_net())
    assert tiny_copy.status == "new"

    original = story(11, 1, 150)
    add(client, "http://a/big", original, 100.0, index=wide_net())
    _, copy = add(client, "http://b/big", [original[0].rsplit(" ", 90)[0]], 110.0, index=wide_net())
    assert copy.status == "duplicate" and copy.jaccard < 0.5 and copy.containment >= 0.8


def test_short_excerpt_of_a_very_long_article_is_not_a_copy(client):
    """60 words quoted in a 3000-word article: Jaccard ~0.02 makes a containment estimate meaningless."""
    long_text = story(12, 60, 50)
    excerpt = [long_text[30] + " " + long_text[31][:80]]
    add(client, "http://a/long", long_text, 100.0, index=wide_net())
    _, result = add(client, "http://b/excerpt", excerpt, 110.0, index=wide_net())
    assert result.status == "new"


def test_tiny_articles_match_only_exact_copies(client):
    brief = ["Road closed after a crash on the bridge on Monday."]
    other = ["Road closed after a crash on the bridge on Tuesday."]
    first, _ = add(client, "http://a/brief", brief, 100.0, index=wide_net())
    _, near = add(client, "http://b/brief", other, 110.0, index=wide_net())
    _, same = add(client, "http://c/brief", brief, 120.0, index=wide_net())
    assert near.status == "new"
    assert same.status == "duplicate" and same.match == first


def test_earlier_copy_arriving_later_becomes_canonical(client):
    text = story(5)
    late_id, _ = add(client, "http://a/late", text, 500.0)
    early_id, result = add(client, "http://b/early", text, 100.0)
    assert result.cluster == late_id and result.canonical == early_id
    assert Store(client).feed_ids("all") == [early_id]


def test_canonical_moves_per_feed_and_ties_go_to_the_first_seen(client):
    text = story(13)
    a, _ = add(client, "http://a/1", text, 300.0, feeds=("all", "local"))
    b, _ = add(client, "http://b/1", text[:6], 200.0, feeds=("all",))
    c, result = add(client, "http://c/1", text[1:], 200.0, feeds=("all", "local"))
    store = Store(client)
    assert result.cluster == a
    assert store.feed_ids("all") == [b]  # published at 200 like c, but seen first
    assert store.feed_ids("local") == [c]  # b is not in the local feed
    StoryIndex(client).remove(b)
    assert store.feed_ids("all") == [c] and store.feed_ids("local") == [c]


def test_bridging_article_merges_the_clusters_it_matches(client):
    """Two halves that do not match each other form two clusters; the full story joins and merges them."""
    text = story(14, 10)
    head, _ = add(client, "http://a/head", text[:6], 200.0)
    tail, separate = add(client, "http://b/tail", text[4:], 150.0)
    assert separate.status == "new"
    full, result = add(client, "http://c/full", text, 300.0)
    assert result.merged == 1 and result.canonical == tail
    store = Store(client)
    members = store.cluster_members(result.cluster)
    assert sorted(members) == sorted([head, tail, full])
    assert {store.article(m)["cluster"] for m in members} == {result.cluster}
    assert store.feed_ids("all") == [tail]
    assert not client.exists(f"{store.keys.prefix}cluster:{tail if result.cluster == head else head}")


def test_reprocessing_is_idempotent(client):
    aid, first = add(client, "http://a/same", story(6), 100.0)
    _, again = add(client, "http://a/same", story(6), 100.0)
    assert again.status == "unchanged" and again.cluster == first.cluster
    assert again.match is None and again.jaccard == 0.0
    assert Store(client).cluster_members(aid) == [aid]
    assert_filed_once(client, [aid])


def test_changed_text_is_indexed_again_under_the_same_number(client):
    aid, _ = add(client, "http://a/page", story(15), 100.0)
    other, _ = add(client, "http://b/page", story(16), 100.0)
    _, result = add(client, "http://a/page", story(16)[:7], 100.0)
    assert result.status == "duplicate" and result.cluster == other
    assert not client.exists(f"{Store(client).keys.prefix}cluster:{aid}")
    assert_filed_once(client, [aid, other])


def test_founder_rewritten_to_another_story_leaves_its_copies_cluster(client):
    founder, _ = add(client, "http://a/page", story(19), 100.0)
    copy, _ = add(client, "http://b/page", story(19)[:6], 200.0)
    _, result = add(client, "http://a/page", story(20), 100.0)
    assert result.status == "new" and result.cluster not in (founder, copy)
    store = Store(client)
    assert store.cluster_members(founder) == [copy]
    assert store.cluster_members(result.cluster) == [founder]
    assert sorted(store.feed_ids("all")) == sorted([founder, copy])


def test_remove_leaves_no_band_entries_and_moves_the_canonical(client):
    text = story(7)
    first, _ = add(client, "http://a/1", text, 100.0)
    second, _ = add(client, "http://b/2", text[:6], 200.0)
    assert StoryIndex(client).remove(first)
    assert not StoryIndex(client).remove(first)
    assert Store(client).feed_ids("all") == [second]
    assert_filed_once(client, [second])
    assert article_id("http://a/1") == first


def test_many_exact_copies_overflow_into_continuation_fields(client):
    """40 identical copies: every table key lists 40 numbers, 16 per hash value; removals keep it packed."""
    text = story(17)
    ids = [add(client, f"http://s{n}/x", text, 100.0 + n)[0] for n in range(40)]
    store = Store(client)
    assert len(store.cluster_members(ids[0])) == 40
    assert_filed_once(client, ids)
    index = StoryIndex(client)
    for aid in ids[5:30:2]:
        assert index.remove(aid)
    kept = [aid for aid in ids if aid not in ids[5:30:2]]
    assert_filed_once(client, kept)
    late, again = add(client, "http://late/x", text, 50.0)
    assert again.cluster == ids[0] and again.canonical == late


def test_band_table_grows_bucket_by_bucket_and_finds_everything(client):
    """With 2 fields per bucket the table splits hundreds of times; every copy is still found."""
    index = StoryIndex(client, settings=Settings(lsh_bucket_fields=2))
    originals = [add(client, f"http://a/{n}", story(100 + n), 100.0, index=index)[0] for n in range(30)]
    for n in range(30):
        _, result = add(client, f"http://b/{n}", story(100 + n)[:7], 200.0, index=index)
        assert result.cluster == originals[n], n
    prefix = Store(client).keys.prefix
    level = int(client.hget(f"{prefix}lsh:meta", "level"))
    assert level >= 8
    assert_filed_once(client, client.zrange(f"{prefix}articles", 0, -1))


def test_similarities_compare_stored_signatures(client):
    text = story(18, 10)
    a, _ = add(client, "http://a/1", text, 100.0)
    b, _ = add(client, "http://b/1", text[:5], 100.0)
    same, half, unknown = StoryIndex(client).similarities([(a, a), (a, b), (a, "nope")])
    assert same == 1.0 and 0.3 < half < 0.7 and unknown is None


def _cluster_keys(client, cluster_id: str) -> list[str]:
    keys = Store(client).keys
    return [key for key in (keys.cluster(cluster_id), keys.rep(cluster_id)) if client.exists(key)]


def test_a_story_of_one_article_has_no_cluster_keys_until_a_copy_joins(client):
    """Most stories have one article: their cluster is implicit (its article names it) and costs no keys."""
    store = Store(client)
    aid, result = add(client, "http://a/1", story(31), 100.0, feeds=("all", "local"))
    assert result.cluster == aid and _cluster_keys(client, aid) == []
    assert store.cluster_members(aid) == [aid] and store.cluster_size(aid) == 1
    assert store.canonicals([aid]) == [aid] and store.canonicals([aid], "local") == [aid]
    assert store.canonicals([aid], "sport") == [None]  # not in that feed
    assert store.feed_ids("all") == [aid] and store.feed_ids("local") == [aid]

    copy, joined = add(client, "http://b/1", story(31)[:6], 50.0, feeds=("all",))
    assert joined.status == "duplicate" and joined.cluster == aid and joined.canonical == copy
    assert len(_cluster_keys(client, aid)) == 2
    assert store.cluster_members(aid) == [copy, aid] and store.cluster_size(aid) == 2
    assert store.canonicals([aid]) == [copy] and store.canonicals([aid], "local") == [aid]
    assert store.feed_ids("all") == [copy] and store.feed_ids("local") == [aid]

    assert StoryIndex(client).remove(copy)  # the founder alone again: its keys go, it represents it again
    assert _cluster_keys(client, aid) == []
    assert store.cluster_members(aid) == [aid] and store.canonicals([aid]) == [aid]
    assert store.feed_ids("all") == [aid] and store.feed_ids("local") == [aid]


def test_removing_or_forgetting_an_article_alone_in_its_story_takes_it_out_of_its_feeds(client):
    store = Store(client)
    kept, _ = add(client, "http://a/kept", story(32), 100.0, feeds=("all", "local"))
    removed, _ = add(client, "http://a/removed", story(33), 200.0, feeds=("all", "local"))
    purged, _ = add(client, "http://a/purged", story(34), 300.0, feeds=("all",))
    index = StoryIndex(client)
    assert index.remove(removed) and index.forget_many([purged]) == 1
    assert not client.exists(store.keys.entry(purged)) and client.exists(store.keys.entry(removed))
    assert store.feed_ids("all") == [kept] and store.feed_ids("local") == [kept]
    assert store.cluster_members(removed) == [] and store.cluster_members(purged) == []
    assert not client.keys(f"{store.keys.prefix}cluster:*") and not client.keys(f"{store.keys.prefix}rep:*")
    assert_filed_once(client, [kept])


def test_translations_linked_across_two_stories_of_one_article_share_one_cluster(client):
    store = Store(client)
    original, _ = add(client, "http://a/en", story(35), 100.0, feeds=("all", "english"))
    translation, _ = add(client, "http://b/de", story(36), 200.0, feeds=("all", "german"))
    cluster, merged, canonical = StoryIndex(client).link(translation, [original])
    assert merged == 1 and canonical == original
    assert sorted(store.cluster_members(cluster)) == sorted([original, translation])
    assert {store.article(m)["cluster"] for m in (original, translation)} == {cluster}
    assert store.feed_ids("all") == [original]
    assert store.feed_ids("english") == [original] and store.feed_ids("german") == [translation]
    gone = translation if cluster == original else original
    assert _cluster_keys(client, gone) == []


def test_the_index_keeps_its_own_entries_and_writes_no_article_record(client):
    """Every key the index call touches is its own (story_index.lua's layout), so that in a Redis Cluster
    they can share one hash slot: it needs no article record, and writes none."""
    index = StoryIndex(client)
    keys = Store(client).keys
    fps = {aid: fingerprint("\n".join(text)) for aid, text in (("orig", story(61)), ("copy", story(61)[:6]),
                                                               ("other", story(62)))}
    for n, (aid, fp) in enumerate(fps.items()):
        index.index(aid, fp.signature, fp.shingles, fp.exact_hash, 100.0 + n, ["all", "local"])
    assert client.keys(keys.article("*")) == []
    entry = client.hgetall(keys.entry("copy"))
    assert sorted(entry) == sorted(["seen_seq", "published_ts", "feeds", "cluster", "match", "match_kind",
                                    "jaccard", "containment"])
    assert (entry["seen_seq"], float(entry["published_ts"]), entry["feeds"]) == ("2", 101.0, "all,local")
    assert (entry["cluster"], entry["match"], entry["match_kind"]) == ("orig", "orig", "near")
    assert float(entry["containment"]) > 0.9
    assert Store(client).feed_ids("all") == ["other", "orig"]
    assert index.remove("orig") and Store(client).feed_ids("local") == ["other", "copy"]
    assert client.keys(keys.article("*")) == []
