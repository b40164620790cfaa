"""Index a syndication set in shuffled order and score the clusters against the stories.

Pairwise: a pair of documents is a true pair when both belong to one story, a predicted pair
when the index put both in one cluster. Precision = true predicted pairs / predicted pairs,
recall = true predicted pairs / true pairs.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import redis

from bench.syndication.corpus import Doc
from newssieve.models import Article, Page
from newssieve.settings import Settings
from newssieve.store.articles import Store
from newssieve.store.story_index import StoryIndex
from workers.fingerprint import fingerprint
from workers.translation_match import TranslationMatcher

ORIGINAL_KINDS = {"original", "sibling", "quoting", "brief", "demo-original"}


@dataclass
class Scores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    joined: Counter = field(default_factory=Counter)  # copy kind -> copies in their original's cluster
    copies: Counter = field(default_factory=Counter)  # copy kind -> copies
    negatives_merged: Counter = field(default_factory=Counter)  # negative kind -> merged with `related`
    negatives: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def index_docs(docs: list[Doc], client: redis.Redis, prefix: str, seed: int = 0,
               settings: Settings | None = None, lang: str | None = None) -> dict[str, str]:
    """Index every document (shuffled, as a crawl delivers them) the way the pipeline does, translation
    matching included when the settings have it; url -> cluster. `lang`: the language cleaning would
    have found (None: unknown, so even same-language pairs reach the translation check)."""
    store = Store(client, prefix)
    index = StoryIndex(client, prefix, settings)
    s = index.settings
    translations = TranslationMatcher(index, s.translation_matching)
    order = list(docs)
    random.Random(seed).shuffle(order)
    for doc in order:
        fp = fingerprint(doc.text, s.minhash_perm, s.shingle_words)
        page = Page(url=doc.url, canonical_url=doc.url, site=doc.url.split("/")[2], html="",
                    fetched_at=doc.published)
        article = Article(title=doc.title, text=doc.text, paragraphs=list(doc.paragraphs), lang=lang)
        aid = store.save_article(page, article, exact_hash=fp.exact_hash, shingles=fp.shingles,
                                 feeds=["all"], published=doc.published)
        tfp, entry = translations.prepare(article)
        result = index.index(aid, fp.signature, fp.shingles, fp.exact_hash, doc.published, ["all"], entry)
        translations.link(aid, tfp, result)
    ids = client.zrange(store.keys.articles, 0, -1)
    return {row["url"]: row["cluster"] for row in store.articles(ids, fields=("url", "cluster"))}


def pairs(groups: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in groups.values())


def score(docs: list[Doc], cluster_of: dict[str, str]) -> Scores:
    stories = Counter(doc.story for doc in docs)
    clusters = Counter(cluster_of[doc.url] for doc in docs)
    both = Counter((doc.story, cluster_of[doc.url]) for doc in docs)
    scores = Scores(pairs(stories), pairs(clusters), pairs(both))
    originals = {doc.story: doc for doc in docs if doc.kind in ORIGINAL_KINDS}
    for doc in docs:
        original = originals.get(doc.story)
        if doc.kind not in ORIGINAL_KINDS and original:
            scores.copies[doc.kind] += 1
            scores.joined[doc.kind] += cluster_of[doc.url] == cluster_of[original.url]
        if doc.related:
            scores.negatives[doc.kind] += 1
            scores.negatives_merged[doc.kind] += cluster_of[doc.url] == cluster_of[originals[doc.related].url]
    return scores


def report(scores: Scores, docs: list[Doc]) -> list[str]:
    kinds = Counter(doc.kind for doc in docs)
    by_story = Counter(doc.story for doc in docs)
    syndicated = sum(1 for n in by_story.values() if n > 1)
    lines = [
        f"documents: {len(docs)} in {len(by_story)} stories ({syndicated} with copies)",
        f"pairwise precision: {scores.precision:.4f}  ({scores.correct_pairs} of {scores.predicted_pairs})",
        f"pairwise recall:    {scores.recall:.4f}  ({scores.correct_pairs} of {scores.true_pairs})",
        "copies in their original's cluster, by edit:",
    ]
    for kind in sorted(scores.copies):
        lines.append(f"  {kind:<14} {scores.joined[kind]:>5} / {scores.copies[kind]:<5} "
                     f"{scores.joined[kind] / scores.copies[kind]:.3f}")
    lines.append("hard negatives merged with the story they resemble:")
    for kind in sorted(scores.negatives):
        lines.append(f"  {kind:<14} {scores.negatives_merged[kind]:>5} / {scores.negatives[kind]}")
    lines.append(f"short briefs: {kinds['brief']}; boilerplate and headlines in the body occur in all kinds")
    return lines
