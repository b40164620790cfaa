"""Readers shared by the routers, built once in create_app and kept on app.state."""

from __future__ import annotations

from fastapi import Request

from newssieve.feeds import FeedReader
from newssieve.stories import StoryReader


def feed_reader(request: Request) -> FeedReader:
    return request.app.state.feed_reader


def story_reader(request: Request) -> StoryReader:
    return request.app.state.story_reader
