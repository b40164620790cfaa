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

import redis
from celery import Celery

from newssieve.store.data_errors import DataErrors
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
        return self._read(self.keys.dead_order, self.client.zcard, 0)

    def list(self, limit: int = 100) -> list[dict]:
        """The newest `limit` letters, newest first (none from a key of the wrong type: reported)."""
        ids = self._read(self.keys.dead_order, lambda key: self.client.zrevrange(key, 0, limit - 1), [])
        raw = self._read(self.keys.dead, lambda key: self.client.hmget(key, ids), []) if ids else []
        letters = [_decoded(letter_id, item) for letter_id, item in zip(ids, raw, strict=False) if item]
        for letter in letters:
            if letter.get("unreadable"):
                DataErrors(self.client, self.keys.prefix).report(f"{self.keys.dead} {letter['id']}",
                                                                 "not a dead letter")
        return letters

    def _read(self, key: str, command, default):
        """command(key), or `default` when the key is of the wrong type (reported)."""
        try:
            return command(key)
        except redis.ResponseError as exc:
            DataErrors(self.client, self.keys.prefix).check(key, exc)
            return default

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
    if not isinstance(record, dict) or not _letter_shaped(record):
        return {"id": letter_id, "task": "?", "args": [], "error": "unreadable dead letter",
                "task_id": None, "failed_at": 0.0, "unreadable": True}
    return record


def _letter_shaped(record: dict) -> bool:
    """The fields every reader of a letter uses have the types they expect."""
    return (isinstance(record.get("task"), str) and isinstance(record.get("args"), list)
            and isinstance(record.get("error"), str) and isinstance(record.get("id"), str)
            and isinstance(record.get("failed_at"), int | float)
            and 0 <= record["failed_at"] < 253_402_300_800)  # a time a date can show
