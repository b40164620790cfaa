"""The HTTP API's routes on the real Redis (FastAPI TestClient): feeds, filters, cursors, errors, Atom/RSS."""

from __future__ import annotations

import feedparser
import pytest
import redis
from fastapi.testclient import TestClient

from newssieve.api.app import create_app
from newssieve.store.articles import Store
from tests.feeds_helper import BASE, add_translated_copy, build_newsroom


@pytest.fixture
def room(client, tmp_path, monkeypatch):
    return build_newsroom(client, tmp_path, monkeypatch)


@pytest.fixture
def api(room):
    with TestClient(create_app()) as test_client:
        yield test_client


def ids(body: dict) -> list[str]:
    return [e["id"] for e in body["entries"]]


def test_feeds_lists_every_feed_with_counts(api):
    feeds = {f["name"]: f for f in api.get("/feeds").json()["feeds"]}
    assert {n: f["count"] for n, f in feeds.items()} == {"all": 4, "english": 3, "wires": 3}
    assert feeds["english"]["langs"] == ["en"] and feeds["english"]["title"] == "English stories"


def test_feed_json_is_one_entry_per_story_with_copies(api, room):
    body = api.get("/feeds/all").json()
    assert body["feed"] == "all" and body["next_cursor"] is None
    assert ids(body)[0] == room.budget and ids(body)[-1] == room.flood and len(ids(body)) == 4
    flood = body["entries"][-1]
    assert flood["copies"] == 2 and len(flood["copy_urls"]) == 2 and flood["copy_details"] is None
    detailed = api.get("/feeds/all", params={"copies": "true"}).json()["entries"][-1]["copy_details"]
    assert {c["site"] for c in detailed} == {"gazette", "courier"}
    assert all(0 < c["similarity"] <= 1 for c in detailed) and all(c["published"] for c in detailed)


