"""Translated copies in the pipeline: fingerprint an article, file it with the story index, verify
the candidates the index returns, and link the verified ones.

The story index (core) files and finds; the check (`verify_translation`) and the model live here in
workers, which the core must not import. The encoder loads lazily, once per worker process, on the
first article that needs it; with NEWSSIEVE_TRANSLATION_MATCHING=false nothing of it is loaded and
nothing is filed.
"""

from __future__ import annotations

from dataclasses import dataclass

from newssieve.models import Article
from newssieve.store.story_index import IndexResult, StoryIndex, TranslationEntry


@dataclass(frozen=True)
class Linked:
    """What linking did: the verified translations, the article's cluster and its canonical afterwards,
    and how many clusters were merged."""

    ids: tuple[str, ...] = ()
    cluster: str | None = None
    merged: int = 0
    canonical: str | None = None


class TranslationMatcher:
    def __init__(self, index: StoryIndex, enabled: bool):
        self.index = index
        self.enabled = enabled

    def prepare(self, article: Article):
        """(fingerprint, entry for the index), or (None, None) when off or the article has no text."""
        if not self.enabled or article.is_empty:
            return None, None
        from workers.translation import band_keys, probe_keys, translation_fingerprint

        fp = translation_fingerprint(article.title, article.paragraphs, article.lang)
        if fp is None:
            return None, None
        entry = TranslationEntry(band_keys(fp), probe_keys(fp), fp.for_verification().to_bytes(),
                                 signature=fp.lead_bits)
        return fp, entry

    def link(self, article_id: str, fp, result: IndexResult) -> Linked:
        """Verify the index's candidates against the article; union the clusters of the ones that hold."""
        if fp is None or not result.candidates:
            return Linked()
        from workers.translation import TranslationFingerprint, verify_translation

        verified = [c.id for c in result.candidates
                    if verify_translation(fp, TranslationFingerprint.from_bytes(c.blob)).same]
        if not verified:
            return Linked()
        cluster, merged, canonical = self.index.link(article_id, verified)
        return Linked(tuple(verified), cluster or None, merged, canonical or None)
