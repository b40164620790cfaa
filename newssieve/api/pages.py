"""The page for people at `/`: a feed as a list of stories, each story's copies folded under it."""

from __future__ import annotations

from dataclasses import replace
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from newssieve.api.deps import feed_reader
from newssieve.api.page_render import PageLinks, filters_html, render_page
from newssieve.api.params import feed_query
from newssieve.feeds.query import FeedQuery, FeedReader, UnknownFeed
from newssieve.sites import NAME_RE

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, name="front_page", summary="The reader page (HTML)")
def front_page(request: Request, reader: Annotated[FeedReader, Depends(feed_reader)],
               query: Annotated[FeedQuery, Depends(feed_query)],
               feed: Annotated[str, Query(max_length=64, pattern=NAME_RE.pattern)] = "all") -> HTMLResponse:
    try:
        page = reader.page(feed, replace(query, copies=True))
    except UnknownFeed:
        return HTMLResponse(f"<!doctype html><title>Unknown feed</title><p>No feed named {escape(feed)}.</p>"
                            f'<p><a href="{request.url_for("front_page")}">All stories</a></p>', 404)
    home = request.url_for("front_page")
    selection = {k: v for k, v in {"site": query.site or "", "lang": query.lang or ""}.items() if v}
    links = PageLinks(
        home=str(home), css=str(request.url_for("static", path="style.css")),
        js=str(request.url_for("static", path="page.js")),
        atom=str(request.url_for("feed_atom", name=feed).include_query_params(**selection)),
        rss=str(request.url_for("feed_rss", name=feed).include_query_params(**selection)),
        json=str(request.url_for("feed_json", name=feed).include_query_params(**selection)),
        docs=str(request.url_for("swagger_ui_html")), status=str(request.url_for("status_page")),
        next=str(request.url.include_query_params(cursor=page.next_cursor)) if page.next_cursor else None)
    feeds = [(f.name, f.title or f.name) for f in reader.feed_defs().values()]
    filters = filters_html(feeds, reader.site_names(), feed, query.site or "")
    summaries = reader.summaries([e["id"] for e in page.entries])
    return HTMLResponse(render_page(page, summaries, filters, links))
