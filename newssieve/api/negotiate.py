"""Which form of a record a client asked for: HTML for browsers, JSON (the default) for programs.

`/articles/{id}` and `/clusters/{id}` answer both at the same URL, so a link shared from the reader
page opens as a page in a browser and as JSON in a script. A browser names text/html in Accept and
ranks it above anything JSON; programs send `*/*`, `application/json` or nothing, and get JSON.
"""

from __future__ import annotations

from fastapi import Request

VARY = {"Vary": "Accept"}


def _ranks(accept: str) -> dict[str, float]:
    """Media range -> its quality (q), from an Accept header; an unreadable q counts as 0."""
    ranks: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranks[media.lower()] = max(quality, ranks.get(media.lower(), 0.0))
    return ranks


def wants_html(request: Request) -> bool:
    """True when the client names text/html and ranks it above JSON (named or through a wildcard)."""
    ranks = _ranks(request.headers.get("accept", ""))
    html = ranks.get("text/html", 0.0)
    json = max(ranks.get(media, 0.0) for media in ("application/json", "application/*", "*/*"))
    return html > 0 and html > json
