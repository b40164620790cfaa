"""The crawl's hand-off process (crawler.handoff): batches of pages reach the process queue from a child
process of the crawl's own, and a child that dies fails the batch it held, not the ones after it."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import psutil
import pytest

from crawler.handoff import HandoffProcess
from newssieve.models import Page
from newssieve.store.keys import Keys
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_PENDING, PROCESS_QUEUE


def page(i: int) -> Page:
    url = f"https://news.example/story-{i}.html"
    return Page(url=url, canonical_url=url, site="example", html=f"<p>Story {i}</p>", fetched_at=time.time())


def handoff_children() -> list[psutil.Process]:
    """This process's spawned children (multiprocessing's resource tracker left out)."""
    return [child for child in psutil.Process().children()
            if "--multiprocessing-fork" in " ".join(child.cmdline())]


def queued_pages(client) -> int:
    """Pages on the process queue: one per process_page message, the ids of a process_pending one."""
    pages = 0
    for key in Keys().queue_lists(PROCESS_QUEUE):
        for raw in client.lrange(key, 0, -1):
            message = json.loads(raw)
            args = json.loads(base64.b64decode(message["body"]))[0]
            task = message["headers"]["task"]
            assert task in (PROCESS_PAGE, PROCESS_PENDING)
            pages += len(args[0]) if task == PROCESS_PENDING else 1
    return pages


def test_batches_go_from_a_child_process_and_a_dead_child_fails_only_its_batch(client):
    handoff = HandoffProcess()

    async def run() -> None:
        await handoff.send([page(i) for i in range(20)])
        (child,) = handoff_children()
        assert child.pid != os.getpid()
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
    assert client.hlen(Keys().pending) == 25 and queued_pages(client) == 25
