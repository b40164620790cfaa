"""How many messages wait in each newssieve queue, on whichever broker Celery uses.

Redis (the default: the store's own server, or another `redis://` broker URL): kombu's lists under
the key prefix (priority levels included) and its hash of unacknowledged messages, read directly.

RabbitMQ (`amqp://`, `pyamqp://`, `amqps://`): a passive `queue.declare` per queue over AMQP gives
the messages ready for delivery (and the consumers); AMQP does not tell how many are delivered and
not yet acknowledged, so `queue_depths` leaves "unacked" out. `held_by_workers` counts them from the
workers' own answers (a broadcast of about a second): `status` and the callers that wait for the
queue to drain use it. (No HTTP here: the API process fetches nothing; RabbitMQ's management API,
NEWSSIEVE_BROKER_API, is for Flower.)

`queue_depths()` is what `status`, `/status.json` and `/metrics` show; it never raises for the
broker: `queue_state()` also says why the numbers are missing.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from dataclasses import dataclass, field

import redis
from kombu import Connection

from newssieve.redis_conn import get_client
from newssieve.settings import Settings, get_settings
from newssieve.store.keys import Keys
from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE, broker_url

log = logging.getLogger(__name__)
QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)
AMQP_SCHEMES = ("amqp", "amqps", "pyamqp", "librabbitmq")
REDIS_SCHEMES = ("redis", "rediss", "unix", "valkey", "redis+socket")


def broker_kind(url: str | None = None) -> str:
    """"redis", "amqp" or the URL's scheme (another kombu transport) of the broker URL."""
    scheme = urllib.parse.urlsplit(url or broker_url()).scheme.lower()
    if scheme in REDIS_SCHEMES:
        return "redis"
    if scheme in AMQP_SCHEMES:
        return "amqp"
    return scheme


@dataclass
class QueueState:
    """{queue: {"waiting": n, "unacked": n}} ("unacked" left out where the broker does not tell it),
    and the problem that left numbers out, if any."""

    depths: dict[str, dict[str, int]] = field(default_factory=dict)
    problem: str | None = None


Depths = dict[str, dict[str, int]]


def queue_depths(settings: Settings | None = None, queues: tuple[str, ...] = QUEUES) -> Depths:
    """{queue: {"waiting": n[, "unacked": n]}} for every newssieve queue; {} when the broker cannot be read
    (`queue_state` says why)."""
    return queue_state(settings, queues).depths


def queue_state(settings: Settings | None = None, queues: tuple[str, ...] = QUEUES,
                client: redis.Redis | None = None) -> QueueState:
    settings = settings or get_settings()
    url = broker_url(settings)
    kind = broker_kind(url)
    if kind == "amqp":
        return amqp_state(url, settings, queues)
    if kind != "redis":
        return QueueState(problem=f"queue depths are not read from a {kind!r} broker")
    own = client is None and settings.broker_url is not None  # a Redis broker apart from the store
    broker = _redis_broker_client(settings) if own else (client or get_client())
    try:
        return QueueState(redis_depths(broker, settings.prefix, queues))
    except redis.RedisError as exc:
        if not own:
            raise  # the store's own Redis: its callers report it as Redis being down
        why = f"{type(exc).__name__}: {exc}"
        return QueueState(problem=f"cannot read the queues from the Redis broker: {why}")
    finally:
        if own:
            broker.close()


# -- Redis --------------------------------------------------------------------------------------------