def test_feed_filters_and_cursor_pages(api, room):
    assert ids(api.get("/feeds/all", params={"site": "gazette"}).json()) == [room.vote]
    assert ids(api.get("/feeds/all", params={"lang": "de"}).json()) == [room.vote]
    since = api.get("/feeds/all", params={"since": "2026-11-20T11:00:00Z", "until": "2026-11-20T11:30:00Z"})
    assert sorted(ids(since.json())) == sorted([room.rail, room.vote])
    walked, cursor = [], None
    while True:
        body = api.get("/feeds/english", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        walked += ids(body)
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert walked == [room.budget, room.rail, room.flood]


@pytest.mark.parametrize("params, field", [
    ({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"since": "yesterday"}, "since"),
    ({"cursor": "garbage!"}, "cursor"), ({"lang": "english"}, "lang"), ({"site": "../etc"}, "site"),
    ({"since": "2026-11-21", "until": "2026-11-20"}, "until"), ({"copies": "maybe"}, "copies"),
])
def test_invalid_parameters_get_422_naming_the_parameter(api, params, field):
    response = api.get("/feeds/all", params=params)
    assert response.status_code == 422
    assert [d["loc"][-1] for d in response.json()["detail"]] == [field]
    assert response.json()["detail"][0]["msg"]


def test_unknown_feed_article_or_cluster_is_404(api):
    response = api.get("/feeds/nope")
    assert response.status_code == 404 and "known: all, english, wires" in response.json()["detail"]
    assert api.get("/feeds/nope.atom").status_code == 404
    assert api.get("/articles/" + "0" * 20).status_code == 404
    assert api.get("/clusters/nope").status_code == 404
    assert api.get("/articles/bad%20id").status_code == 422


def test_article_and_cluster(api, room):
    article = api.get(f"/articles/{room.flood_gazette}").json()
    assert article["site"] == "gazette" and article["text"] and article["published_ts"] == BASE + 3600
    assert article["cluster"]["canonical"] == room.flood and article["cluster"]["size"] == 3
    cluster = api.get(f"/clusters/{article['cluster']['id']}").json()
    members = {m["id"]: m for m in cluster["members"]}
    assert set(members) == {room.flood, room.flood_gazette, room.flood_courier}
    assert members[room.flood]["canonical"] and members[room.flood]["similarity"] == 1.0
    assert members[room.flood_gazette]["similarity"] == article["cluster"]["similarity"] < 1


def test_every_copy_in_the_json_says_how_it_matched_and_its_language(api, room, client):
    translated = add_translated_copy(client, room)
    entries = api.get("/feeds/all", params={"copies": "true"}).json()["entries"]
    flood, budget = entries[-1], entries[0]
    assert {c["id"]: (c["match"], c["lang"]) for c in flood["copy_details"]} == {
        translated: ("translation", "de"), room.flood_gazette: ("near", "en"),
        room.flood_courier: ("near", "en")}
    assert [(c["match"], c["lang"]) for c in budget["copy_details"]] == [("exact", "en")]
    assert set(flood["copy_details"][0]) == {"id", "url", "site", "title", "published", "similarity", "match",
                                             "lang"}  # the keys there were, and the two added
    assert set(flood) == {"id", "url", "canonical_url", "site", "title", "authors", "published",
                          "published_ts", "lang", "cluster", "copies", "copy_urls", "copy_details"}

    german = api.get(f"/articles/{translated}").json()["cluster"]
    assert german["match"] == "translation" and german["canonical"] == room.flood
    assert german["matched"]["id"] == room.flood and german["matched"]["kind"] == "translation"
    assert set(german["matched"]) == {"id", "jaccard", "containment", "kind"}
    wire = api.get(f"/articles/{room.budget_wire}").json()["cluster"]
    assert (wire["match"], wire["matched"]["kind"], wire["matched"]["id"]) == ("exact", "exact", room.budget)
    original = api.get(f"/articles/{room.budget}").json()["cluster"]
    assert original["is_canonical"] and original["match"] is None and original["matched"]["kind"] is None

    members = api.get(f"/clusters/{german['id']}").json()["members"]
    assert [(m["id"], m["match"], m["lang"]) for m in members] == [
        (room.flood, None, "en"), (translated, "translation", "de"), (room.flood_gazette, "near", "en"),
        (room.flood_courier, "near", "en")]


@pytest.mark.parametrize("suffix, version", [("atom", "atom10"), ("rss", "rss20")])
def test_atom_and_rss_parse_cleanly_with_one_entry_per_story(api, room, client, suffix, version):
    add_translated_copy(client, room)
    response = api.get(f"/feeds/all.{suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(f"application/{suffix}+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0 and parsed.version == version
    titles = [e.title for e in parsed.entries]
    assert titles[0] == "Budget passes" and titles[-1] == "River floods the harbour"
    assert sorted(titles[1:3]) == ["Abstimmung", "Rail strike"]
    flood = parsed.entries[-1]
    assert flood.link == "http://wire.test/news/flood"
    body = flood.content[0].value if suffix == "atom" else flood.description
    assert "http://gazette.test/news/flood-copy" in body and "floods &amp; &lt;harbour&gt;" in body
    assert "Fluss überflutet den Hafen (translation, de)</li>" in body and "harbour (near, en)</li>" in body
    if suffix == "atom":  # each copy is a related link saying how it matched, in its language
        related = {link.href: (link.title, link.get("hreflang"))
                   for link in flood.links if link.rel == "related"}
        assert related["http://gazette.test/news/flood-de"] == ("gazette (translation, de)", "de")
        assert related["http://courier.test/news/flood-edit"] == ("courier (near, en)", "en")
    assert len({e.id for e in parsed.entries}) == 4
    english = feedparser.parse(api.get(f"/feeds/english.{suffix}", params={"limit": 1}).content)
    assert [e.title for e in english.entries] == ["Budget passes"]


def test_health_and_openapi(api):
    health = api.get("/health").json()
    assert health["status"] == "ok" and health["redis"] == "ok"
    assert health["data_errors"] == {"count": 0, "latest": []}
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/feeds", "/feeds/{name}", "/feeds/{name}.atom", "/feeds/{name}.rss", "/articles/{article_id}",
            "/clusters/{cluster_id}", "/health"} <= set(paths)
    assert "swagger-ui" in api.get("/docs").text


def test_health_is_503_when_redis_is_unreachable(room):
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5, decode_responses=True)
    with TestClient(create_app(Store(dead))) as test_client:
        response = test_client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_reader_page_escapes_text_and_links_only_to_web_pages(api, room, client):
    client.hset(f"{Store(client).keys.article(room.flood_gazette)}", "url", "javascript:alert(1)")
    page = api.get("/", params={"limit": 3})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert html.count('<li class="story"') == 3 and "Courier: floods &amp; &lt;harbour&gt;" not in html
    assert 'rel="next"' in html and "cursor=" in html  # the flood story is on the next page
    older = api.get("/", params={"limit": 3, "cursor": html.split("cursor=")[1].split('"')[0]}).text
    assert "Courier: floods &amp; &lt;harbour&gt;" in older and "<harbour>" not in older
    assert "javascript:" not in older and older.count("<details") == 1
    assert api.get("/", params={"feed": "nope"}).status_code == 404


def test_reader_page_labels_each_copy_with_how_it_matched_escaped(api, room, client):
    translated = add_translated_copy(client, room)
    html = api.get("/", params={"feed": "english"}).text
    assert html.count('<span class="match"') == 4  # three copies of the flood, one of the budget
    assert '<span class="match" title="How this copy matched">translation · de</span>' in html
    assert html.count(">near · en</span>") == 2 and html.count(">exact · en</span>") == 1
    keys = Store(client).keys
    client.hset(keys.entry(translated), "match_kind", "<b>odd</b>")
    client.hset(keys.article(translated), "lang", 'x"><i>')
    html = api.get("/").text
    assert "&lt;b&gt;odd&lt;/b&gt; · x&quot;&gt;&lt;i&gt;</span>" in html and "<b>odd" not in html
