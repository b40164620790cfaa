"""A feed page answered from memory (FeedReader.rendered, issue 15 item 5) is never stale: every request
asks Redis whether what the page is made of changed, and requests at the same time share such a call
only when it started after they arrived."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.api.feeds import page_json
from newssieve.feeds.query import FeedQuery, FeedReader
from newssieve.store.articles import Store
from tests.feeds_helper import add_translated_copy, build_newsroom


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    return build_newsroom(client, tmp_path, monkeypatch)


def test_a_kept_page_follows_every_change(room, client):
    keys = Store(client).keys
    with TestClient(create_app()) as api:
        first = api.get("/feeds/all").content
        assert api.get("/feeds/all").content == first  # unchanged: the same bytes
        client.hset(keys.article(room.budget), "title", "Budget passes, late")
        retitled = api.get("/feeds/all").json()
        assert retitled["entries"][0]["title"] == "Budget passes, late"
        add_translated_copy(client, room)
        flood = api.get("/feeds/all").json()["entries"][-1]
        assert flood["id"] == room.flood and flood["copies"] == 3
        client.zrem(keys.feed("all"), room.budget)
        assert room.budget not in [e["id"] for e in api.get("/feeds/all").json()["entries"]]


def test_the_answer_is_the_page_as_rendered_without_memory(room):
    reader = FeedReader()
    for query in (FeedQuery(), FeedQuery(limit=2), FeedQuery(limit=1, since=0.0)):
        fresh = page_json(reader.page("all", query))
        assert reader.rendered("all", query, page_json) == fresh
        assert reader.rendered("all", query, page_json) == fresh  # the kept one
        assert asyncio.run(reader.rendered_async("all", query, page_json)) == fresh


def test_requests_share_a_call_only_when_it_started_after_they_came(room, client):
    reader = FeedReader()
    keys = Store(client).keys
    calls: list[str] = []

    async def scenario() -> tuple[list[bytes], bytes]:
        state = reader._loop_state()
        real = state["script"]

        async def slow(args):  # reads at once, answers 0.2 s later
            calls.append(args[-1])
            answer = await real(args=args)
            await asyncio.sleep(0.2)
            return answer

        state["script"] = lambda args: slow(args)
        query = FeedQuery()
        first = asyncio.ensure_future(reader.rendered_async("all", query, page_json))
        await asyncio.sleep(0.05)  # the first call is on its way
        client.hset(keys.article(room.budget), "title", "Changed after the first call started")
        later = [asyncio.ensure_future(reader.rendered_async("all", query, page_json)) for _ in range(5)]
        return await asyncio.gather(first, *later), await reader.rendered_async("all", query, page_json)

    (first, *later), last = asyncio.run(scenario())
    assert b"Changed after the first call started" in later[0] and b"Changed after" not in first
    assert len(set(later)) == 1 and last == later[0]
    assert len(calls) == 3  # the first; one for the five that came meanwhile; the last one alone
