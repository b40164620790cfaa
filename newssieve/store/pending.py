"""Pages handed to the process queue and not yet stored: the safety net under the broker.

Celery's Redis transport takes a message (BRPOP) and records it as unacknowledged
with a second command; a worker killed, or Redis lost, between the two loses the
message for good (kombu #305). So every page is sent with `send_page`, which also
files it here; the worker forgets it once the article is stored; and
`resend_overdue` (on beat's schedule and at every worker's start) sends again what
stayed longer than the visibility timeout. A page processed twice is harmless:
processing is idempotent.

Many pages at once (`send_pages`: an ingest, a crawl's backlog) are filed in one round trip and
go several to a message (BATCH_PAGES each), which spares the broker and the worker their cost per
message; the guarantees are the same, page by page (a batch is acknowledged once all its pages are
stored; a lost batch's pages are resent one by one). Such a message (newssieve.process_pending)
holds the pages' article ids, not the pages: they are filed here already, and the worker reads them
in one round trip. A page's HTML then crosses the broker, the worker's consumer process (base64,
JSON, kombu's copy of the message in its unacked hash) and the pipe to its pool process not at all:
on the benchmark's large pages that was most of what a worker spent beyond cleaning
(bench/pipeline.py). A page stored meanwhile has left this hash, and its id is passed over.
"""

from __future__ import annotations

import json
import time

from celery import Celery

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.redis_conn import queue_script, register_script
from newssieve.store.keys import KeyOwner
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_PENDING, PROCESS_QUEUE

SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}
BATCH_PAGES = 8
"""Pages per message when many are sent at once. bench/pipeline.py, crosslingual pages, one pool process:
10.2 / 6.3 / 5.1 / 4.9 CPU ms and 9.1 / 2.4 / 1.2 / 0.6 Redis round trips a page with 1 / 4 / 8 / 16
pages a message (the limit: 4.5 ms)."""
DEEP = 2 * BATCH_PAGES
"""Sent together, at least this many pages go in batches; fewer go one to a message, so that every
idle pool process gets one."""


# done_on() for a page read from the pending pages: it leaves them only if nobody filed it again since
# (same filing time), so that a newer copy, whose message holds only its id, is not lost.
LEAVE_IF_FILED_AT = """
local at = redis.call('ZSCORE', KEYS[2], ARGV[1])
if at and tonumber(at) == tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0
"""


class PendingPages(KeyOwner):
    def __init__(self, client=None, prefix: str | None = None):
        super().__init__(client, prefix)
        self._leave_if_filed_at = register_script(self.client, LEAVE_IF_FILED_AT)

    def load_script(self) -> None:
        """After NOSCRIPT (a restarted Redis node)."""
        self._leave_if_filed_at.sha = self.client.script_load(LEAVE_IF_FILED_AT)

    def add(self, page: Page) -> str:
        aid = article_id(page.canonical_url)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.pending, aid, json.dumps(page.to_dict(), ensure_ascii=False))
        pipe.zadd(self.keys.pending_since, {aid: time.time()})
        pipe.execute()
        return aid

    def add_all(self, pages: list[Page]) -> list[str]:
        """add() every page, in one round trip."""
        ids = [article_id(page.canonical_url) for page in pages]
        if not pages:
            return ids
        now = time.time()
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.pending, mapping={aid: json.dumps(page.to_dict(), ensure_ascii=False)
                                              for aid, page in zip(ids, pages, strict=True)})
        pipe.zadd(self.keys.pending_since, dict.fromkeys(ids, now))
        pipe.execute()
        return ids

    def get_many(self, ids: list[str]) -> list[tuple[str, float] | None]:
        """(page JSON, when it was filed) of these article ids, None where a page is no longer pending;
        one round trip."""
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=True)
        pipe.hmget(self.keys.pending, ids)
        pipe.zmscore(self.keys.pending_since, ids)
        pages, filed = pipe.execute()
        return [None if raw is None or at is None else (raw, at)
                for raw, at in zip(pages, filed, strict=True)]

    def done(self, aid: str) -> None:
        # Not a transaction: Redis refuses every MULTI when out of memory, but these deletes free some.
        pipe = self.client.pipeline(transaction=False)
        self.done_on(pipe, aid)
        pipe.execute()

    def done_on(self, pipe, aid: str, filed_at: float | None = None) -> None:
        """done(), as commands on the caller's pipeline (the worker's store-and-index round trip); with
        `filed_at` (a page read by get_many), only if the page was not filed again since."""
        if filed_at is not None:
            keys = [self.keys.pending, self.keys.pending_since]
            queue_script(pipe, self._leave_if_filed_at, keys, [aid, repr(filed_at)])
            return
        pipe.hdel(self.keys.pending, aid)
        pipe.zrem(self.keys.pending_since, aid)

    def count(self) -> int:
        return self.client.zcard(self.keys.pending_since)

    def resend_overdue(self, app: Celery, older_than: float) -> int:
        """Send again every page pending for longer than `older_than` seconds; returns how many."""
        cutoff = time.time() - older_than
        sent = 0
        for aid in self.client.zrangebyscore(self.keys.pending_since, "-inf", cutoff):
            raw = self.client.hget(self.keys.pending, aid)
            if raw is None:  # stored meanwhile
                self.client.zrem(self.keys.pending_since, aid)
                continue
            app.send_task(PROCESS_PAGE, args=[json.loads(raw)], queue=PROCESS_QUEUE)
            self.client.zadd(self.keys.pending_since, {aid: time.time()}, xx=True)
            sent += 1
        return sent


def send_page(app: Celery, page: Page, pending: PendingPages) -> None:
    """File the page as pending, then put it on the process queue (bounded retries on the broker)."""
    pending.add(page)
    app.send_task(PROCESS_PAGE, args=[page.to_dict()], queue=PROCESS_QUEUE, retry=True,
                  retry_policy=SEND_RETRY_POLICY)


def send_pages(app: Celery, pages: list[Page], pending: PendingPages, batch: int = BATCH_PAGES) -> None:
    """File the pages as pending in one round trip, then queue them: `batch` pages to a message when
    there are at least DEEP of them, else one message each (as send_page)."""
    if not pages:
        return
    ids = pending.add_all(pages)
    size = batch if len(pages) >= DEEP and batch > 1 else 1
    with app.producer_or_acquire() as producer:
        for start in range(0, len(pages), size):
            name, args = (PROCESS_PAGE, [pages[start].to_dict()]) if size == 1 or start == len(pages) - 1 \
                else (PROCESS_PENDING, [ids[start:start + size]])
            app.send_task(name, args=args, queue=PROCESS_QUEUE, retry=True, retry_policy=SEND_RETRY_POLICY,
                          producer=producer)
