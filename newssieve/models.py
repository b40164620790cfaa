"""The two records that cross room boundaries: a fetched Page and a cleaned Article.

Both are plain dataclasses that round-trip through JSON (Celery messages) and
flat string hashes (Redis) — never pickle.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Self


class JsonRecord:
    """A dataclass that travels as a JSON object (Celery messages): to_dict, and from_dict that
    ignores keys it does not know (a message from a newer or older sender)."""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Page(JsonRecord):
    """One fetched article page, as the crawler hands it to the process queue."""

    url: str
    canonical_url: str
    site: str
    html: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: float = 0.0


@dataclass
class Article(JsonRecord):
    """What the cleaner keeps of a page: the article and its metadata, nothing else.

    `empty_reason` is set (and `text` empty) when the page held no article:
    binary data, no text, a page over the limit, a parse failure.
    """

    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    lang: str | None = None  # ISO 639-1
    site_name: str | None = None
    text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    empty_reason: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()
