"""Dead letters: tasks that failed for good, kept with arguments and error so an operator can requeue them.

A letter is a JSON record in one hash (`{prefix}dead`), ordered by failure time in a zset
(`{prefix}dead:order`). Requeueing takes the letter out first, so two operators requeueing the
same letter send it once; if sending fails the letter is put back.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from celery import Celery

from newssieve.store.keys import KeyOwner

log = logging.getLogger(__name__)


def subject(letter: dict) -> str:
    """What the letter is about: the page URL of a process task, the site of a crawl task."""
    args = letter.get("args") or []
    first = args[0] if args else ""
    return str(first.get("url", "?")) if isinstance(first, dict) else str(first)


class DeadLetters(KeyOwner):
    def add(self, task: str, args: list, error: str, task_id: str | None = None) -> str:
        record = {"id": uuid.uuid4().hex[:12], "task": task, "args": args, "error": error,
                  "task_id": task_id, "failed_at": time.time()}
        self._put(record)
        return record["id"]

    def _put(self, record: dict) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.dead, record["id"], json.dumps(record))
        pipe.zadd(self.keys.dead_order, {record["id"]: record["failed_at"]})
        pipe.execute()

    def count(self) -> int:
        return self.client.zcard(self.keys.dead_order)

    def list(self, limit: int = 100) -> list[dict]:
        """The newest `limit` letters, newest first."""
        ids = self.client.zrevrange(self.keys.dead_order, 0, limit - 1)
        raw = self.client.hmget(self.keys.dead, ids) if ids else []
        return [_decoded(letter_id, item) for letter_id, item in zip(ids, raw, strict=True) if item]

    def ids(self) -> list[str]:
        """Every letter id, oldest first (a snapshot: letters added later are not in it)."""
        return self.client.zrange(self.keys.dead_order, 0, -1)

    def get(self, letter_id: str) -> dict | None:
        raw = self.client.hget(self.keys.dead, letter_id)
        return _decoded(letter_id, raw) if raw else None

    def remove(self, letter_id: str) -> bool:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys.dead, letter_id)
        pipe.zrem(self.keys.dead_order, letter_id)
        return bool(pipe.execute()[0])

    def purge(self) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.zcard(self.keys.dead_order)
        pipe.delete(self.keys.dead, self.keys.dead_order)
        return pipe.execute()[0]

    def requeue(self, letter_id: str, app: Celery) -> str | None:
        """Send the letter's task again, same arguments; returns the new task id, None if no such letter."""
        letter = self.get(letter_id)
        if letter is None or letter.get("unreadable") or not self.remove(letter_id):
            return None
        try:
            result = app.send_task(letter["task"], args=letter["args"])
        except Exception:
            self._put(letter)
            raise
        log.info("requeued dead letter %s (%s %s) as task %s", letter_id, letter["task"], subject(letter),
                 result.id)
        return result.id


def _decoded(letter_id: str, raw: str) -> dict:
    """A stored letter; one that is not a JSON letter (damaged, or written by something else) is shown
    as such instead of breaking every listing."""
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "task" not in record:
        return {"id": letter_id, "task": "?", "args": [], "error": "unreadable dead letter",
                "task_id": None, "failed_at": 0.0, "unreadable": True}
    return record
