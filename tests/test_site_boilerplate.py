"""Site-level boilerplate on the real Redis: a paragraph on K pages of one site goes, retroactively too."""

from __future__ import annotations

import random

import pytest

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.ops import status
from newssieve.redis_conn import reset_caches, undecoded
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.paragraph_counts import BUCKETS
from newssieve.store.stats import Count, Stage, Stats
from workers.process import PageProcessor
from workers.site_boilerplate import SiteBoilerplate, paragraph_key

BIO = ("Mara Lind writes about rivers, ports and the people who work on them. She joined the paper in 2019 "
       "after eleven years at the coastal desk of a regional broadcaster.")
VOCAB = ("ferry harbour council budget rail school storm bridge market festival museum union court farm "
         "water tax housing road airport mayor plant energy police hospital").split()


def body(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCAB) + str(rng.randint(0, 99)) for _ in range(40)).capitalize() + "."
            for _ in range(6)]


def page(site: str, n: int, paragraphs: list[str]) -> Page:
    body_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>{body_html}"
            "</article></body></html>")
    url = f"http://{site}.example/news/{n}.html"
    return Page(url=url, canonical_url=url, site=site, html=html, fetched_at=1_700_000_000 + n)


def stored_paragraphs(url: str) -> list[str]:
    return Store().article(article_id(url))["paragraphs"]


def test_bio_on_k_pages_is_removed_from_all_of_them(client):
    processor = PageProcessor()
    pages = [page("gazette", n, body(n) + [BIO]) for n in range(4)]
    processor.process(pages[0])
    processor.process(pages[1])
    assert BIO in stored_paragraphs(pages[0].url)  # only two pages so far: not yet boilerplate
    processor.process(pages[2])
    processor.process(pages[3])
    for p in pages:
        paragraphs = stored_paragraphs(p.url)
        assert BIO not in paragraphs and len(paragraphs) == 6, p.url
        assert BIO not in Store().article(article_id(p.url))["text"]


class SlowWorker(PageProcessor):
    """A worker whose page is in flight (counted, not yet stored) while `meanwhile` runs: another worker."""

    meanwhile = None

    def drop_boilerplate(self, article, boilerplate):
        if self.meanwhile is not None:
            self.meanwhile, meanwhile = None, self.meanwhile
            meanwhile()
        return super().drop_boilerplate(article, boilerplate)


def test_a_page_in_flight_when_its_bio_became_boilerplate_elsewhere_loses_it_once_stored(client):
    pages = [page("gazette", n, body(n) + [BIO]) for n in range(3)]
    slow, other = SlowWorker(), PageProcessor()
    slow.meanwhile = lambda: other.process_many(pages[1:])  # K = 3 reached while page 0 was not stored
    slow.process(pages[0])
    for p in pages:
        assert stored_paragraphs(p.url) == body(int(p.url.rsplit("/", 1)[1].split(".")[0])), p.url
    assert Stats().total(Stage.RECLEAN, Count.SEEN) == 2  # page 1 by the other worker, page 0 by its own


def test_the_recheck_survives_a_redis_that_lost_its_scripts(client):
    processor = PageProcessor()
    for n in range(3):
        processor.process(page("gazette", n, body(n) + [BIO]))
    client.script_flush()
    assert processor.boilerplate.boilerplate_of("gazette", [BIO, body(1)[0]]) == {paragraph_key(BIO)}
    client.script_flush()
    processor.process(page("gazette", 3, body(3) + [BIO]))
    assert stored_paragraphs("http://gazette.example/news/3.html") == body(3)


def test_a_paragraph_shared_by_different_sites_is_syndication_not_boilerplate(client):
    processor = PageProcessor()
    shared = body(100)[0]
    urls = []
    for n, site in enumerate(["one", "two", "three", "four"]):
        p = page(site, n, body(200 + n) + [shared])
        processor.process(p)
        urls.append(p.url)
    assert all(shared in stored_paragraphs(url) for url in urls)


def pid(name: str) -> str:
    """An article id, as the worker counts pages by."""
    return article_id(f"http://s.example/{name}")


def test_counting_a_page_twice_counts_once(client):
    boiler = SiteBoilerplate(client, Keys(), min_pages=3)
    for _ in range(3):
        seen = boiler.observe("s", pid("page-1"), [BIO])
    assert seen.boilerplate == frozenset()
    boiler.observe("s", pid("page-2"), [BIO])
    observed = boiler.observe("s", pid("page-3"), [BIO])
    assert len(observed.boilerplate) == 1 and set(observed.retro_pages) == {pid("page-1"), pid("page-2")}


