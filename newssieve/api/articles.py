"""An article with its text and cluster; a cluster with every copy and its similarity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from newssieve.api.deps import story_reader
from newssieve.api.schemas import ArticleOut, ClusterOut
from newssieve.feeds.stories import StoryReader

router = APIRouter(tags=["articles"])
Reader = Annotated[StoryReader, Depends(story_reader)]
Id = Annotated[str, Path(pattern=r"^[0-9A-Za-z_-]{1,200}$")]


@router.get("/articles/{article_id}", response_model=ArticleOut,
            responses={404: {"description": "No such article"}},
            summary="An article: its text, metadata and cluster")
def get_article(article_id: Id, reader: Reader) -> dict:
    return _found(reader.article(article_id), "article", article_id)


@router.get("/clusters/{cluster_id}", response_model=ClusterOut,
            responses={404: {"description": "No such cluster"}},
            summary="A story's cluster: every copy with its similarity to the canonical")
def get_cluster(cluster_id: Id, reader: Reader) -> dict:
    return _found(reader.cluster(cluster_id), "cluster", cluster_id)


def _found(record: dict | None, kind: str, record_id: str) -> dict:
    """The record read, or a 404 that names what was asked for."""
    if record is None:
        raise HTTPException(404, f"no {kind} {record_id!r}")
    return record
