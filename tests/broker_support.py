"""The broker the tests run against: Redis (the store's own, the default) or RabbitMQ.

`NEWSSIEVE_TEST_BROKER=amqp` (or `pytest --broker amqp`) runs the tests marked `broker` against a
RabbitMQ: NEWSSIEVE_TEST_AMQP_URL, else amqp://guest:guest@127.0.0.1:5672/. The session gets a
vhost of its own (`nstest-<run>`, made and deleted with `rabbitmqctl` when it is on this machine;
else the URL's vhost is used as it is and its two queues are purged), and every test starts with
both queues empty. A RabbitMQ that does not answer fails the run at once, saying how to start one.

AMQP does not tell how many messages are delivered and not yet acknowledged; the tests read it
with `rabbitmqctl list_queues` (or the management API when NEWSSIEVE_BROKER_API names one).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass

from newssieve.taskqueue import CRAWL_QUEUE, PROCESS_QUEUE

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)
START_HINT = ("start one (Debian: `apt-get install rabbitmq-server && rabbitmq-server -detached`; "
              "Docker: `docker run -d -p 5672:5672 rabbitmq:3`) or point NEWSSIEVE_TEST_AMQP_URL at one, "
              "or run without NEWSSIEVE_TEST_BROKER=amqp")


def chosen_broker(option: str | None = None) -> str:
    broker = (option or os.environ.get("NEWSSIEVE_TEST_BROKER") or "redis").lower()
    if broker not in ("redis", "amqp"):
        raise ValueError(f"NEWSSIEVE_TEST_BROKER must be redis or amqp, not {broker!r}")
    return broker


def on_amqp() -> bool:
    """Whether this test session's broker is RabbitMQ."""
    return os.environ.get("NEWSSIEVE_BROKER_URL", "").startswith(("amqp://", "amqps://", "pyamqp://"))


def rabbitmqctl() -> list[str] | None:
    path = shutil.which("rabbitmqctl")
    return [path] if path else None


def ctl(*args: str, timeout: float = 60) -> str:
    command = rabbitmqctl()
    if command is None:
        raise RuntimeError("rabbitmqctl is not on PATH")
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def answers(url: str, timeout: float = 3.0) -> str | None:
    """None when something accepts TCP connections at the URL's host and port, else why not."""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=timeout):
            return None
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


def with_vhost(url: str, vhost: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(vhost, safe="")))


@dataclass
class AmqpTestBroker:
    """The session's RabbitMQ vhost."""

    base_url: str
    vhost: str
    own_vhost: bool

    @property
    def url(self) -> str:
        return with_vhost(self.base_url, self.vhost) if self.own_vhost else self.base_url

    @classmethod
    def start(cls, run: str) -> AmqpTestBroker:
        base = os.environ.get("NEWSSIEVE_TEST_AMQP_URL") or DEFAULT_AMQP_URL
        why = answers(base)
        if why is not None:
            where = urllib.parse.urlsplit(base).netloc.rpartition("@")[2]
            raise RuntimeError(f"NEWSSIEVE_TEST_BROKER=amqp, but no RabbitMQ answers at {where} ({why}): "
                               f"{START_HINT}")
        local = urllib.parse.urlsplit(base).hostname in ("127.0.0.1", "localhost", "::1")
        if rabbitmqctl() is None or not local:  # rabbitmqctl speaks to this machine's node only
            vhost = urllib.parse.unquote(urllib.parse.urlsplit(base).path[1:]) or "/"
            broker = cls(base, vhost, own_vhost=False)
        else:
            user = urllib.parse.unquote(urllib.parse.urlsplit(base).username or "guest")
            vhost = run if run.startswith("nstest") else f"nstest-{run}"
            ctl("add_vhost", vhost)
            ctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
            broker = cls(base, vhost, own_vhost=True)
        broker.purge()
        return broker

    def close(self) -> None:
        if self.own_vhost:
            ctl("delete_vhost", self.vhost)
        else:
            self.purge()

    def purge(self) -> None:
        from kombu import Connection

        with Connection(self.url, connect_timeout=5) as conn:
            for queue in QUEUES:
                channel = conn.channel()
                try:
                    channel.queue_purge(queue)
                except conn.channel_errors:
                    pass  # not declared yet
                finally:
                    try:
                        channel.close()
                    except conn.channel_errors + conn.connection_errors:
                        pass

    def counts(self) -> dict[str, tuple[int, int]]:
        """{queue: (ready, unacknowledged)}."""
        api = os.environ.get("NEWSSIEVE_BROKER_API")
        if api:
            records = management_counts(api, self.vhost)
            return {q: (records.get(q, {}).get("messages_ready", 0), records.get(q, {}).get(
                "messages_unacknowledged", 0)) for q in QUEUES}
        out = ctl("list_queues", "-p", self.vhost, "--formatter", "json", "--quiet",
                  "name", "messages_ready", "messages_unacknowledged")
        rows = {row["name"]: row for row in json.loads(out or "[]")}
        return {q: (int(rows.get(q, {}).get("messages_ready", 0)), int(rows.get(q, {}).get(
            "messages_unacknowledged", 0))) for q in QUEUES}

    def close_connections(self, why: str = "test: connection drop") -> None:
        """Close every client connection to the session's vhost (workers, senders): a network drop."""
        ctl("close_all_connections", "-p", self.vhost, why)


