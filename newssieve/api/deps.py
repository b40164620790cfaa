"""Readers shared by the routers, built once in create_app and kept on app.state.

Dependencies that do no I/O are `async def`: FastAPI runs plain `def` ones in
its thread pool, a hop that costs more than the work.
"""

from __future__ import annotations

from fastapi import Request

from newssieve.feeds.query import FeedReader
from newssieve.feeds.stories import StoryReader


async def feed_reader(request: Request) -> FeedReader:
    return request.app.state.feed_reader


async def story_reader(request: Request) -> StoryReader:
    return request.app.state.story_reader
