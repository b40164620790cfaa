"""Is Redis fit to take work: its memory against maxmemory, and the broker's keys of the right type.

What `status`, `/health` and `/metrics` show about Redis itself (read-only: INFO, TYPE, one hash).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import redis

from newssieve.store.broker_keys import wrong_types
from newssieve.store.keys import Keys
from newssieve.store.memory import RedisMemory
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE, broker_is_redis


def redis_state(client: redis.Redis, prefix: str) -> dict:
    """{"memory": {used, limit, policy, oom_refusals, full}, "last_oom": {since, last_at, episodes},
    "wrong_type_keys": [{key, found, expected, role}]}."""
    memory = RedisMemory(client, prefix)
    wrong = wrong_types(client, Keys(prefix), (CRAWL_QUEUE, PROCESS_QUEUE)) if broker_is_redis() else []
    return {"memory": memory.state().to_dict(), "last_oom": memory.last_oom(),
            "wrong_type_keys": [vars(item) | {"problem": item.describe()} for item in wrong]}


def redis_problems(state: dict, within: float = 3600.0) -> list[str]:
    """Problem lines for an operator: out of memory now or within the last hour, an evicting policy,
    broker keys of the wrong type."""
    memory, problems = state["memory"], []
    if memory["full"] and memory["policy"] == "noeviction":
        used, limit = _mb(memory["used"]), _mb(memory["limit"])
        problems.append(f"Redis is out of memory: {used} used of maxmemory {limit}; "
                        "writes are refused, workers wait and the pages stay pending until memory is freed "
                        "(raise maxmemory, or expire old articles)")
    elif memory["limit"] and memory["policy"] != "noeviction":
        problems.append(f"Redis maxmemory-policy is {memory['policy']}: at maxmemory it deletes keys, queued "
                        "messages and pending pages included; use noeviction")
    last = state["last_oom"].get("last_at", 0.0)
    if not memory["full"] and last >= time.time() - within:
        at = datetime.fromtimestamp(last, UTC).isoformat(timespec="seconds")
        problems.append(f"workers met Redis's maxmemory until {at}; overdue pages are sent again")
    problems += [item["problem"] for item in state["wrong_type_keys"]]
    return problems


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
