"""Write demo/ground_truth.json from demo.content: python -m demo.build_ground_truth

Pages are listed in "crawl order": the order in which crawling all sites in parallel, each newest first
(as its feed, sitemap or front page lists it), would meet them. In that order some copies come before
their wire original, so "first seen" is not the same as "published first".
"""

from __future__ import annotations

import json
from itertools import zip_longest
from pathlib import Path

from demo.content import HARD_NEGATIVES, PAGES, SITE_NAMES, SITES, site_pages
from demo.content.model import Page
from demo.network import DEFAULT_BASE_PORT

OUTPUT = Path(__file__).with_name("ground_truth.json")


def _entry(page: Page) -> dict:
    return {
        "site": page.site,
        "path": page.path,
        "story": page.story,
        "variant": page.variant,
        "title": page.title,
        "authors": list(page.authors),
        "published": page.published.isoformat(),
        "lang": page.lang,
        "paragraphs": list(page.paragraphs),
    }


def crawl_order() -> list[Page]:
    rounds = zip_longest(*(site_pages(site) for site in SITE_NAMES))
    return [page for round_ in rounds for page in round_ if page is not None]


def build() -> dict:
    order = crawl_order()
    assert len(order) == len(PAGES)
    return {
        "sites": {
            name: {"default_port": DEFAULT_BASE_PORT + offset, "discovery": SITES[name].discovery,
                   "title": SITES[name].title, "lang": SITES[name].lang}
            for offset, name in enumerate(SITE_NAMES)
        },
        "pages": [_entry(page) for page in order],
        "hard_negatives": [{"stories": [first, second], "why": why} for first, second, why in HARD_NEGATIVES],
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(PAGES)} pages)")


if __name__ == "__main__":
    main()
