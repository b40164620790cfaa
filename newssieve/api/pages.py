"""The page for people at `/`: a feed as a list of stories, each story's copies folded under it, with
search and filters (api/reader_params.py) in a GET form, so that every list is a URL to share."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from newssieve.api.deps import feed_reader
from newssieve.api.page_render import Choices, PageLinks, filters_html, render_page
from newssieve.api.reader_params import ReaderAsk, reader_ask
from newssieve.feeds import search
from newssieve.feeds.query import FeedReader, UnknownFeed

router = APIRouter(tags=["pages"])


def _links(request: Request, ask: ReaderAsk, next_cursor: str | None) -> PageLinks:
    home = request.url_for("front_page")
    chosen = ask.selection
    selection = {k: v for k, v in {"site": chosen.site, "lang": chosen.lang}.items() if v}
    article = str(request.url_for("get_article", article_id="-")).removesuffix("-")
    story = str(request.url_for("get_cluster", cluster_id="-")).removesuffix("-")
    return PageLinks(
        home=str(home), css=str(request.url_for("static", path="style.css")),
        js=str(request.url_for("static", path="page.js")),
        atom=str(request.url_for("feed_atom", name=chosen.feed).include_query_params(**selection)),
        rss=str(request.url_for("feed_rss", name=chosen.feed).include_query_params(**selection)),
        json=str(request.url_for("feed_json", name=chosen.feed).include_query_params(**selection)),
        docs=str(request.url_for("swagger_ui_html")), status=str(request.url_for("status_page")),
        next=str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None,
        clear=str(home.include_query_params(feed=chosen.feed) if chosen.feed != "all" else home),
        article=lambda aid: article + aid, story=lambda cid: story + cid)


@router.get("/", response_class=HTMLResponse, name="front_page", summary="The reader page (HTML)",
            responses={404: {"description": "No such feed"}, 422: {"description": "A search it cannot read"}})
def front_page(request: Request, reader: Annotated[FeedReader, Depends(feed_reader)],
               ask: Annotated[ReaderAsk, Depends(reader_ask)]) -> HTMLResponse:
    chosen = ask.selection
    try:
        feed = reader.feed_def(chosen.feed)
        page = None if ask.problems else reader.page(chosen.feed, ask.query)
    except UnknownFeed:
        return HTMLResponse(f"<!doctype html><title>Unknown feed</title>"
                            f"<p>No feed named {escape(chosen.feed)}.</p>"
                            f'<p><a href="{request.url_for("front_page")}">All stories</a></p>', 404)
    links = _links(request, ask, page.next_cursor if page else None)
    feeds = [(f.name, f.title or f.name) for f in reader.feed_defs().values()]
    choices = Choices(feeds, reader.site_names(), search.languages(reader.store))
    summaries = reader.summaries([e["id"] for e in page.entries]) if page else {}
    html = render_page(page, feed.title or feed.name, summaries, filters_html(choices, chosen), chosen, links,
                       ask.problems)
    return HTMLResponse(html, 422 if ask.problems else 200)
