"""One picture of the pipeline: queues, workers, stage counters, crawl runs, dead letters.

Read-only: everything comes from Redis and a short `celery inspect`.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis
from croniter import croniter

from newssieve.deadletters import DeadLetters
from newssieve.keys import Keys
from newssieve.pipeline_wait import queue_depth
from newssieve.redis_conn import get_client
from newssieve.sites import SitesFileError, current_sites
from newssieve.stats import Stats
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE, make_celery

QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)


def unacked_by_queue(client: redis.Redis, prefix: str) -> dict[str, int]:
    """Messages taken by a worker but not acknowledged, by queue (kombu's unacked hash holds
    JSON [message, exchange, routing_key] per delivery tag)."""
    counts = dict.fromkeys(QUEUES, 0)
    for _, raw in client.hscan_iter(f"{prefix}unacked", count=500):
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        counts[routing_key] = counts.get(routing_key, 0) + 1
    return counts


def queues(client: redis.Redis, prefix: str) -> dict[str, dict[str, int]]:
    unacked = unacked_by_queue(client, prefix)
    return {q: {"waiting": queue_depth(client, prefix, q), "unacked": unacked.get(q, 0)} for q in QUEUES}


def workers(timeout: float = 1.0) -> dict[str, dict]:
    """Workers online and what they are running (empty when none answer within the timeout)."""
    inspector = make_celery("newssieve-status").control.inspect(timeout=timeout)
    try:
        active = inspector.active() or {}
    except Exception as exc:  # the broker itself is unreachable: say so, don't crash the status
        return {"error": {"running": [], "reason": f"{type(exc).__name__}: {exc}"}}
    return {name: {"running": [{"task": t.get("name"), "id": t.get("id"), "args": _short(t.get("args"))}
                               for t in tasks]}
            for name, tasks in active.items()}


def _short(args) -> str:
    text = json.dumps(args, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None


def sites(client: redis.Redis, keys: Keys) -> dict[str, dict]:
    """Per site: the last crawl run and the next scheduled one."""
    try:
        configured = current_sites()
    except (SitesFileError, OSError) as exc:
        return {"error": {"reason": str(exc)}}
    out = {}
    now = time.time()
    for site in configured.sites.values():
        raw = client.lindex(keys.crawl_runs(site.name), 0)
        out[site.name] = {
            "enabled": site.enabled,
            "schedule": site.schedule,
            "next_run": _iso(croniter(site.schedule, now).get_next(float)) if site.enabled else None,
            "running": bool(client.exists(keys.crawl_lock(site.name))),
            "last_run": json.loads(raw) if raw else None,
        }
    return out


def collect(include_workers: bool = True) -> dict:
    client = get_client()
    keys = Keys()
    stats = Stats(client, keys.prefix)
    return {
        "at": _iso(time.time()),
        "queues": queues(client, keys.prefix),
        "workers": workers() if include_workers else {},
        "stages": {stage: {"last_hour": stats.last_hour(stage), "total": stats.totals(stage)}
                   for stage in stats.stages()},
        "sites": sites(client, keys),
        "dead_letters": DeadLetters(client, keys.prefix).count(),
    }
