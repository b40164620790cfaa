"""Flower, the Celery monitor, started so that it shows both queues, every worker and every task.

`python -m newssieve.ops.flower [Flower options]` is `celery -A workers.app flower [options]` with
two changes to Flower (2.x), each a fallback that leaves Flower's own behaviour alone where it works:

- Workers: Flower asks the workers who they are (`inspect`) once, when it starts. Started beside
  them (`newssieve up`), it asks before any answers, and its worker list (`/api/workers`, the
  queue names of its Broker page) stays empty. Here it asks again, every few seconds, while a
  worker it has events from is missing from that list.
- RabbitMQ queues: Flower's Broker page and `/api/queues/length` read RabbitMQ's management API
  (port 15672), often not enabled. Without `--broker_api`, or when that API does not answer, the
  lengths come from AMQP (a passive queue.declare per queue, as `newssieve status` reads them).

Queue names: newssieve declares both queues in its Celery config (`task_queues`), so Flower lists
`crawl` and `process` even before a worker answered. Tasks: the workers send task events, and
`newssieve crawl` sends the same for the crawls it runs itself (newssieve.ops.task_events).
"""

from __future__ import annotations

import asyncio
import logging
import sys

log = logging.getLogger(__name__)
REFRESH_MS = 5000


def patch_flower() -> None:
    """Install both fallbacks (idempotent)."""
    from flower import app as flower_app
    from flower.utils import broker as flower_broker

    if getattr(flower_app.Flower, "_newssieve_patched", False):
        return
    _patch_worker_refresh(flower_app.Flower)
    _patch_rabbitmq_queues(flower_broker.RabbitMQ)
    flower_app.Flower._newssieve_patched = True


def _patch_worker_refresh(flower_cls) -> None:
    from tornado.ioloop import PeriodicCallback

    original_start = flower_cls.start

    def start(self):
        def refresh() -> None:
            known = set(self.workers)
            alive = {name for name, worker in self.events.state.workers.items() if worker.alive}
            if alive - known:
                self.update_workers()

        self._newssieve_refresh = PeriodicCallback(refresh, REFRESH_MS)
        self._newssieve_refresh.start()
        return original_start(self)

    flower_cls.start = start


def _patch_rabbitmq_queues(rabbitmq_cls) -> None:
    original_init, original_queues = rabbitmq_cls.__init__, rabbitmq_cls.queues

    def __init__(self, broker_url, http_api, **kwargs):
        original_init(self, broker_url, http_api, **kwargs)
        self._newssieve_url, self._newssieve_api_given = broker_url, bool(http_api)

    async def queues(self, names):
        if self._newssieve_api_given:
            found = await original_queues(self, names)
            if found:
                return found
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, _amqp_queues, self._newssieve_url, names)

    rabbitmq_cls.__init__ = __init__
    rabbitmq_cls.queues = queues


def _amqp_queues(url: str, names) -> list[dict]:
    from kombu.exceptions import OperationalError

    from newssieve.ops.broker import amqp_ready

    try:
        ready = amqp_ready(url, tuple(names))
    except (OperationalError, OSError) as exc:
        log.error("cannot read the queue lengths from RabbitMQ: %s", exc)
        return []
    return [{"name": name, "messages": count, "messages_ready": count, "consumers": consumers}
            for name, (count, consumers) in ready.items()]


def command(args: list[str]) -> list[str]:
    """The command line of this launcher with Flower's options `args`."""
    return [sys.executable, "-m", "newssieve.ops.flower", *args]


def main(argv: list[str] | None = None) -> None:
    from celery.bin.celery import main as celery_main

    patch_flower()
    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["celery", "-A", "workers.app", "--quiet", "flower", *args]
    celery_main()


if __name__ == "__main__":
    main()
