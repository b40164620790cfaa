"""A small newsroom in the real Redis for the feed, API, CLI and page tests, and a real uvicorn server.

Articles go in the way the worker puts them: Store.save_article, then
StoryIndex.index with a real fingerprint, so clusters and feeds are the index's own.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn

from newssieve.models import Article, Page
from newssieve.settings import get_settings
from newssieve.sites import load_sites
from newssieve.store.articles import Store, feeds_for
from newssieve.store.story_index import StoryIndex
from workers.fingerprint import fingerprint

SITES_YAML = """
sites:
  - {name: wire, domains: [wire.test], feeds: ["http://wire.test/rss"], article: ['/news/']}
  - {name: gazette, domains: [gazette.test], feeds: ["http://gazette.test/rss"], article: ['/news/']}
  - {name: courier, domains: [courier.test], feeds: ["http://courier.test/rss"], article: ['/news/']}
feeds:
  - {name: english, title: English stories, langs: [en]}
  - {name: wires, sites: [wire]}
"""
WORDS = ("harbour council storm budget river school rail energy market police court hospital farm "
         "bridge museum port union water road tax housing festival airport mayor plant").split()
BASE = datetime(2026, 11, 20, 8, 0, tzinfo=UTC).timestamp()


def story(seed: int, paragraphs: int = 8) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) + str(rng.randint(0, 999)) for _ in range(45))
            for _ in range(paragraphs)]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def add_article(client, site: str, slug: str, paragraphs: list[str], published: float, lang: str = "en",
                title: str | None = None, authors: tuple[str, ...] = ()) -> str:
    url = f"http://{site}.test/news/{slug}"
    text = "\n".join(paragraphs)
    page = Page(url=url, canonical_url=url, site=site, html="", fetched_at=published)
    article = Article(title=title or f"{site} {slug}", authors=list(authors), published=iso(published),
                      lang=lang, text=text, paragraphs=paragraphs)
    fp = fingerprint(text)
    feeds = feeds_for(load_sites(get_settings().sites).feeds, site, lang)
    aid = Store(client).save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                                     feeds=feeds, published=published)
    StoryIndex(client).index(aid, fp.signature, fp.shingles, fp.exact_hash, published, feeds)
    return aid


@dataclass
class Newsroom:
    """Four stories; `flood` has two copies, `budget` one; `rail` and `vote` share a published time."""

    flood: str
    flood_gazette: str
    flood_courier: str
    rail: str
    vote: str
    budget: str
    budget_wire: str
    sites_path: str


def use_sites_file(tmp_path, monkeypatch) -> str:
    path = tmp_path / "sites.yaml"
    path.write_text(SITES_YAML, encoding="utf-8")
    monkeypatch.setenv("NEWSSIEVE_SITES", str(path))
    get_settings.cache_clear()
    return str(path)


def build_newsroom(client, tmp_path, monkeypatch) -> Newsroom:
    sites_path = use_sites_file(tmp_path, monkeypatch)
    flood = story(1, 10)
    budget = story(4)
    hour = 3600
    return Newsroom(
        flood=add_article(client, "wire", "flood", flood, BASE, title="River floods the harbour",
                          authors=("Ann Reporter",)),
        flood_gazette=add_article(client, "gazette", "flood-copy", flood[:7], BASE + hour,
                                  title="Gazette: river floods harbour"),
        flood_courier=add_article(client, "courier", "flood-edit",
                                  [p.replace("council", "councillors") for p in flood], BASE + 2 * hour,
                                  title="Courier: floods & <harbour>"),
        rail=add_article(client, "wire", "rail", story(2), BASE + 3 * hour, title="Rail strike"),
        vote=add_article(client, "gazette", "vote", story(3), BASE + 3 * hour, lang="de", title="Abstimmung"),
        budget=add_article(client, "courier", "budget", budget, BASE + 4 * hour, title="Budget passes"),
        budget_wire=add_article(client, "wire", "budget-copy", budget, BASE + 5 * hour,
                                title="Budget (wire)"),
        sites_path=sites_path,
    )


def add_translated_copy(client, room: Newsroom) -> str:
    """A German copy of the flood story, published half an hour after it, matched as a translation.

    The translation matcher is not in yet, so this plants the fields its contract gives a translated
    copy: the real index files the copy in the flood cluster (its text is 9 of the original's 10
    paragraphs), then its entry gets `match` = the original and `match_kind` = translation.
    """
    aid = add_article(client, "gazette", "flood-de", story(1, 10)[:9], BASE + 1800, lang="de",
                      title="Fluss überflutet den Hafen")
    client.hset(Store(client).keys.entry(aid), mapping={"match": room.flood, "match_kind": "translation"})
    return aid


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(app):
    """The app under a real uvicorn server on a free loopback port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
