"""An article with its text and cluster; a cluster with every copy and its similarity.

Both answer JSON by default and HTML to a browser (api/negotiate.py), at the same URL: the article
page (its text, a link to its story) and the story page (the original and what each copy changed,
api/story_render.py). A URL from the reader page is thus one a script can read too.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse

from newssieve.api.deps import story_reader
from newssieve.api.negotiate import VARY, wants_html
from newssieve.api.schemas import ArticleOut, ClusterOut
from newssieve.api.story_render import RecordLinks, article_page, not_found, story_page
from newssieve.feeds.stories import StoryReader

router = APIRouter(tags=["articles"])
Reader = Annotated[StoryReader, Depends(story_reader)]
Id = Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,200}$")]
HTML_TOO = {"text/html": {"schema": {"type": "string"}}}


def _links(request: Request) -> RecordLinks:
    return RecordLinks(
        home=str(request.url_for("front_page")), css=str(request.url_for("static", path="style.css")),
        json=str(request.url.replace(query=None)), docs=str(request.url_for("swagger_ui_html")),
        status=str(request.url_for("status_page")),
        article=str(request.url_for("get_article", article_id="-")).removesuffix("-"),
        story=str(request.url_for("get_cluster", cluster_id="-")).removesuffix("-"))


@router.get("/articles/{article_id}", response_model=ArticleOut,
            responses={200: {"content": HTML_TOO}, 404: {"description": "No such article"}},
            summary="An article: its text, metadata and cluster (HTML for a browser: the article page)")
def get_article(article_id: Id, reader: Reader, request: Request, response: Response) -> dict | HTMLResponse:
    article = reader.article(article_id)
    if wants_html(request):
        if article is None:
            return HTMLResponse(not_found("article", article_id, _links(request)), 404, headers=VARY)
        return HTMLResponse(article_page(article, _links(request)), headers=VARY)
    response.headers.update(VARY)
    return _found(article, "article", article_id)


@router.get("/clusters/{cluster_id}", response_model=ClusterOut,
            responses={200: {"content": HTML_TOO}, 404: {"description": "No such cluster"}},
            summary="A story's cluster: every copy with its similarity to the canonical "
                    "(HTML for a browser: the story page, what each copy changed)")
def get_cluster(cluster_id: Id, reader: Reader, request: Request, response: Response) -> dict | HTMLResponse:
    cluster = reader.cluster(cluster_id)
    if wants_html(request):
        if cluster is None:
            return HTMLResponse(not_found("story", cluster_id, _links(request)), 404, headers=VARY)
        ids = [m["id"] for m in cluster["members"]]
        texts = {row["id"]: row["paragraphs"] or (row["text"] or "").split("\n")
                 for row in reader.store.articles(ids, ("id", "paragraphs", "text"))}
        cluster["members"] = [m for m in cluster["members"] if m["id"] in texts]
        return HTMLResponse(story_page(cluster, texts, _links(request)), headers=VARY)
    response.headers.update(VARY)
    return _found(cluster, "cluster", cluster_id)


def _found(record: dict | None, kind: str, record_id: str) -> dict:
    """The record read, or a 404 that names what was asked for."""
    if record is None:
        raise HTTPException(404, f"no {kind} {record_id!r}")
    return record
