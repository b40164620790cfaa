"""One picture of the pipeline: queues, workers, page counters, crawl runs, dead letters.

Read-only. Everything comes from Redis, except the workers: a `celery inspect active`
broadcast that waits at most `timeout` seconds for the replies, and the queues when the broker
is a RabbitMQ (ops.broker). `collect()` is what
`newssieve status`, the `/status` page and `/status.json` show; `/metrics` reads the
same functions (without the broadcast).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis
from croniter import croniter
from kombu.exceptions import OperationalError

from newssieve.ops.broker import QueueState, held_by_workers, redis_unacked_by_queue
from newssieve.ops.broker import queue_state as broker_queue_state
from newssieve.ops.redis_state import redis_problems, redis_state
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.sites import SitesFileError, current_sites
from newssieve.store.crawl_runs import is_running, last_runs
from newssieve.store.data_errors import DataErrors
from newssieve.store.deadletters import DeadLetters, subject
from newssieve.store.keys import Keys
from newssieve.store.stats import Count, Stage, Stats
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE, make_celery

QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)
WINDOWS = ("last_hour", "total")
# The page counts an operator follows through the pipeline (the snapshot's "pipeline"):
# name -> the stage counter it reads.
PAGE_COUNTS = {
    "received": (Stage.RECEIVED, Count.SEEN),
    "cleaned": (Stage.CLEAN, Count.KEPT),
    "duplicates_flagged": (Stage.DEDUP, Count.DUPLICATES),
    "stored": (Stage.STORE, Count.SEEN),
    "failed": (Stage.PROCESS, Count.FAILED),
}
# What each of them counts: pages processed, so a page fetched again (a re-crawl, `crawl --refetch`)
# counts again. The distinct articles, stories and copies stored are the snapshot's "totals".
PAGE_COUNT_NOTES = {
    "received": "pages taken off the process queue, each fetch counted (refetches too)",
    "cleaned": "pages that gave an article, each fetch counted",
    "duplicates_flagged": "duplicate verdicts, each fetch counted (a copy fetched twice counts twice)",
    "stored": "pages written to the store, each fetch counted (a refetched article counts again)",
    "failed": "pages that failed for good (see the dead letters)",
}
TOTAL_NOTES = {
    "articles": "distinct articles stored now (within the retention window)",
    "stories": "stories: what the feed lists, one entry each",
    "copies": "copies folded under a story: articles minus stories, as the feed shows them",
}


def unacked_by_queue(client: redis.Redis, prefix: str) -> dict[str, int]:
    """Messages taken by a worker but not yet acknowledged, by queue (Redis broker: see ops.broker)."""
    return redis_unacked_by_queue(client, prefix, QUEUES)


def queues(client: redis.Redis, prefix: str) -> dict[str, dict[str, int]]:
    """{queue: {"waiting": n, "unacked": n}} from the broker, Redis or RabbitMQ (ops.broker.queue_depths:
    "unacked" left out where the broker does not tell it; {} when RabbitMQ cannot be reached)."""
    return queue_state(prefix, client).depths


def queue_state(prefix: str, client: redis.Redis | None = None) -> QueueState:
    settings = get_settings()
    if prefix != settings.prefix:
        settings = settings.model_copy(update={"prefix": prefix})
    return broker_queue_state(settings, QUEUES, client if not settings.broker_url else None)


def add_held_by_workers(depths: dict[str, dict[str, int]], timeout: float) -> None:
    """RabbitMQ: "unacked" from what the workers say they hold (AMQP does not tell it)."""
    if all("unacked" in depth for depth in depths.values()):
        return
    held = held_by_workers(tuple(depths), timeout)
    if held is not None:
        for queue, depth in depths.items():
            depth["unacked"] = held.get(queue, 0)


def problem_with_workers(problems: list[str]) -> bool:
    return any(p.startswith("cannot ask the workers") for p in problems)


def workers(timeout: float = 1.0) -> tuple[dict[str, list[dict]], str | None]:
    """({worker: [running task]}, problem): the workers that answered within `timeout` seconds."""
    app = make_celery("newssieve-status")
    try:
        active = app.control.inspect(timeout=timeout).active() or {}
    except (OperationalError, redis.RedisError, OSError) as exc:
        return {}, f"cannot ask the workers: {type(exc).__name__}: {exc}"
    finally:
        app.close()
    return {name: [_task(t) for t in tasks] for name, tasks in sorted(active.items())}, None


def _task(info: dict) -> dict:
    args = json.dumps(info.get("args"), ensure_ascii=False, default=str)
    return {"task": info.get("name"), "id": info.get("id"), "started": _iso(info.get("time_start")),
            "args": args if len(args) <= 120 else args[:117] + "..."}


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None


def page_counts(stages: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """The PAGE_COUNTS, last hour and total, from the stage counters (whole numbers as int)."""
    return {name: {window: stages.get(stage, {}).get(window, {}).get(counter, 0)
                   for window in WINDOWS}
            for name, (stage, counter) in PAGE_COUNTS.items()}


def stage_counters(client: redis.Redis, prefix: str) -> dict[str, dict[str, dict[str, float]]]:
    stats = Stats(client, prefix)
    return {stage: {"last_hour": stats.last_hour(stage), "total": stats.totals(stage)}
            for stage in stats.stages()}


def sites(client: redis.Redis, keys: Keys) -> tuple[dict[str, dict], str | None]:
    """({site: last run, next run, running}, problem with the sites file)."""
    try:
        configured = current_sites()
    except (SitesFileError, OSError) as exc:
        return {}, f"sites file: {exc}"
    now = datetime.now(UTC)
    out = {}
    for site in configured.sites.values():
        out[site.name] = {
            "enabled": site.enabled,
            "schedule": site.schedule,
            "next_run": croniter(site.schedule, now).get_next(datetime).isoformat() if site.enabled else None,
            "running": is_running(site.name, client),
            "last_run": (last_runs(site.name, 1) or [None])[0],
        }
    return out, None


def totals(client: redis.Redis, keys: Keys) -> dict[str, int]:
    """Distinct articles, stories (the "all" feed has one article per story) and copies stored now."""
    with client.pipeline(transaction=False) as pipe:
        pipe.zcard(keys.articles)
        pipe.zcard(keys.feed("all"))
        articles, stories = pipe.execute()
    return {"articles": articles, "stories": stories, "copies": max(0, articles - stories)}


def dead_letters(client: redis.Redis, prefix: str, latest: int = 5) -> dict:
    letters = DeadLetters(client, prefix)
    return {"count": letters.count(),
            "latest": [{"id": d["id"], "failed_at": _iso(d["failed_at"]), "task": d["task"],
                        "subject": subject(d), "error": d["error"][:200]} for d in letters.list(latest)]}


def collect(include_workers: bool = True, timeout: float = 1.0) -> dict:
    client = get_client()
    keys = Keys()
    problems = []
    stages = stage_counters(client, keys.prefix)  # first: Redis down fails here, before the broadcast waits
    running, problem = workers(timeout) if include_workers else ({}, None)
    problems += [problem] if problem else []
    site_info, problem = sites(client, keys)
    problems += [problem] if problem else []
    redis_now = redis_state(client, keys.prefix)
    problems += redis_problems(redis_now)
    queue_now = queue_state(keys.prefix, client)
    problems += [queue_now.problem] if queue_now.problem else []
    if include_workers and queue_now.depths and not problem_with_workers(problems):
        add_held_by_workers(queue_now.depths, timeout)
    snapshot = {
        "at": _iso(time.time()),
        "redis": redis_now,
        "queues": queue_now.depths,
        "workers": running,
        "pipeline": page_counts(stages),
        "totals": totals(client, keys),
        "stages": stages,
        "sites": site_info,
        "dead_letters": dead_letters(client, keys.prefix),
        "problems": problems,
    }
    snapshot["data_errors"] = data_errors(client, keys.prefix)  # last: the reads above report to it
    problems += data_error_problems(snapshot["data_errors"])
    return snapshot


def data_errors(client: redis.Redis, prefix: str) -> dict:
    """Malformed records the readers skipped: {"count", "latest": [{"key", "why", "at"}]}."""
    return DataErrors(client, prefix).summary()


def data_error_problems(summary: dict, within: float = 3600.0) -> list[str]:
    """A problem line when a malformed record was skipped within the last hour."""
    recent = [item for item in summary["latest"] if item["at"] >= time.time() - within]
    if not recent:
        return []
    return [f"{len(recent)} malformed record(s) skipped in the last hour ({summary['count']} in all); "
            f"latest: {recent[0]['key']}: {recent[0]['why']}"]
