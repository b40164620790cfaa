"""Pages handed to the process queue and not yet stored: the safety net under the broker.

Celery's Redis transport takes a message (BRPOP) and records it as unacknowledged
with a second command; a worker killed, or Redis lost, between the two loses the
message for good (kombu #305). So every page is sent with `send_page`, which also
files it here; the pipeline forgets it once the article is stored; and
`resend_overdue` (on beat's schedule and at every worker's start) sends again what
stayed longer than the visibility timeout. A page processed twice is harmless:
processing is idempotent.
"""

from __future__ import annotations

import json
import time

import redis
from celery import Celery

from newssieve.ids import article_id
from newssieve.keys import Keys
from newssieve.models import Page
from newssieve.redis_conn import get_client
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_QUEUE

SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}


class PendingPages:
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix)

    @property
    def _pages(self) -> str:
        return self.keys.index("pending")

    @property
    def _since(self) -> str:
        return self.keys.index("pending:since")

    def add(self, page: Page) -> str:
        aid = article_id(page.canonical_url)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self._pages, aid, json.dumps(page.to_dict(), ensure_ascii=False))
        pipe.zadd(self._since, {aid: time.time()})
        pipe.execute()
        return aid

    def done(self, aid: str) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self._pages, aid)
        pipe.zrem(self._since, aid)
        pipe.execute()

    def count(self) -> int:
        return self.client.zcard(self._since)

    def resend_overdue(self, app: Celery, older_than: float) -> int:
        """Send again every page pending for longer than `older_than` seconds; returns how many."""
        cutoff = time.time() - older_than
        sent = 0
        for aid in self.client.zrangebyscore(self._since, "-inf", cutoff):
            raw = self.client.hget(self._pages, aid)
            if raw is None:  # stored meanwhile
                self.client.zrem(self._since, aid)
                continue
            app.send_task(PROCESS_PAGE, args=[json.loads(raw)], queue=PROCESS_QUEUE)
            self.client.zadd(self._since, {aid: time.time()}, xx=True)
            sent += 1
        return sent


def send_page(app: Celery, page: Page, pending: PendingPages) -> None:
    """File the page as pending, then put it on the process queue (bounded retries on the broker)."""
    pending.add(page)
    app.send_task(PROCESS_PAGE, args=[page.to_dict()], queue=PROCESS_QUEUE, retry=True,
                  retry_policy=SEND_RETRY_POLICY)
