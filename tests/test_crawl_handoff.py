"""The crawl's hand-off process (crawler.handoff): batches of pages reach the process queue from a child
process of the crawl's own, and a child that dies fails the batch it held, not the ones after it."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import psutil
import pytest

from crawler.handoff import HandoffProcess
from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.store.pending import PendingPages
from newssieve.taskqueue import PROCESS_PENDING
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture  # noqa: F401


def page(i: int) -> Page:
    url = f"https://news.example/story-{i}.html"
    return Page(url=url, canonical_url=url, site="example", html=f"<p>Story {i}</p>", fetched_at=time.time())


def handoff_children() -> list[psutil.Process]:
    """This process's spawned children (multiprocessing's resource tracker left out)."""
    return [child for child in psutil.Process().children()
            if "--multiprocessing-fork" in " ".join(child.cmdline())]


def queued_ids(crawl_env) -> list[str]:
    """The article ids of the pages on the process queue, one message at a time or several by id."""
    ids = []
    for message in crawl_env.queued():
        ids += message["page"] if message["task"] == PROCESS_PENDING else [article_id(message["page"]["url"])]
    return ids


def test_batches_go_from_a_child_process_and_a_dead_child_fails_only_its_batch(crawl_env):
    handoff = HandoffProcess()

    async def run() -> None:
        await handoff.send([page(i) for i in range(20)])
        (child,) = handoff_children()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        with pytest.raises(BrokenProcessPool):
            await handoff.send([page(99)])
        await handoff.send([page(i) for i in range(20, 25)])

    try:
        asyncio.run(run())
    finally:
        handoff.close()
    assert not handoff_children()  # closed: no child left behind
    sent = sorted(article_id(page(i).url) for i in range(25))
    assert sorted(queued_ids(crawl_env)) == sent  # each page once, the one of the dead child's batch not
    assert PendingPages().count() == 25
