"""Pages handed to the process queue and not yet stored: the safety net under the broker.

Celery's Redis transport takes a message (BRPOP) and records it as unacknowledged
with a second command; a worker killed, or Redis lost, between the two loses the
message for good (kombu #305). So every page is sent with `send_page`, which also
files it here; the worker forgets it once the article is stored; and
`resend_overdue` (on beat's schedule and at every worker's start) sends again what
stayed longer than the visibility timeout. A page processed twice is harmless:
processing is idempotent.
"""

from __future__ import annotations

import json
import time

from celery import Celery

from newssieve.ids import article_id
from newssieve.models import Page
from newssieve.store.keys import KeyOwner
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_QUEUE

SEND_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}


class PendingPages(KeyOwner):
    def add(self, page: Page) -> str:
        aid = article_id(page.canonical_url)
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.pending, aid, json.dumps(page.to_dict(), ensure_ascii=False))
        pipe.zadd(self.keys.pending_since, {aid: time.time()})
        pipe.execute()
        return aid

    def done(self, aid: str) -> None:
        # Not a transaction: Redis refuses every MULTI when out of memory, but these deletes free some.
        pipe = self.client.pipeline(transaction=False)
        pipe.hdel(self.keys.pending, aid)
        pipe.zrem(self.keys.pending_since, aid)
        pipe.execute()

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
