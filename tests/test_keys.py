"""Redis key names are public (existing data must stay readable): they are pinned here, byte for byte."""

from __future__ import annotations

from newssieve.store.keys import Keys


def test_key_names_stay_as_they_were():
    keys = Keys("p:")
    assert [keys.article("a1"), keys.site("s"), keys.feed("all"), keys.articles, keys.cluster("c"),
            keys.rep("c"), keys.index("lsh:3"), keys.index_family("rec"), keys.boiler("s", 10)] == [
        "p:article:a1", "p:site:s", "p:feed:all", "p:articles", "p:cluster:c", "p:rep:c", "p:lsh:3",
        "p:rec:*", "p:boiler:{s}:0a"]
    assert [keys.pending, keys.pending_since, keys.dead, keys.dead_order] == [
        "p:pending", "p:pending:since", "p:dead", "p:dead:order"]
    assert [keys.counters("store"), keys.minute_counters("store", 29_000_000), keys.stages] == [
        "p:stats:store", "p:stats:store:m29000000", "p:stats:_stages"]
    assert [keys.crawl_lock("s"), keys.crawl_runs("s"), keys.http("http://s.example/feed.xml")] == [
        "p:crawl:s:lock", "p:crawl:s:runs", "p:http:7ec411be12e2aafc6857dfd9"]
    assert keys.unacked == "p:unacked"
    assert [keys.data_errors, keys.data_errors_latest] == ["p:data_errors", "p:data_errors:latest"]
    assert keys.queue_lists("process") == ["p:process"] + [f"p:process\x06\x16{n}" for n in range(1, 10)]
