"""Feed routes: the list of feeds, a feed as JSON, and the same feed as Atom or RSS.

The Atom and RSS documents name themselves (id, self and page links) under the configured base URL
(NEWSSIEVE_BASE_URL), never under the request's Host header, which any client chooses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import TypeAdapter
from starlette.datastructures import URL

from newssieve.api.deps import feed_reader
from newssieve.api.params import feed_query
from newssieve.api.schemas import FeedList, FeedPageOut
from newssieve.feeds.formats import Syndication, atom, rss
from newssieve.feeds.query import FeedPage, FeedQuery, FeedReader, UnknownFeed

router = APIRouter(tags=["feeds"])
Reader = Annotated[FeedReader, Depends(feed_reader)]
PageQuery = Annotated[FeedQuery, Depends(feed_query)]
NOT_FOUND = {404: {"description": "No such feed"}}
PAGE_OUT = TypeAdapter(FeedPageOut)


def unknown_feed(reader: FeedReader, name: str) -> HTTPException:
    known = ", ".join(sorted(reader.feed_defs()))
    return HTTPException(404, f"unknown feed {name!r} (known: {known})")


def read_page(reader: FeedReader, name: str, query: FeedQuery) -> FeedPage:
    try:
        return reader.page(name, query)
    except UnknownFeed:
        raise unknown_feed(reader, name) from None


@router.get("/feeds", response_model=FeedList, summary="The feeds, with their number of stories")
def list_feeds(reader: Reader) -> dict:
    return {"feeds": reader.feeds()}


def _syndication(request: Request, reader: FeedReader, name: str, query: FeedQuery) -> Syndication:
    page = read_page(reader, name, replace(query, copies=True))
    base = request.app.state.base_url
    page_url = str(URL(base + request.app.url_path_for("front_page")).include_query_params(feed=name))
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Syndication(title=page.feed.title or name, self_url=self_url, page_url=page_url,
                       entries=page.entries, summaries=reader.summaries([e["id"] for e in page.entries]))


@router.get("/feeds/{name}.atom", response_class=Response, summary="A feed as Atom 1.0",
            responses={200: {"content": {"application/atom+xml": {}}}, **NOT_FOUND})
def feed_atom(request: Request, name: str, reader: Reader, query: PageQuery) -> Response:
    return Response(atom(_syndication(request, reader, name, query)), media_type="application/atom+xml")


@router.get("/feeds/{name}.rss", response_class=Response, summary="A feed as RSS 2.0",
            responses={200: {"content": {"application/rss+xml": {}}}, **NOT_FOUND})
def feed_rss(request: Request, name: str, reader: Reader, query: PageQuery) -> Response:
    return Response(rss(_syndication(request, reader, name, query)), media_type="application/rss+xml")


def page_json(page: FeedPage) -> bytes:
    """A feed page as JSON: the bytes FastAPI writes for a `FeedPageOut` (validated, then dumped)."""
    return PAGE_OUT.dump_json(PAGE_OUT.validate_python(
        {"feed": page.feed.name, "title": page.feed.title or page.feed.name, "entries": page.entries,
         "next_cursor": page.next_cursor}, from_attributes=True), by_alias=True)


@router.get("/feeds/{name}", response_model=FeedPageOut, responses=NOT_FOUND,
            summary="A feed, newest first, one entry per story")
async def feed_json(name: str, reader: Reader, query: PageQuery) -> Response:
    # Rendered here, not by FastAPI, so that an unchanged page is answered from memory, and awaited on
    # the event loop, so that it costs no thread (FeedReader.rendered_async)
    try:
        body = await reader.rendered_async(name, query, page_json)
    except UnknownFeed:
        raise unknown_feed(reader, name) from None
    return Response(body, media_type="application/json")