def management_counts(api: str, vhost: str, timeout: float = 5.0) -> dict[str, dict]:
    """{queue: the management API's record (messages_ready, messages_unacknowledged, consumers, ...)}
    of every queue of the vhost."""
    parts = urllib.parse.urlsplit(api)
    base = urllib.parse.urlunsplit((parts.scheme, parts.hostname + (f":{parts.port}" if parts.port else ""),
                                    parts.path.rstrip("/") or "/api", "", ""))
    if not base.rstrip("/").endswith("/api"):
        base = base.rstrip("/") + "/api"
    request = urllib.request.Request(f"{base.rstrip('/')}/queues/{urllib.parse.quote(vhost, safe='')}")
    if parts.username:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (an operator's URL)
        return {item["name"]: item for item in json.load(response)}


SESSION: AmqpTestBroker | None = None


def session_broker() -> AmqpTestBroker:
    if SESSION is None:
        raise RuntimeError("this test session runs against Redis (NEWSSIEVE_TEST_BROKER is not amqp)")
    return SESSION


RABBIT_BIN = "/usr/lib/rabbitmq/bin"


def private_rabbit_missing() -> str | None:
    """Why a RabbitMQ node of a test's own cannot be started here (None: it can)."""
    import pathlib

    if not pathlib.Path(RABBIT_BIN, "rabbitmq-server").exists():
        return f"no {RABBIT_BIN}/rabbitmq-server on this machine (Debian's rabbitmq-server package)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRabbit:
    """A RabbitMQ node of the test's own: its own node name, ports, data directory, Erlang cookie and the
    management plugin, so that it can be stopped and started again without touching the machine's.

    stop()/start() is an operator's restart (durable queues and persistent messages survive it).
    """

    def __init__(self, directory):
        import pathlib

        self.dir = pathlib.Path(directory)
        self.port, self.api_port, self.dist_port = _free_port(), _free_port(), _free_port()
        self.node = f"nstest{self.port}@localhost"
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.api = f"http://guest:guest@127.0.0.1:{self.api_port}/api/"
        (self.dir / "home").mkdir(parents=True, exist_ok=True)
        cookie = self.dir / "home" / ".erlang.cookie"
        cookie.write_text(f"NSTEST{os.urandom(12).hex().upper()}")
        cookie.chmod(0o400)
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\n"
            f"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {self.api_port}\n")
        (self.dir / "enabled_plugins").write_text("[rabbitmq_management].\n")

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "HOME": str(self.dir / "home"), "RABBITMQ_NODENAME": self.node,
                "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.dir / "log"),
                "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
                "RABBITMQ_DIST_PORT": str(self.dist_port), "RABBITMQ_PID_FILE": str(self.dir / "node.pid")}

    def ctl(self, *args: str, timeout: float = 90) -> str:
        done = subprocess.run([f"{RABBIT_BIN}/rabbitmqctl", "-n", self.node, *args], env=self.env,
                              cwd=self.dir, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def start(self, timeout: float = 90) -> None:
        subprocess.run([f"{RABBIT_BIN}/rabbitmq-server", "-detached"], env=self.env, cwd=self.dir, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        import time

        deadline = time.monotonic() + timeout
        while True:  # the node registers with epmd a moment after -detached returns
            try:
                self.ctl("await_startup", "--timeout", str(int(timeout)), timeout=timeout + 10)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        """A clean stop of the whole node (what `systemctl restart rabbitmq-server` does first)."""
        self.ctl("stop")

    def close(self) -> None:
        try:
            self.ctl("stop", timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            pid = (self.dir / "node.pid").read_text().strip() if (self.dir / "node.pid").exists() else ""
            if pid.isdigit():
                import signal

                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def counts(self) -> dict[str, tuple[int, int]]:
        records = management_counts(self.api, "/")
        return {q: (records.get(q, {}).get("messages_ready", 0),
                    records.get(q, {}).get("messages_unacknowledged", 0)) for q in QUEUES}


def main() -> int:
    """`python -m tests.broker_support`: exit 0 when the tests' RabbitMQ answers, else 1 and why."""
    import sys

    url = os.environ.get("NEWSSIEVE_TEST_AMQP_URL") or DEFAULT_AMQP_URL
    why = answers(url)
    if why is None:
        return 0
    where = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]
    print(f"no RabbitMQ answers at {where} ({why})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
