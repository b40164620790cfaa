"""The content model: sites, article pages, and the edits that turn a wire story into a syndicated copy.

Every page the demo serves and every entry of ground_truth.json is built from these objects, so the HTML
and the ground truth cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime


@dataclass(frozen=True)
class Site:
    name: str
    title: str  # the name readers see, also the suffix of every <title>
    discovery: str  # how a crawler finds the articles: rss, sitemap, links, atom
    lang: str
    sections: dict[str, str]  # slug -> menu label, in menu order
    bios: dict[str, str]  # author -> bio paragraph printed under each of their articles


@dataclass(frozen=True)
class Page:
    """One article page. `paragraphs` is the true article body and nothing else."""

    site: str
    path: str
    story: str  # the same id on every copy of a story
    title: str
    authors: tuple[str, ...]
    published: datetime  # aware, UTC
    section: str
    caption: str
    paragraphs: tuple[str, ...]
    lang: str = "en"
    variant: str = "original"  # or how a copy differs from it: headline, trimmed, edited, local, translation


def paras(text: str) -> tuple[str, ...]:
    """Split a text block into paragraphs at blank lines, joining each paragraph's wrapped lines."""
    return tuple(" ".join(block.split()) for block in text.strip().split("\n\n"))


def utc(stamp: str) -> datetime:
    """Parse an ISO timestamp to an aware UTC datetime; a timestamp without offset is taken as UTC."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def republish(original: Page, *, site: str, path: str, title: str, published: datetime, section: str,
              variant: str, paragraphs: tuple[str, ...] | None = None,
              authors: tuple[str, ...] | None = None) -> Page:
    """A copy of `original` on another site: same story id and photo, its own headline and time."""
    return replace(original, site=site, path=path, title=title, published=published, section=section,
                   variant=variant, paragraphs=original.paragraphs if paragraphs is None else paragraphs,
                   authors=original.authors if authors is None else authors)


def translated(original: Page, *, site: str, path: str, title: str, authors: tuple[str, ...],
               published: datetime, section: str, caption: str, lang: str,
               paragraphs: tuple[str, ...]) -> Page:
    """A translation of `original` on another site: the same story, sentence for sentence and in the same
    order, with the same names and numbers, in another language (and with that site's byline and caption).
    """
    if lang == original.lang:
        raise ValueError(f"a translation of {original.path} must not be in {lang}, its own language")
    if len(paragraphs) != len(original.paragraphs):
        raise ValueError(f"a translation of {original.path} must keep its "
                         f"{len(original.paragraphs)} paragraphs")
    return replace(original, site=site, path=path, title=title, authors=authors, published=published,
                   section=section, caption=caption, lang=lang, paragraphs=paragraphs, variant="translation")


def trimmed(paragraphs: tuple[str, ...], share: float = 0.6) -> tuple[str, ...]:
    """The first `share` of the paragraphs, as a paper cuts a wire story to fit its page."""
    return paragraphs[: round(len(paragraphs) * share)]


def edited(paragraphs: tuple[str, ...], replacements: tuple[tuple[str, str], ...] = (),
           order: tuple[int, ...] | None = None) -> tuple[str, ...]:
    """Light copy-editing: textual replacements, then an optional new paragraph order.

    Each replacement must match exactly once, so an edit can never silently stop applying when the
    wire text is reworded.
    """
    text = list(paragraphs)
    for old, new in replacements:
        hits = [i for i, paragraph in enumerate(text) if old in paragraph]
        if len(hits) != 1 or text[hits[0]].count(old) != 1:
            raise ValueError(f"edit {old!r} must match exactly once")
        text[hits[0]] = text[hits[0]].replace(old, new)
    if order is not None:
        if sorted(order) != list(range(len(text))):
            raise ValueError(f"order {order} is not a permutation of {len(text)} paragraphs")
        text = [text[i] for i in order]
    return tuple(text)


def with_local(paragraphs: tuple[str, ...], local: str, *, at_start: bool = False) -> tuple[str, ...]:
    """A wire story with a paragraph of local reporting added before or after it."""
    return (local, *paragraphs) if at_start else (*paragraphs, local)


def prose(text: str) -> str:
    """One paragraph written as a wrapped text block, joined into a single line."""
    return " ".join(text.split())


def bios(texts: dict[str, str]) -> dict[str, str]:
    """Author bios written as wrapped text blocks, each joined into one paragraph."""
    return {author: prose(text) for author, text in texts.items()}
