"""The syndication set: stories, their edited copies and hard negatives, each document labelled by story.

Copies: verbatim, trimmed (a wire story cut at another length), extended (local paragraphs), lightly
edited (word substitutions, dropped sentences, reordered sentences or paragraphs), combinations of
these, copies of copies, and every copy under a new headline (repeated in the body of some).
Hard negatives: sibling stories (same topic, town, organisation and part of the cast), stories
quoting a paragraph of another story, short briefs, and boilerplate sentences shared across
unrelated documents. The demo network's hand-written stories are added when `demo` is importable.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bench.syndication.stories import Story, headline, paragraph, sibling_cast, write_story
from bench.syndication.words import BOILERPLATE, SUBSTITUTIONS

HOUR = 3600.0
RECIPES = {  # copy kind -> weight
    "verbatim": 1, "trim": 2, "extend": 1.5, "edit": 2, "trim+edit": 1.5, "extend+edit": 1, "trim+extend": 1,
}
SENTENCE_END = re.compile(r"(?<=[.!?\"])\s+(?=[A-Z\"])")


@dataclass(frozen=True)
class Doc:
    url: str
    story: str  # ground truth: documents of one story are copies of each other
    kind: str  # original, a copy recipe, sibling, quoting, brief, demo-<variant>
    title: str
    paragraphs: tuple[str, ...]
    published: float
    related: str | None = None  # for hard negatives: the story they must not be merged with

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


# -- edits -------------------------------------------------------------------------

def trim(rng: random.Random, paragraphs: list[str], shortest: float = 0.4) -> list[str]:
    """Keep the first `shortest`-90% of the paragraphs, as a paper cuts a wire story to fit."""
    return paragraphs[: max(2, round(len(paragraphs) * rng.uniform(shortest, 0.9)))]


def extend(rng: random.Random, paragraphs: list[str], story: Story, most: int = 2) -> list[str]:
    """Add up to `most` paragraphs of local reporting at the top, the bottom or in between."""
    out = list(paragraphs)
    for _ in range(rng.randint(1, most)):
        out.insert(rng.choice((0, len(out), rng.randint(0, len(out)))), paragraph(rng, story.cast))
    return out


def substitute(rng: random.Random, text: str, count: int) -> str:
    """Replace `count` randomly chosen occurrences of house-style words."""
    for _ in range(count):
        hits = [(m.start(), m.end(), new) for old, new in SUBSTITUTIONS.items()
                for m in re.finditer(rf"\b{re.escape(old)}\b", text)]
        if not hits:
            break
        start, end, new = rng.choice(hits)
        text = text[:start] + new + text[end:]
    return text


def edit(rng: random.Random, paragraphs: list[str]) -> list[str]:
    """Copy-editing: word substitutions, one or two dropped sentences, some reordering."""
    out = [substitute(rng, p, rng.randint(0, 3)) for p in paragraphs]
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(out))
        sentences = SENTENCE_END.split(out[i])
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            out[i] = " ".join(sentences)
    if rng.random() < 0.5 and len(out) > 3:
        i = rng.randrange(1, len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    if rng.random() < 0.5:
        i = rng.randrange(len(out))
        sentences = SENTENCE_END.split(out[i])
        rng.shuffle(sentences)
        out[i] = " ".join(sentences)
    return out


def apply_recipe(rng: random.Random, recipe: str, paragraphs: list[str], story: Story) -> list[str]:
    """Apply a recipe's steps; in a combination each step is milder, so most of the copy stays wire text."""
    single = "+" not in recipe
    for step in recipe.split("+"):
        if step == "trim":
            paragraphs = trim(rng, paragraphs, 0.4 if single else 0.6)
        elif step == "extend":
            paragraphs = extend(rng, paragraphs, story, 2 if single else 1)
        elif step == "edit":
            paragraphs = edit(rng, paragraphs)
    return list(paragraphs)


