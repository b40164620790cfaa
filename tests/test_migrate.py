"""`newssieve migrate`: records of the older layout rewritten once, the same to every reader, safely."""

from __future__ import annotations

import pytest
import redis
from click.testing import CliRunner

from newssieve.cli import main
from newssieve.ids import article_id
from newssieve.models import Article
from newssieve.settings import get_settings
from newssieve.store.articles import ARTICLE_VIEW_FIELDS, COPY_FIELDS, ENTRY_FIELDS, FEED_ENTRY_FIELDS, Store
from newssieve.store.keys import Keys
from newssieve.store.migrate import Migration
from tests.test_store_layout import a_page, an_article, readings, save_old_layout
from workers.site_boilerplate import SiteBoilerplate, paragraph_key

URLS = [f"http://zeitung.example/{n}.html" for n in range(7)]


def old_records(client, store: Store) -> list[str]:
    ids = [save_old_layout(client, store, a_page(url), an_article(title=f"T{n}"))
           for n, url in enumerate(URLS)]
    ids.append(save_old_layout(client, store, a_page(URLS[0] + "?e"), Article(empty_reason="no text")))
    return ids


def test_dry_run_changes_nothing_apply_rewrites_and_a_second_run_finds_nothing(client):
    store = Store()
    ids = old_records(client, store)
    damaged = save_old_layout(client, store, a_page(URLS[0] + "?d"), an_article())
    client.hset(store.keys.article(damaged), "paragraphs", "{not json")
    before = {aid: readings(store, aid) for aid in ids}
    used = sum(client.memory_usage(store.keys.article(aid), samples=0) for aid in ids)
    runner = CliRunner()
    dry = runner.invoke(main, ["migrate"])
    assert dry.exit_code == 0, dry.output
    assert "9 article records, 9 in the older layout; would rewrite 8" in dry.output
    assert "1 damaged" in dry.output
    assert all(client.hexists(store.keys.article(aid), "text") for aid in ids)
    done = runner.invoke(main, ["migrate", "--apply", "--batch", "3"])
    assert done.exit_code == 0, done.output
    assert "rewrote 8" in done.output
    assert not any(client.hexists(store.keys.article(aid), "text") for aid in ids)
    assert {aid: readings(store, aid) for aid in ids} == before
    assert sum(client.memory_usage(store.keys.article(aid), samples=0) for aid in ids) < used / 2
    again = runner.invoke(main, ["migrate", "--apply"])
    assert "9 article records, 1 in the older layout; rewrote 0" in again.output  # only the damaged one


def test_a_record_stored_again_between_read_and_rewrite_is_left_as_the_worker_wrote_it(client):
    store = Store()
    aid = save_old_layout(client, store, a_page(URLS[1]), an_article(title="Old"))
    migration = Migration()
    key = store.keys.article(aid)
    values = migration.read([key])[0]
    store.save_article(a_page(URLS[1]), an_article(title="New", paragraphs=["Changed."], text="Changed."),
                       exact_hash="e" * 32, shingles=1, feeds=["all"], published=1.0)
    assert migration.rewrite_if_unchanged(key, values)[0] is False
    row = store.article(aid)
    assert (row["title"], row["text"]) == ("New", "Changed.")
    old = save_old_layout(client, store, a_page(URLS[2]), an_article())
    key = store.keys.article(old)
    assert migration.rewrite_if_unchanged(key, migration.read([key])[0])[0] is True
    assert not client.hexists(key, "paragraphs")
    assert store.article(old)["paragraphs"] == an_article().paragraphs


def test_site_paragraph_counts_move_into_buckets_adding_to_what_workers_counted_since(client, prefix):
    bio, teaser, once = ("A bio seen on two pages.", "A teaser seen on three.", "A paragraph seen once.")
    old = f"{prefix}boiler:gazette.example"  # the older layout: one hash a site, hex fields
    a, b, c = (article_id(f"http://gazette.example/{n}") for n in "abc")
    client.hset(old, mapping={paragraph_key(bio): f"2|{a},{b}", paragraph_key(teaser): "3",
                              paragraph_key(once): f"1|{a}"})
    boiler = SiteBoilerplate(client, Keys(prefix))
    boiler.observe("gazette.example", b, [bio])  # counted since by a worker: page b again
    assert boiler.boilerplate_of("gazette.example", [bio, teaser, once]) == frozenset()
    runner = CliRunner()
    dry = runner.invoke(main, ["migrate"])
    assert "1 sites' paragraph counts in the older layout (3 paragraphs); would move 3" in dry.output
    assert client.exists(old)
    done = runner.invoke(main, ["migrate", "--apply"])
    assert "moved 3 into buckets" in done.output, done.output
    assert not client.exists(old)
    assert boiler.boilerplate_of("gazette.example", [bio, teaser, once]) == {paragraph_key(teaser)}
    seen = boiler.observe("gazette.example", c, [bio, once])  # a, b and now c: the bio is on three pages
    assert seen.boilerplate == {paragraph_key(bio)} and set(seen.retro_pages) == {a, b}
    again = runner.invoke(main, ["migrate", "--apply"])
    assert "0 sites' paragraph counts in the older layout" in again.output


