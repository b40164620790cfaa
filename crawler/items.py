"""What the spider yields: a fetched article page plus what the pipeline needs to know about its fetch."""

from __future__ import annotations

from dataclasses import dataclass

from newssieve.models import Page


@dataclass
class FetchedPage:
    page: Page
    source: str | None = None  # the feed, sitemap or page that listed it
    checked_unknown: bool = False  # its canonical URL was looked up before download and was not stored

    @property
    def url(self) -> str:
        return self.page.url
