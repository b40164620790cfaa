"""Retention removes old articles and every trace of them, and leaves the rest of the index intact."""

from __future__ import annotations

from click.testing import CliRunner

from newssieve.cli.expire import expire
from newssieve.models import Article, Page
from newssieve.store.articles import Store
from newssieve.store.retention import expire_older_than
from newssieve.store.story_index import StoryIndex
from tests.test_story_index import add, assert_filed_once, story

NOW = 1_800_000_000.0
DAY = 86400.0


def first_seen(client, aid: str, days_ago: float) -> None:
    client.zadd(Store(client).keys.articles, {aid: NOW - days_ago * DAY}, xx=True)


def test_expiry_moves_the_canonical_and_leaves_no_orphans(client):
    text = story(21)
    old, _ = add(client, "http://a/old", text, 100.0)
    copy, _ = add(client, "http://b/copy", text[:6], 200.0)
    gone_story, _ = add(client, "http://a/gone", story(22), 150.0)
    fresh, _ = add(client, "http://a/fresh", story(23), 300.0)
    for aid, days in ((old, 40), (copy, 10), (gone_story, 35), (fresh, 1)):
        first_seen(client, aid, days)

    assert expire_older_than(30 * DAY, now=NOW) == 2
    store = Store(client)
    assert sorted(store.feed_ids("all")) == sorted([copy, fresh])
    assert store.cluster_members(old) == [copy]
    assert not client.exists(store.keys.article(old), store.keys.article(gone_story))
    assert not client.exists(store.keys.entry(old), store.keys.entry(gone_story))
    assert not client.exists(store.keys.cluster(gone_story), f"{store.keys.prefix}rep:{gone_story}")
    assert sorted(client.zrange(store.keys.site("s"), 0, -1)) == sorted([copy, fresh])
    assert sorted(client.zrange(store.keys.articles, 0, -1)) == sorted([copy, fresh])
    assert_filed_once(client, [copy, fresh])


def test_a_copy_of_an_expired_story_starts_a_new_cluster(client):
    text = story(24)
    old, _ = add(client, "http://a/old", text, 100.0)
    first_seen(client, old, 60)
    expire_older_than(30 * DAY, now=NOW)
    late, result = add(client, "http://b/late", text, 200.0)
    assert result.status == "new" and result.cluster == late


def test_an_expired_founder_coming_back_does_not_rejoin_its_old_copies(client):
    founder, _ = add(client, "http://a/old", story(25), 100.0)
    copy, _ = add(client, "http://b/copy", story(25)[:6], 200.0)
    first_seen(client, founder, 60)
    first_seen(client, copy, 1)
    expire_older_than(30 * DAY, now=NOW)
    _, result = add(client, "http://a/old", story(26), 300.0)
    assert result.status == "new" and result.cluster != founder
    assert Store(client).cluster_members(founder) == [copy]


def test_empty_articles_expire_too(client):
    store = Store(client)
    page = Page(url="http://a/empty", canonical_url="http://a/empty", site="s", html="", fetched_at=1.0)
    aid = store.save_article(page, Article(empty_reason="no text"), exact_hash="0" * 32, shingles=0,
                             feeds=[], published=1.0)
    first_seen(client, aid, 90)
    assert expire_older_than(30 * DAY, now=NOW) == 1
    assert not client.exists(store.keys.article(aid)) and not client.zcard(store.keys.site("s"))


def test_expire_command_counts_then_removes(client):
    for n in range(3):
        aid, _ = add(client, f"http://a/{n}", story(30 + n), 100.0)
        client.zadd(Store(client).keys.articles, {aid: 1_000_000.0}, xx=True)
    runner = CliRunner()
    dry = runner.invoke(expire, ["--older-than", "30d", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 3 articles" in dry.output
    done = runner.invoke(expire, ["--older-than", "30d"])
    assert done.exit_code == 0 and "removed 3 articles" in done.output
    assert Store(client).article_count() == 0
    assert runner.invoke(expire, ["--older-than", "soon"]).exit_code == 2


def test_a_run_stopped_after_the_index_forgot_an_article_is_finished_by_the_next(client):
    """Retention's steps are apart (on a Redis Cluster, in different slots): each is safe to repeat."""
    store = Store(client)
    aid, _ = add(client, "http://a/half", story(40), 100.0)
    first_seen(client, aid, 40)
    assert StoryIndex(client).forget_many([aid]) == 1  # the first step of a run that stopped there
    assert client.exists(store.keys.article(aid)) and not client.exists(store.keys.entry(aid))
    assert expire_older_than(30 * DAY, now=NOW) == 1
    assert not client.exists(store.keys.article(aid)) and client.zscore(store.keys.articles, aid) is None
    assert not client.zcard(store.keys.site("s")) and store.feed_ids("all") == []