def _redis_broker_client(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(settings.broker_url, decode_responses=True,
                                socket_timeout=settings.broker_timeout,
                                socket_connect_timeout=settings.broker_timeout)


def redis_waiting(client: redis.Redis, prefix: str, queue: str) -> int:
    """Messages waiting in a Celery Redis queue, priority sub-queues included.

    A list key of another type counts 0 (ops.redis_state reports it) instead of failing the caller."""
    pipe = client.pipeline(transaction=False)
    for name in Keys(prefix).queue_lists(queue):
        pipe.llen(name)
    return sum(n for n in pipe.execute(raise_on_error=False) if isinstance(n, int))


def redis_unacked_by_queue(client: redis.Redis, prefix: str,
                           queues: tuple[str, ...] = QUEUES) -> dict[str, int]:
    """Messages taken by a worker but not yet acknowledged, by queue.

    kombu keeps them in one hash (Keys.unacked): delivery tag -> JSON [message, exchange,
    routing_key]; our routing keys are the queue names. A malformed entry, or the key of the
    wrong type, is skipped and reported (store/data_errors.py).
    """
    from newssieve.store.data_errors import DataErrors

    counts = dict.fromkeys(queues, 0)
    key, errors = Keys(prefix).unacked, DataErrors(client, prefix)
    try:
        for tag, raw in client.hscan_iter(key, count=500):
            routing_key = _routing_key(raw)
            if routing_key is None:
                errors.report(f"{key} {tag}", "not a JSON [message, exchange, routing key]")
            else:
                counts[routing_key] = counts.get(routing_key, 0) + 1
    except redis.ResponseError as exc:
        errors.check(key, exc)
    return counts


def _routing_key(raw: str) -> str | None:
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    ok = isinstance(entry, list) and len(entry) > 2 and isinstance(entry[2], str)
    return entry[2] if ok else None


def redis_depths(client: redis.Redis, prefix: str, queues: tuple[str, ...] = QUEUES) -> Depths:
    unacked = redis_unacked_by_queue(client, prefix, queues)
    return {q: {"waiting": redis_waiting(client, prefix, q), "unacked": unacked.get(q, 0)} for q in queues}


# -- RabbitMQ -----------------------------------------------------------------------------------------

def amqp_ready(url: str, queues: tuple[str, ...] = QUEUES,
               timeout: float = 5.0) -> dict[str, tuple[int, int]]:
    """{queue: (messages ready, consumers)} by a passive queue.declare each (a queue not declared yet: 0, 0).

    Raises the connection's errors (kombu.exceptions.OperationalError, OSError) when the broker is away."""
    out = {}
    with Connection(url, connect_timeout=timeout, transport_options={"confirm_publish": False}) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        for queue in queues:
            channel = conn.channel()
            try:
                _, ready, consumers = channel.queue_declare(queue=queue, passive=True)
                out[queue] = (int(ready), int(consumers))
            except conn.channel_errors:  # 404 NOT_FOUND: no worker or sender declared it yet
                out[queue] = (0, 0)
            finally:
                try:
                    channel.close()
                except conn.channel_errors + conn.connection_errors:
                    pass  # a channel closed by the 404 is closed already
    return out


def amqp_state(url: str, settings: Settings, queues: tuple[str, ...] = QUEUES) -> QueueState:
    from kombu.exceptions import OperationalError

    try:
        ready = amqp_ready(url, queues, settings.broker_timeout)
    except (OperationalError, OSError) as exc:
        return QueueState(problem=f"cannot read the queues from RabbitMQ: {type(exc).__name__}: {exc}")
    return QueueState({q: {"waiting": ready[q][0]} for q in queues})


def held_by_workers(queues: tuple[str, ...] = QUEUES, timeout: float = 1.0) -> dict[str, int] | None:
    """{queue: messages the live workers hold (running or reserved)}, from an `inspect` broadcast that
    waits `timeout` seconds; None when the broker cannot be reached.

    With late acks these are the unacknowledged deliveries on RabbitMQ: a worker that dies loses its
    connection, and RabbitMQ puts what it held back in the queue at once."""
    from kombu.exceptions import OperationalError

    from newssieve.taskqueue import make_celery

    app = make_celery("newssieve-held")
    try:
        inspect = app.control.inspect(timeout=timeout)
        answers = [inspect.active() or {}, inspect.reserved() or {}]
    except (OperationalError, OSError):
        return None
    finally:
        app.close()
    counts = dict.fromkeys(queues, 0)
    for answer in answers:
        for tasks in answer.values():
            for task in tasks:
                queue = (task.get("delivery_info") or {}).get("routing_key")
                if queue in counts:
                    counts[queue] += 1
    return counts
