"""Celery configuration shared by the workers and the crawler's hand-off.

The crawler never imports `workers`: it builds a client app from this config
and sends tasks by name. JSON only, late acks, separate queues for crawling
and processing, and broker socket timeouts so a dead broker cannot hang a crawl.
"""

from __future__ import annotations

from celery import Celery

from newssieve.redis_conn import redis_url
from newssieve.settings import get_settings

CRAWL_QUEUE = "crawl"
PROCESS_QUEUE = "process"
PROCESS_PAGE = "newssieve.process_page"
CRAWL_SITE = "newssieve.crawl_site"
RESEND_PENDING = "newssieve.resend_pending"


def celery_config() -> dict:
    settings = get_settings()
    broker = settings.broker_url or redis_url()
    timeout = settings.broker_timeout
    return {
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
                        RESEND_PENDING: {"queue": PROCESS_QUEUE}},
        "task_default_queue": PROCESS_QUEUE,
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
        "worker_send_task_events": True,
        "task_send_sent_event": True,
    }


def broker_is_redis() -> bool:
    """Whether Celery's broker is a Redis (the default: the store's own), whose keys live under our prefix."""
    broker = get_settings().broker_url
    return not broker or broker.startswith(("redis://", "rediss://", "unix://", "valkey://"))


def make_celery(name: str = "newssieve", include: list[str] | None = None) -> Celery:
    app = Celery(name, include=include or [])
    app.conf.update(celery_config())
    return app
