"""Synthetic news pages for the reliability tests and the soak: seeded, with syndicated near-copies.

Each story is first published by one site; some stories are copied by other sites, each copy
lightly edited (a paragraph dropped, a word changed, a local line added). A site never carries
two pages of one story, so no paragraph repeats within a site (which would make it site boilerplate).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from newssieve.models import Page

WORDS = """harbour council storm budget river school rail energy market police court hospital farm bridge
museum port union water road tax housing festival airport mayor plant ferry library tram clinic factory
teacher nurse farmer driver minister judge engineer student tenant owner island valley coast district
county village suburb station tunnel canal dam reservoir forest meadow orchard vineyard quarry mine""".split()
VERBS = "approved rejected delayed funded reviewed closed opened extended cut doubled questioned".split()
FIRST = "Anna Ben Carla David Elena Farid Grace Hugo Ines Jonas Kira Liam Maya Noah Olga Pavel".split()
LAST = "Adler Baines Castell Dorsey Fischer Garland Holm Ibarra Janssen Kowalski Moreau Novak".split()
SITES = ("alpha-news", "bravo-times", "charlie-post", "delta-daily", "echo-herald")


@dataclass(frozen=True)
class SyntheticPage:
    page: Page
    story: str  # pages of one story are copies of each other

    def to_dict(self) -> dict:
        return self.page.to_dict()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 16))]
    words.insert(rng.randint(1, 4), rng.choice(VERBS))
    number = rng.randint(2, 9999)
    return f"{' '.join(words).capitalize()} after {number} {rng.choice(WORDS)}s were counted."


def _story(rng: random.Random, long: bool = False) -> tuple[str, str, list[str]]:
    title = f"{rng.choice(WORDS).capitalize()} {rng.choice(VERBS)} in {rng.choice(WORDS)} row"
    author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    count = rng.randint(150, 250) if long else rng.randint(5, 9)
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(count)]
    return title, author, paragraphs


def _edited(rng: random.Random, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    kind = rng.randrange(3)
    if kind == 0 and len(out) > 5:
        out.pop(rng.randrange(1, len(out)))
    elif kind == 1:
        n = rng.randrange(len(out))
        words = out[n].split()
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        out[n] = " ".join(words)
    else:
        out.append(_sentence(rng) + " " + _sentence(rng))
    return out


def render(site: str, title: str, author: str, paragraphs: list[str], published: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/section/{w}">{w.capitalize()}</a></li>' for w in WORDS[:6])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>'
        f'<meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><header><a href=\"/\">{site}</a><nav><ul>{nav}</ul></nav></header>"
        f'<main><article><h1>{title}</h1><p class="byline">By {author}</p>{body}</article></main>'
        f"<footer><p>Contact the newsroom of {site}.</p></footer></body></html>"
    )


def synthetic_pages(n: int, seed: int = 0, copy_rate: float = 0.3, host: str = "example.test",
                    run: str = "", long_share: float = 0.0) -> list[SyntheticPage]:
    """`n` pages; about `copy_rate` of them are copies of an earlier story on another site.

    `run` goes into every URL, so pages of different runs never share an article id. About
    `long_share` of the stories are long (150-250 paragraphs: a few hundred ms to process).
    """
    return list(iter_synthetic_pages(n, seed, copy_rate, host, run, long_share))


def iter_synthetic_pages(n: int, seed: int = 0, copy_rate: float = 0.3, host: str = "example.test",
                         run: str = "", long_share: float = 0.0) -> Iterator[SyntheticPage]:
    """The pages of `synthetic_pages`, one at a time (memory stays flat for any `n`)."""
    rng = random.Random(seed)
    stories: deque[tuple[str, str, str, list[str], set[str]]] = deque(maxlen=50)  # recent stories
    made = 0
    while made < n:
        copyable = [s for s in stories if len(s[4]) < len(SITES)]
        if copyable and rng.random() < copy_rate:
            story_id, title, author, paragraphs, used = rng.choice(copyable)
            site = rng.choice([s for s in SITES if s not in used])
            paragraphs = _edited(rng, paragraphs)
        else:
            story_id = f"s{made}"
            title, author, paragraphs = _story(rng, long=rng.random() < long_share)
            used = set()
            site = rng.choice(SITES)
            stories.append((story_id, title, author, paragraphs, used))
        used.add(site)
        day = 1 + made % 28
        published = f"2024-03-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+00:00"
        url = f"http://{site}.{host}/{run}news/{story_id}-{made}.html"
        html = render(site, title, author, paragraphs, published)
        page = Page(url=url, canonical_url=url, site=site, html=html, fetched_at=1_710_000_000.0 + made)
        made += 1
        yield SyntheticPage(page, story_id)
