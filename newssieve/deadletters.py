"""Dead letters: pages that failed for good, kept with their error so an operator can requeue them."""

from __future__ import annotations

import json
import time
import uuid

import redis

from newssieve.keys import Keys
from newssieve.redis_conn import get_client


class DeadLetters:
    def __init__(self, client: redis.Redis | None = None, prefix: str | None = None):
        self.client = client or get_client()
        self.keys = Keys(prefix)

    @property
    def _order(self) -> str:
        return self.keys.dead + ":order"

    def add(self, task: str, args: list, error: str, task_id: str | None = None) -> str:
        letter_id = uuid.uuid4().hex[:12]
        record = {"id": letter_id, "task": task, "args": args, "error": error,
                  "task_id": task_id, "failed_at": time.time()}
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.dead, letter_id, json.dumps(record))
        pipe.zadd(self._order, {letter_id: record["failed_at"]})
        pipe.execute()
        return letter_id

    def count(self) -> int:
        return self.client.zcard(self._order)

    def list(self, limit: int = 100) -> list[dict]:
        ids = self.client.zrevrange(self._order, 0, limit - 1)
        raw = self.client.hmget(self.keys.dead, ids) if ids else []
        return [json.loads(item) for item in raw if item]

    def get(self, letter_id: str) -> dict | None:
        raw = self.client.hget(self.keys.dead, letter_id)
        return json.loads(raw) if raw else None

    def remove(self, letter_id: str) -> bool:
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys.dead, letter_id)
        pipe.zrem(self._order, letter_id)
        return bool(pipe.execute()[0])

    def purge(self) -> int:
        count = self.count()
        self.client.delete(self.keys.dead, self._order)
        return count
