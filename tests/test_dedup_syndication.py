"""A smaller syndication set (bench/syndication), indexed as the pipeline does: pairwise precision, recall."""

from __future__ import annotations

from bench.syndication.corpus import build_corpus
from bench.syndication.evaluate import index_docs, score


def test_precision_and_recall_on_a_syndication_set(client, prefix):
    docs = build_corpus(400, seed=3)
    scores = score(docs, index_docs(docs, client, prefix, seed=3))
    assert scores.true_pairs > 500
    assert scores.precision >= 0.99, scores
    assert scores.recall >= 0.97, scores
    assert sum(scores.negatives_merged.values()) == 0, scores.negatives_merged
