"""Celery configuration shared by the workers and the crawler's hand-off.

The crawler never imports `workers`: it builds a client app from this config
and sends tasks by name. JSON only, late acks, separate queues for crawling
and processing, and broker socket timeouts so a dead broker cannot hang a crawl.

The broker is the store's Redis unless NEWSSIEVE_BROKER_URL names another: a Redis, or a
RabbitMQ (`amqp://user:password@host:5672/vhost`). What differs between the two is in the
README ("Brokers"); here: the Redis transport's options (key prefix, visibility timeout) and,
for RabbitMQ, publisher confirms and crawls acknowledged when they start.
"""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from newssieve.redis_conn import redis_url
from newssieve.settings import Settings, get_settings

CRAWL_QUEUE = "crawl"
PROCESS_QUEUE = "process"
PROCESS_PAGE = "newssieve.process_page"
PROCESS_PAGES = "newssieve.process_pages"  # several pages in one message (for senders by task name)
PROCESS_PENDING = "newssieve.process_pending"  # pending pages by article id (store.pending.send_pages)
CRAWL_SITE = "newssieve.crawl_site"
RESEND_PENDING = "newssieve.resend_pending"


def broker_url(settings: Settings | None = None) -> str:
    """Celery's broker: NEWSSIEVE_BROKER_URL, else the store's Redis."""
    settings = settings or get_settings()
    return settings.broker_url or redis_url()


def broker_is_amqp(settings: Settings | None = None) -> bool:
    """Whether Celery's broker is a RabbitMQ (any AMQP URL)."""
    return broker_url(settings).split(":", 1)[0].lower() in ("amqp", "amqps", "pyamqp", "librabbitmq")


def task_queues() -> tuple[Queue, ...]:
    """Both queues declared up front (as Celery would declare them on first use: a direct exchange of
    the queue's name), so that a monitor (Flower) knows both before any worker has answered."""
    return tuple(Queue(name, Exchange(name, type="direct"), routing_key=name)
                 for name in (CRAWL_QUEUE, PROCESS_QUEUE))


def celery_config() -> dict:
    settings = get_settings()
    broker = broker_url(settings)
    timeout = settings.broker_timeout
    config = {
        "broker_url": broker,
        "result_backend": None,
        "task_ignore_result": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "event_serializer": "json",
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_routes": {CRAWL_SITE: {"queue": CRAWL_QUEUE}, PROCESS_PAGE: {"queue": PROCESS_QUEUE},
                        PROCESS_PAGES: {"queue": PROCESS_QUEUE}, PROCESS_PENDING: {"queue": PROCESS_QUEUE},
                        RESEND_PENDING: {"queue": PROCESS_QUEUE}},
        "task_default_queue": PROCESS_QUEUE,
        "task_queues": task_queues(),
        "broker_connection_retry_on_startup": True,
        # A command error from Redis (out of memory, a key of the wrong type where a queue should be)
        # restarts the consumer like a lost connection does, instead of ending the worker.
        "broker_channel_error_retry": True,
        "broker_transport_options": {
            "visibility_timeout": settings.visibility_timeout,
            # Look for messages past their visibility timeout every few seconds (kombu's default
            # looks every 100 s), so a dead worker's messages come back soon after the timeout.
            "unacked_restore_interval": max(1, min(10, settings.visibility_timeout // 10)),
            "unacked_restore_throttle": 1,
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            # Celery's own keys (queues, unacked sets) live under our prefix too.
            "global_keyprefix": settings.prefix,
        },
        "redis_socket_timeout": timeout,
        "redis_socket_connect_timeout": timeout,
        "worker_hijack_root_logger": False,
        # Task events (sent, received, started, succeeded, ...) for Flower; `newssieve crawl` sends the
        # same for the crawls it runs itself (newssieve.ops.task_events).
        "worker_send_task_events": True,
        "task_send_sent_event": True,
    }
    if broker_is_amqp(settings):
        config["broker_connection_timeout"] = timeout
        config["broker_transport_options"] = {
            # send_task returns once RabbitMQ has taken the message (written to disk: our queues are
            # durable, messages persistent), not when it is in the socket's buffer.
            "confirm_publish": True,
            "connect_timeout": timeout,
        }
        # RabbitMQ closes a consumer's channel when a delivery stays unacknowledged longer than its
        # consumer_timeout (30 min by default), which a long crawl (up to 90 % of crawl_lock_seconds)
        # would; its other deliveries would come back too. A crawl is acknowledged when it starts: one
        # lost with its worker is run again at the site's next scheduled time.
        config["task_annotations"] = {CRAWL_SITE: {"acks_late": False}}
    return config


def broker_is_redis() -> bool:
    """Whether Celery's broker is a Redis (the default: the store's own), whose keys live under our prefix."""
    broker = get_settings().broker_url
    return not broker or broker.startswith(("redis://", "rediss://", "unix://", "valkey://"))


def make_celery(name: str = "newssieve", include: list[str] | None = None) -> Celery:
    app = Celery(name, include=include or [])
    app.conf.update(celery_config())
    return app
