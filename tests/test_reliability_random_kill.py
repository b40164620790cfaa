"""SIGKILL at a random instant of an ingest, many times: every page is still stored once, clusters intact.

The other kill tests choose their moment (outside kombu's window between popping a message and
recording it as unacked, where a killed consumer loses the message: celery/kombu#305). Here the
moment is drawn uniformly from a seeded RNG (printed; set NEWSSIEVE_KILL_SEED to replay a run), the
victim is the whole worker or one pool process, and the visibility timeout is 2 s, so what the kill
leaves behind comes back through both nets: kombu restores unacked messages past the timeout, and a
restarted worker sends the overdue pending pages again (a lost message's page included). Against
RabbitMQ (`make test`'s second pass) a dead consumer's deliveries come back when its connection closes.
"""

from __future__ import annotations

import os
import random
import time

import psutil
import pytest

from newssieve.ops.worker_procs import start_worker
from newssieve.redis_conn import get_client
from newssieve.settings import get_settings
from newssieve.store.deadletters import DeadLetters
from newssieve.store.pending import PendingPages, send_page
from newssieve.taskqueue import make_celery
from tests.conftest import new_prefix
from tests.reliability_pages import SyntheticPage, synthetic_pages
from tests.reliability_support import (
    assert_exactly_once,
    broker_keys,
    broker_watch,
    idle,
    kill_tree,
    missing_pages,
    newssieve_on,
    process_tree,
    stored_count,
    throwaway_redis,
    wait_for,
)
from tests.workers_helper import stop_worker

pytestmark = pytest.mark.broker
SEED = int(os.environ.get("NEWSSIEVE_KILL_SEED", "1312"))
TRIALS = 8
PAGES = 80  # per trial
VISIBILITY = 2  # seconds


def send_filed(pages: list[SyntheticPage]) -> None:
    app, pending = make_celery("random-kill-sender"), PendingPages()
    try:
        for item in pages:
            send_page(app, item.page, pending)
    finally:
        app.close()


def trial_pages(rng: random.Random, number: int) -> list[SyntheticPage]:
    """A batch with near-copies and some long stories; story names are the trial's own."""
    pages = synthetic_pages(PAGES, seed=rng.randrange(2**31), run=f"random-kill{number}/", long_share=0.1)
    return [SyntheticPage(item.page, f"{number}:{item.story}") for item in pages]


class Trials:
    """One Redis and prefix, one worker (replaced when it is killed), and the pages of every trial so far."""

    def __init__(self, rng: random.Random, env: dict):
        self.rng, self.env = rng, env
        self.client, self.prefix = get_client(), get_settings().prefix
        self.watch = broker_watch(self.client, self.prefix)
        self.pages: list[SyntheticPage] = []
        self.lost = 0
        self.worker = start_worker(2, env=env, queues="process")
        self.window = self.calibrate()

    def send(self, number: int) -> int:
        """Send the trial's batch; returns how many pages were stored before, once the first is stored."""
        before = stored_count(self.client, self.prefix)
        batch = trial_pages(self.rng, number)
        self.pages += batch
        send_filed(batch)
        assert wait_for(lambda: stored_count(self.client, self.prefix) > before, 90, 0.01), "nothing stored"
        return before

    def calibrate(self) -> float:
        """A batch without a kill (it also warms both pool processes up): seconds from its first page stored
        to its last, the span a kill's instant is drawn from."""
        self.send(-1)
        began = time.monotonic()
        assert wait_for(lambda: stored_count(self.client, self.prefix) == len(self.pages), 120, 0.01)
        return time.monotonic() - began

    def run(self, number: int) -> dict:
        before = self.send(number)
        outcome = self.kill_at_random(before)
        if outcome["victim"] == "worker":
            time.sleep(VISIBILITY + 0.5)  # what it held is overdue now: the next worker takes it back
            self.worker = start_worker(2, env=self.env, queues="process")
        client, prefix = self.client, self.prefix
        done = lambda: stored_count(client, prefix) == len(self.pages) and idle(client, prefix)  # noqa: E731
        assert wait_for(lambda: done() and PendingPages().count() == 0, 90, 0.2), (
            outcome, missing_pages(client, prefix, self.pages)[:5], PendingPages().count(),
            {key: kind for key, kind in broker_keys(client, prefix).items() if not key.startswith("_kombu")})
        assert self.worker.poll() is None, "the worker died"
        assert_exactly_once(client, prefix, self.pages)
        assert DeadLetters(client, prefix).count() == 0
        return outcome

    def kill_at_random(self, before: int) -> dict:
        """SIGKILL the worker's whole tree or one pool process at a uniformly random instant of the batch."""
        victim, delay = self.rng.choice(("worker", "pool process")), self.rng.uniform(0, self.window)
        time.sleep(delay)
        outcome = {"victim": victim, "at_s": round(delay, 2)}
        if victim == "worker":
            kill_tree(self.worker)
            outcome["stored_at_kill"] = stored_count(self.client, self.prefix) - before
            self.watch.drain()  # nothing runs now: a popped message never recorded is lost for the broker
            lost_now = self.watch.popped - self.watch.recorded
            outcome["lost_in_window"], self.lost = lost_now - self.lost, lost_now
        else:
            child = self.rng.choice(process_tree(self.worker)[1:])
            child.kill()
            outcome["stored_at_kill"] = stored_count(self.client, self.prefix) - before
            psutil.wait_procs([child], timeout=10)
        return outcome

    def close(self) -> None:
        if self.worker.poll() is None:
            stop_worker(self.worker)
        self.watch.close()


def test_sigkill_at_random_instants_stores_every_page_once_with_consistent_clusters():
    print(f"seed {SEED} (NEWSSIEVE_KILL_SEED replays it)")
    began, outcomes = time.monotonic(), []
    with throwaway_redis(aof=False) as server, newssieve_on(server.url, new_prefix()):
        env = {**os.environ, "NEWSSIEVE_VISIBILITY_TIMEOUT": str(VISIBILITY)}
        trials = Trials(random.Random(SEED), env)
        print(f"a batch of {PAGES} pages takes {trials.window:.1f} s: each kill lands in that span")
        try:
            for number in range(TRIALS):
                outcomes.append(trials.run(number))
                print(f"trial {number} ({time.monotonic() - began:.0f} s): {outcomes[-1]}")
        finally:
            trials.close()
    mid_batch = sum(0 < o["stored_at_kill"] < PAGES for o in outcomes)
    lost = sum(o.get("lost_in_window", 0) for o in outcomes)
    print(f"{TRIALS} trials in {time.monotonic() - began:.0f} s; {mid_batch} killed mid-batch; "
          f"{lost} message(s) lost between pop and record, all recovered")
    assert mid_batch >= TRIALS // 4, "the kills must land while a batch is being processed"
