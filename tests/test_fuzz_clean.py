"""Fuzzing the cleaner: DOCUMENTS generated and mutated HTML documents through `clean`.

The seeds are the demo network's pages and a few small hand-written ones; a seeded mutator cuts,
repeats, swaps, truncates and nests them, injects hostile markup (encoding declarations, broken
entities, lone surrogates, unclosed comments and scripts, deep nesting, broken JSON-LD), and
damages their bytes; a seeded generator also builds random tag trees from nothing. Every
document must come back as an Article that can be stored and served (valid UTF-8, JSON), with a
reason when it is empty, within the per-page time limit; no exception may escape.

Deterministic: document n is the same in every run, so a failure names its number.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from demo.sites import ROUTES, build_routes
from newssieve.models import Article
from newssieve.settings import get_settings
from workers.clean import clean

DOCUMENTS = 10_000
SEED = 20240308

HAND_WRITTEN = [
    "<html><head><title>Budget row</title></head><body><article><h1>Budget row</h1>"
    "<p>The council approved the budget on Monday after a long debate about the harbour.</p>"
    "<p>Critics said the plan does little for the schools in the valley.</p></article></body></html>",
    "<p>Just a paragraph, no document around it, but a sentence long enough to be an article text.</p>",
    "<html><body><table><tr><td><p>Layout tables still exist in the wild and hold whole stories.</p>"
    "</td></tr></table></body></html>",
    '<html lang="de"><head><meta charset="utf-8"><meta name="author" content="Jana Weber">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-01T10:00:00Z",'
    ' "author": {"name": "Jana Weber"}, "headline": "Rhein steigt"}</script></head><body><main>'
    "<h1>Rhein steigt</h1><p>Der Pegel des Rheins ist über Nacht um zwei Meter gestiegen, meldet das Amt."
    "</p><p>Die Fähren bleiben bis auf Weiteres im Hafen.</p></main></body></html>",
    "<html><body><nav><a href='/'>Home</a><a href='/a'>A</a></nav><div class='story'><h2>Short</h2>"
    "<div><p>Nested <b>bold <i>italic</i></b> text with a <a href='/x'>link</a> in it.</p></div></div>"
    "<footer>© 2024 Example News. All rights reserved.</footer></body></html>",
    "",
    "   ",
    "plain text without any markup at all, long enough to look like something worth keeping",
]

HOSTILE = [
    "<div>", "</div>", "<p>", "</p>", "<table><tr><td>", "</td></tr></table>", "<!--", "-->", "<![CDATA[",
    "]]>", "<script>", "</script>", "<style>", "</style>", '<?xml version="1.0" encoding="latin-1"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', "<!DOCTYPE html>", "<!DOCTYPE", "&amp;", "&#0;", "&#xD800;",
    "&#1114112;", "&#99999999999;", "&nbsp;", "&bogus;", "&", '<meta charset="shift_jis">',
    '<meta http-equiv="content-type" content="text/html; charset=utf-16">', '<base href="javascript:x">',
    '<a href="', '"', "'", "<", ">", "\x00", "\ufeff", "\ud800", "\udfff", "\U0010ffff", "\u202e",
    "e\u0301\u0301\u0301", "<svg><foreignObject><p>", "<math><mi>", "<template>", "<noscript>",
    '<iframe srcdoc="<p>inner</p>">', "<br/>" * 50, "a" * 20_000, "<html>", "</html>", "<body>",
    "</body>", "<head>", "<title>" + "t" * 3000, "<h1>", "</h1>", "<article>", "</article>",
    '<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-99-99","author":{',
    '<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[</script>',
    '<meta property="article:published_time" content="-99999-01-01">', '<time datetime="9999999999">',
    '<meta name="author" content="' + "By " * 500 + '">', '<html lang="xx-\x01">', "<p " + "a=1 " * 500 + ">",
    '<a rel="author" href="/a">', "Ã©Ã¨â€™â€œ", "\x1f\x8b\x08", "%PDF-1.4", "<img src=x onerror=alert(1)>",
    "<plaintext>", "<xmp>", "<listing>", "<select><option>", "<frameset><frame>", "<isindex>", "\r\n\r",
]
URLS = [
    "http://news.example/2024/03/01/story.html", None, "", "not a url", "http://[::1",
    "https://a.b/" + "x" * 3000,
    "http://例え.テスト/記事", "javascript:alert(1)", "file:///etc/passwd", "http://news.example:99999/",
]


def seed_documents() -> list[str]:
    docs = list(HAND_WRITTEN)
    for site in ROUTES:
        for resource in build_routes(site, "http://127.0.0.1:8701").values():
            if "html" in resource.content_type:
                docs.append(resource.body.decode("utf-8", "replace"))
    return docs


def _slice(rng: random.Random, doc: str) -> tuple[int, int]:
    if not doc:
        return 0, 0
    start = rng.randrange(len(doc))
    return start, min(len(doc), start + rng.randint(1, max(1, len(doc) // 4)))


def mutate(rng: random.Random, doc: str) -> str:
    op = rng.randrange(12)
    start, end = _slice(rng, doc)
    at = rng.randint(0, len(doc))
    if op == 0:
        return doc[:start] + doc[end:]
    if op == 1:
        return doc[:at] + doc[start:end] * rng.randint(1, 5) + doc[at:]
    if op == 2:
        return doc[:at] + rng.choice(HOSTILE) + doc[at:]
    if op == 3:
        return doc[:at]
    if op == 4:  # damage the bytes, then decode them as a crawler might have
        raw = bytearray(doc.encode("utf-8", "surrogatepass"))
        for _ in range(rng.randint(1, 20)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        codec, errors = rng.choice([("utf-8", "surrogateescape"), ("latin-1", "strict"),
                                    ("cp1252", "replace"), ("utf-8", "replace"), ("utf-16", "replace")])
        return bytes(raw).decode(codec, errors)
    if op == 5:
        depth = rng.choice([10, 255, 256, 257, 600, 3000])
        tag = rng.choice(["div", "span", "b", "p", "table", "li", "blockquote", "article", "x-custom"])
        closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""
        return doc[:at] + f"<{tag}>" * depth + "deep text " + closing + doc[at:]
    if op == 6:
        other_start, other_end = _slice(rng, doc)
        first, second = sorted([(start, end), (other_start, other_end)])
        if first[1] > second[0]:
            return doc
        return doc[:first[0]] + doc[second[0]:second[1]] + doc[first[1]:second[0]] + doc[first[0]:first[1]] \
            + doc[second[1]:]
    if op == 7:
        return doc[:start] + doc[start:end].upper() + doc[end:]
    if op == 8:
        return doc[:start] + doc[start:end].replace("<", rng.choice(["&lt;", "", "<<"])).replace(
            ">", rng.choice(["", ">>", "&gt;"])) + doc[end:]
    if op == 9:
        return "".join(rng.choice(HOSTILE) for _ in range(rng.randint(1, 40))) + doc
    if op == 10:
        return doc[:at] + "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(1, 200))) + doc[at:]
    return doc + generated(rng, depth=3)


TAGS = ["div", "p", "span", "a", "b", "i", "h1", "h2", "ul", "li", "table", "tr", "td", "article", "section",
        "main", "nav", "header", "footer", "aside", "figure", "figcaption", "blockquote", "pre", "code",
        "time", "script", "style", "meta", "title", "br", "img", "form", "input", "button", "iframe", "video"]
ATTRS = ['class="article-body"', 'class="byline"', 'rel="author"', 'itemprop="articleBody"', 'id="main"',
         'datetime="2024-02-30T25:61:00Z"', 'content="2024-03-01"', 'property="og:title"', 'href="/x?a=1&b"',
         'lang="en"', 'style="display:none"', 'hidden', 'aria-hidden="true"']


def generated(rng: random.Random, depth: int = 6) -> str:
    """A random tag tree: tags, attributes and words, closed or not."""
    if depth <= 0 or rng.random() < 0.3:
        words = rng.randint(0, 60)
        vocabulary = ["the", "council", "said", "on", "Monday", "harbour", "2024", "—", "Ünïcödé", "&amp;",
                      "<", "news"]
        return " ".join(rng.choice(vocabulary) for _ in range(words))
    tag = rng.choice(TAGS)
    attrs = " ".join(rng.sample(ATTRS, rng.randint(0, 3)))
    inner = "".join(generated(rng, depth - 1) for _ in range(rng.randint(0, 5)))
    close = f"</{tag}>" if rng.random() < 0.8 else ""
    return f"<{tag} {attrs}>{inner}{close}"


def document(n: int, seeds: list[str]) -> tuple[str, str | None]:
    """Document number n and the URL it is cleaned with."""
    rng = random.Random(SEED * 1_000_003 + n)
    if rng.random() < 0.15:
        doc = "<html><body>" + generated(rng) + "</body></html>"
    else:
        doc = rng.choice(seeds)
    for _ in range(rng.randint(1, 6)):
        doc = mutate(rng, doc)
    url = rng.choice(URLS) if rng.random() < 0.3 else URLS[0]
    return doc, url


class PageTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise PageTimeout


def check(article: Article) -> None:
    """What the rest of the pipeline relies on."""
    assert isinstance(article, Article)
    assert isinstance(article.title, str) and isinstance(article.text, str)
    assert all(isinstance(a, str) for a in article.authors)
    assert article.text == "\n".join(article.paragraphs)
    if not article.text.strip():
        assert article.empty_reason, "an empty article must say why"
    if article.published:
        datetime.fromisoformat(article.published.replace("Z", "+00:00"))
    assert article.lang is None or (isinstance(article.lang, str) and 2 <= len(article.lang) <= 3)
    # Stored in Redis as UTF-8 and served as JSON.
    json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


def clean_share(share: int, shares: int) -> tuple[list[str], list[float], int]:
    """Clean documents share, share + shares, ... (each under the per-page limit): (failures, seconds
    each took, how many came back empty). Run in a process of its own."""
    limit = get_settings().clean_time_limit
    seeds = seed_documents()
    assert len(seeds) > 80  # the demo network's pages are there
    failures: list[str] = []
    durations: list[float] = []
    empty = 0
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for n in range(share, DOCUMENTS, shares):
            doc, url = document(n, seeds)
            begin = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                article = clean(doc, url)
                signal.setitimer(signal.ITIMER_REAL, 0)
                check(article)
                empty += article.is_empty
            except PageTimeout:
                failures.append(f"document {n}: over the {limit} s limit")
            except Exception as exc:  # noqa: BLE001 - any escape is a finding
                failures.append(f"document {n}: {type(exc).__name__}: {str(exc)[:200]}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            durations.append(time.perf_counter() - begin)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return failures, durations, empty


def test_ten_thousand_hostile_documents_never_raise_and_stay_in_time():
    """The documents are shared out over one process a core (the cleaner is CPU-bound)."""
    shares = max(1, min(2, os.cpu_count() or 1))
    started = time.perf_counter()
    with ProcessPoolExecutor(shares, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(clean_share, range(shares), [shares] * shares))
    total = time.perf_counter() - started
    failures = [failure for result in results for failure in result[0]]
    durations = sorted(duration for result in results for duration in result[1])
    empty = sum(result[2] for result in results)
    median, p99 = durations[len(durations) // 2], durations[int(len(durations) * 0.99)]
    print(f"{DOCUMENTS} documents in {total:.1f} s ({shares} processes); {empty} empty; per page median "
          f"{median * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {durations[-1] * 1000:.0f} ms")
    assert not failures, "\n".join(failures[:30])
    assert len(durations) == DOCUMENTS
    assert durations[-1] < get_settings().clean_time_limit
