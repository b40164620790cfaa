"""Cleaning on the demo network against its ground truth: the cleaner plus site-level boilerplate
leave only the article (no bios, navigation, see-also lines, captions, newsletter boxes or related
lists), keep at least 98% of its text, and read every page's metadata right."""

from __future__ import annotations

import re
import urllib.request
from collections import Counter

import pytest

from demo.network import DemoNetwork, load_ground_truth
from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.store.articles import Store
from workers.clean import clean
from workers.process import PageProcessor

TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter:
    return Counter(t.casefold() for t in TOKEN.findall(text))


def normalised(paragraph: str) -> str:
    return " ".join(t.casefold() for t in TOKEN.findall(paragraph))


@pytest.fixture(scope="module")
def demo_pages():
    truth = load_ground_truth()
    with DemoNetwork(base_port=0) as network:
        pages = []
        for entry in truth["pages"]:
            url = network.base_url(entry["site"]) + entry["path"]
            with urllib.request.urlopen(url, timeout=10) as response:
                pages.append((entry, Page(url=url, canonical_url=url, site=entry["site"],
                                          html=response.read().decode("utf-8"), fetched_at=1.0)))
    return pages


def test_stored_articles_are_the_article_and_nothing_else(demo_pages, client):
    processor = PageProcessor()
    for _, page in demo_pages:
        processor.process(page)
    store = Store()
    junk, true_total, found_total = [], 0, 0
    for entry, page in demo_pages:
        stored = store.article(article_id(page.canonical_url))["paragraphs"]
        expected = {normalised(p) for p in entry["paragraphs"]}
        junk += [(entry["path"], p) for p in stored if normalised(p) not in expected]
        truth_tokens, got = tokens("\n".join(entry["paragraphs"])), tokens("\n".join(stored))
        true_total += sum(truth_tokens.values())
        found_total += sum((truth_tokens & got).values())
    assert not junk, f"{len(junk)} paragraphs that are not the article, e.g. {junk[:5]}"
    recall = found_total / true_total
    assert recall >= 0.98, recall


def test_metadata_of_every_demo_page(demo_pages):
    wrong = []
    for entry, page in demo_pages:
        article = clean(page.html, page.url)
        got = (article.title, article.authors, (article.published or "")[:10], article.lang)
        want = (entry["title"], entry["authors"], entry["published"][:10], entry["lang"])
        if got != want:
            wrong.append((entry["path"], got, want))
    assert not wrong, wrong[:5]