def test_an_older_count_hash_that_is_not_utf8_is_named_and_left_as_it_is(client, prefix):
    damaged = f"{prefix}boiler:damaged.example"
    client.hset(damaged, "0123456789abcdef", f"1|{'ab' * 10}")
    redis.Redis.from_url(get_settings().redis_url or "redis://127.0.0.1:6379/0").hset(
        damaged, "fedcba9876543210", b"\x80\x81 not text")
    client.hset(f"{prefix}boiler:fine.example", "0123456789abcdef", f"1|{'ab' * 10}")
    done = CliRunner().invoke(main, ["migrate", "--apply"])
    assert done.exit_code == 0, done.output
    assert f"{damaged}: not UTF-8" in done.output and "moved 1 into buckets" in done.output
    assert client.hlen(damaged) == 2 and not client.exists(f"{prefix}boiler:fine.example")


def test_the_cluster_keys_of_a_story_of_one_article_are_dropped_and_larger_stories_keep_theirs(client):
    """Written before such clusters were left implicit (story_index.lua): the same to every reader after."""
    from tests.test_story_index import add, story

    store = Store()
    alone, _ = add(client, "http://a/alone", story(41), 100.0, feeds=("all", "local"))
    founder, _ = add(client, "http://a/founder", story(42), 100.0)
    copy, _ = add(client, "http://b/copy", story(42)[:6], 200.0)
    client.zadd(store.keys.cluster(alone), {alone: 100.0})  # as the older code left it
    client.hset(store.keys.rep(alone), mapping={"all": alone, "local": alone})
    readers = [(store.cluster_members(c), store.canonicals([c]), store.canonicals([c], "local"),
                store.feed_ids("all"), store.feed_ids("local")) for c in (alone, founder)]
    runner = CliRunner()
    dry = runner.invoke(main, ["migrate"])
    assert "2 cluster keys; would drop those of 1 stories of one article" in dry.output, dry.output
    assert client.exists(store.keys.cluster(alone), store.keys.rep(alone)) == 2
    done = runner.invoke(main, ["migrate", "--apply", "--batch", "1"])
    assert "dropped those of 1 stories" in done.output, done.output
    assert client.exists(store.keys.cluster(alone), store.keys.rep(alone)) == 0
    assert client.exists(store.keys.cluster(founder), store.keys.rep(founder)) == 2
    assert readers == [(store.cluster_members(c), store.canonicals([c]), store.canonicals([c], "local"),
                        store.feed_ids("all"), store.feed_ids("local")) for c in (alone, founder)]
    again = runner.invoke(main, ["migrate", "--apply"])
    assert "1 cluster keys; dropped those of 0 stories" in again.output


def as_older_index_layout(client, store: Store, ids: list[str]) -> None:
    """Put the index's fields back in the records, where code before entries kept them."""
    for aid in ids:
        entry = client.hgetall(store.keys.entry(aid))
        client.hset(store.keys.article(aid), mapping={f: v for f, v in entry.items() if f in ENTRY_FIELDS})
        client.delete(store.keys.entry(aid))
    client.hdel(store.keys.index("lsh:meta"), "layout")


def test_the_index_fields_move_from_the_records_to_entries_and_workers_wait_for_it(client):
    """Every reader answers the same before and after; the index refuses to work on the older layout."""
    from tests.test_story_index import add, story

    store = Store()
    founder, _ = add(client, "http://a/founder", story(51), 100.0)
    copy, _ = add(client, "http://b/copy", story(51)[:6], 200.0)
    alone, _ = add(client, "http://c/alone", story(52), 150.0)
    ids = [founder, copy, alone]

    def readings():
        return (store.rows(ids, ARTICLE_VIEW_FIELDS), store.feed_rows(ids, FEED_ENTRY_FIELDS),
                store.copies([(founder, founder), (alone, alone)], COPY_FIELDS), store.feed_ids("all"))

    before = readings()
    assert before[0][1]["cluster"] == founder and before[0][1]["match"] == founder
    as_older_index_layout(client, store, ids)
    assert readings() == before  # the readers take the fields from the records meanwhile
    runner = CliRunner()
    dry = runner.invoke(main, ["migrate"])
    assert "3 article records; would move the story index's fields of 3 to their entries" in dry.output
    with pytest.raises(redis.ResponseError, match="older layout.*newssieve migrate --apply"):
        add(client, "http://d/another-copy", story(51)[:7], 300.0)
    done = runner.invoke(main, ["migrate", "--apply", "--batch", "2"])
    assert "4 article records; moved the story index's fields of 3" in done.output, done.output
    assert not any(client.hexists(store.keys.article(aid), field) for aid in ids for field in ENTRY_FIELDS)
    assert readings() == before
    other, result = add(client, "http://d/another-copy", story(51)[:7], 300.0)
    assert (result.status, result.cluster) == ("duplicate", founder)
    assert store.cluster_members(founder) == [founder, copy, other]
    again = runner.invoke(main, ["migrate", "--apply"])
    assert "moved the story index's fields of 0" in again.output