def dress(rng: random.Random, title: str, paragraphs: list[str]) -> tuple[str, ...]:
    """What a site adds around the text: sometimes the headline in the body, sometimes boilerplate."""
    out = list(paragraphs)
    if rng.random() < 0.3:
        out.insert(0, title)
    if rng.random() < 0.25:
        out.append(" ".join(rng.sample(BOILERPLATE, rng.randint(1, 2))))
    return tuple(out)


# -- documents -----------------------------------------------------------------------

class CorpusBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.docs: list[Doc] = []
        self.stories: dict[str, Story] = {}

    def add(self, story_id: str, kind: str, title: str, paragraphs: list[str], published: float,
            related: str | None = None) -> None:
        url = f"http://site{len(self.docs) % 17}.example/{story_id}/{len(self.docs)}"
        text = dress(self.rng, title, paragraphs)
        self.docs.append(Doc(url, story_id, kind, title, text, published, related))

    def original(self, story_id: str, story: Story, kind: str = "original",
                 related: str | None = None) -> float:
        self.stories[story_id] = story
        published = self.rng.uniform(0, 30 * 24 * HOUR)
        self.add(story_id, kind, story.title, story.paragraphs, published, related)
        return published

    def copies(self, story_id: str, published: float, count: int) -> None:
        """`count` copies; a fifth of them are made from an earlier copy rather than the original."""
        story = self.stories[story_id]
        sources = [story.paragraphs]
        for _ in range(count):
            recipe = self.rng.choices(list(RECIPES), weights=list(RECIPES.values()))[0]
            source = self.rng.choice(sources) if self.rng.random() < 0.2 else story.paragraphs
            paragraphs = apply_recipe(self.rng, recipe, list(source), story)
            sources.append(paragraphs)
            when = published + self.rng.uniform(-2 * HOUR, 48 * HOUR)
            self.add(story_id, recipe, headline(self.rng, story.cast), paragraphs, when)

    def quoting(self, story_id: str, quoted: str) -> None:
        """A different story that quotes one paragraph of `quoted` word for word."""
        story = write_story(self.rng)
        source = self.stories[quoted]
        quote = self.rng.choice(source.paragraphs)
        story.paragraphs.insert(self.rng.randint(1, len(story.paragraphs)),
                                f"In a statement, {source.cast.org} said: \"{quote}\"")
        self.original(story_id, story, "quoting", related=quoted)

    def build(self, stories: int, syndicated: float = 0.45) -> list[Doc]:
        for n in range(stories):
            story_id = f"s{n}"
            roll = self.rng.random()
            if roll < 0.12 and n:
                related = f"s{self.rng.randrange(n)}"
                kind = "sibling"
                story = write_story(self.rng, sibling_cast(self.rng, self.stories[related].cast))
            elif roll < 0.22 and n:
                self.quoting(story_id, f"s{self.rng.randrange(n)}")
                continue
            else:
                related, kind = None, "original"
                story = write_story(self.rng)
                if roll > 0.9:
                    story.paragraphs = story.paragraphs[: self.rng.randint(2, 4)]
                    kind = "brief"
            published = self.original(story_id, story, kind, related)
            if self.rng.random() < syndicated:
                self.copies(story_id, published, min(8, 1 + int(self.rng.expovariate(0.45))))
        return self.docs


def demo_docs() -> list[Doc]:
    """The demo network's article pages with their own story labels (empty if the demo is absent)."""
    try:
        from demo.content import PAGES
    except ImportError:
        return []
    return [Doc(f"http://{page.site}.demo{page.path}", f"demo:{page.story}", f"demo-{page.variant}",
                page.title, tuple(page.paragraphs), page.published.timestamp()) for page in PAGES]


def build_corpus(stories: int, seed: int = 1, demo: bool = True) -> list[Doc]:
    return CorpusBuilder(seed).build(stories) + (demo_docs() if demo else [])