def test_a_page_is_kept_as_its_raw_id_and_counts_with_hex_ids_written_before_are_read(client, prefix):
    boiler = SiteBoilerplate(client, Keys(), min_pages=3)
    key, field = boiler.counts.place("s", paragraph_key(BIO))
    boiler.observe("s", pid("a"), [BIO])
    with undecoded(client) as raw:
        assert raw.hget(key, field) == b"1|" + bytes.fromhex(pid("a"))  # 12 bytes, not 22
    client.hset(key, field, f"2|{pid('a')},{pid('b')}")  # as written before: hex ids, commas
    assert not boiler.observe("s", pid("b"), [BIO]).boilerplate  # b already counted
    observed = boiler.observe("s", pid("c"), [BIO])
    assert observed.boilerplate and set(observed.retro_pages) == {pid("a"), pid("b")}
    with pytest.raises(ValueError, match="article id"):
        boiler.observe("s", "page-1", [BIO])


def bucket_sizes(client, prefix: str, site: str) -> list[int]:
    return [client.hlen(Keys(prefix).boiler(site, b)) for b in range(BUCKETS)]


def test_memory_is_bounded_by_forgetting_the_oldest_unique_paragraphs(client, prefix):
    boiler = SiteBoilerplate(client, Keys(), min_pages=3, max_entries=640)  # 10 entries a bucket
    boiler.observe("s", pid("a"), [BIO])
    boiler.observe("s", pid("b"), [BIO])
    for n in range(200):
        boiler.observe("s", pid(f"p{n}"), [f"unique paragraph number {n} {k}" for k in range(5)])
    sizes = bucket_sizes(client, prefix, "s")
    assert sum(sizes) < 1000 and max(sizes) <= 10, sizes
    assert boiler.observe("s", pid("c"), [BIO]).boilerplate  # the bio (count 2) survived the pruning
    # the newest paragraphs are kept: seen on two more pages, one is boilerplate, and its first page known
    newest = "unique paragraph number 199 4"
    boiler.observe("s", pid("q1"), [newest])
    assert boiler.observe("s", pid("q2"), [newest]).retro_pages == (pid("p199"), pid("q1"))


def test_a_site_of_thousands_of_paragraphs_stays_in_compact_hashes(client, prefix):
    """Why the buckets: one hash a site turns into a hashtable (~100 B an entry) past 512 entries."""
    boiler = SiteBoilerplate(client, Keys(), min_pages=3)
    pipe_pages = [("big", pid(f"p{n}"), [f"paragraph {n} {k} of a long archive" for k in range(20)])
                  for n in range(250)]
    for start in range(0, len(pipe_pages), 50):
        boiler.observe_many(pipe_pages[start:start + 50])
    keys = [Keys(prefix).boiler("big", b) for b in range(BUCKETS)]
    assert sum(client.hlen(key) for key in keys) == 5000
    assert {client.object("encoding", key) for key in keys} == {"listpack"}
    assert sum(client.memory_usage(key, samples=0) for key in keys) / 5000 < 32


def test_a_page_counted_for_one_site_touches_only_that_sites_buckets(client, prefix):
    boiler = SiteBoilerplate(client, Keys(), min_pages=3)
    boiler.observe("one.example", pid("p1"), body(1))
    touched = {key for key in client.scan_iter(match=f"{prefix}boiler:*")}
    assert touched and all(key.startswith(f"{prefix}boiler:{{one.example}}:") for key in touched)


def test_a_reclean_is_counted_under_reclean_not_as_another_stored_page(client, prefix):
    processor = PageProcessor()
    for n in range(4):
        processor.process(page("gazette", n, body(n) + [BIO]))
    stats = Stats()
    assert stats.total(Stage.STORE, Count.SEEN) == stats.total(Stage.DEDUP, Count.SEEN) == 4
    assert stats.total(Stage.RECLEAN, Count.SEEN) == 2  # the pages stored before the bio was on K = 3
    assert status.page_counts(status.stage_counters(client, prefix))["stored"]["total"] == 4


def test_the_per_site_cap_is_a_setting_the_worker_keeps_to(client, prefix, monkeypatch):
    monkeypatch.setenv("NEWSSIEVE_BOILERPLATE_MAX_ENTRIES", "100")
    reset_caches()
    processor = PageProcessor()
    for n in range(40):  # 6 unique paragraphs a page and the bio: 241 entries without the cap
        processor.process(page("ledger", n, body(100 + n) + [BIO]))
    sizes = bucket_sizes(client, prefix, "ledger")
    assert max(sizes) <= 2 and sum(sizes) < 241, sizes  # ceil(100 / 64) entries a bucket
    stored = Store().article(article_id("http://ledger.example/news/39.html"))
    assert BIO not in stored["text"] and stored["paragraphs"] == body(139)  # the bio is still found
