"""All of the demo network's content: the five sites in port order and every article page.

`demo.sites` renders these pages as HTML, feeds and sitemaps; `demo.build_ground_truth` writes them to
ground_truth.json. Nothing else holds article text.
"""

from demo.content import coastal, metro, rheinblick, valley, wire
from demo.content.model import Page, Site

_MODULES = (wire, valley, metro, coastal, rheinblick)

SITES: dict[str, Site] = {module.SITE.name: module.SITE for module in _MODULES}
SITE_NAMES: list[str] = list(SITES)
PAGES: tuple[Page, ...] = tuple(page for module in _MODULES for page in module.PAGES)

# Pairs of different stories that a deduplicator could easily mistake for one.
HARD_NEGATIVES: tuple[tuple[str, str, str], ...] = (
    ("storm-fergus", "storm-imogen", "two different storms, written independently on two sites"),
    ("hensley-budget", "brackley-budget", "two different council budgets, written independently"),
    ("water-bills", "gullhaven-sewage", "different stories that quote the same paragraph-long statement"),
    ("census-living-alone", "weidenbrueck-einpersonenhaushalte",
     "people living alone: a national census (English) and a German district's household figures, written "
     "independently"),
)


def site_pages(site: str) -> tuple[Page, ...]:
    """A site's article pages, newest first: the order of its feeds, sitemaps and front page."""
    return tuple(sorted((page for page in PAGES if page.site == site), key=lambda page: page.published,
                        reverse=True))
