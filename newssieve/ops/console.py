"""The one console of `newssieve up`: every child's lines, in one format, each with its process name.

Children write JSON lines (NEWSSIEVE_LOG_FORMAT=json) or their own formats (uvicorn's, Flower's,
plain text); `render` turns each line into one format: JSON with a "process" field off a terminal,
`HH:MM:SS LEVEL process logger: message` on one. Known secrets are masked in every line.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time

SECRET_ENV = re.compile(r"(PASSWORD|TOKEN|SECRET)$")
URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)([^@\s*]+)@")
UVICORN = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+(.*)$")
TORNADO = re.compile(r"^\[([DIWEC]) \d{6} [\d:]+ ([^\]]+)\] (.*)$")
TORNADO_LEVELS = {"D": "debug", "I": "info", "W": "warning", "E": "error", "C": "critical"}


def env_secrets(env: dict[str, str]) -> set[str]:
    """Values of the variables whose names say they are secret (…PASSWORD, …TOKEN, …SECRET)."""
    return {value for name, value in env.items() if SECRET_ENV.search(name.upper()) and len(value) >= 4}


def redact(line: str, secrets: set[str]) -> str:
    for secret in secrets:
        line = line.replace(secret, "***")
    return URL_PASSWORD.sub(r"\1***@", line)


def parse(line: str) -> dict:
    """A child's line as a record: ts, level, logger, msg (and the JSON fields it carried)."""
    if line.startswith("{"):
        try:
            entry = json.loads(line)
            if isinstance(entry, dict) and "msg" in entry:
                return entry
        except ValueError:
            pass
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
    if match := UVICORN.match(line):
        return {"ts": stamp, "level": match[1].lower(), "logger": "uvicorn", "msg": match[2]}
    if match := TORNADO.match(line):
        return {"ts": stamp, "level": TORNADO_LEVELS[match[1]], "logger": match[2].split(":")[0],
                "msg": match[3]}
    return {"ts": stamp, "level": "info", "logger": "-", "msg": line}


def render(process: str, line: str, json_out: bool) -> str | None:
    """One line in the console's format, or None for a blank one."""
    line = line.rstrip("\r\n")
    if not line.strip():
        return None
    entry = {"process": process, **parse(line)}
    if json_out:
        return json.dumps(entry, ensure_ascii=False)
    text = f"{entry['ts'][11:19]} {entry['level'].upper():<7} {process:<7} {entry['logger']}: {entry['msg']}"
    extra = " ".join(f"{key}={entry[key]}" for key in ("site", "url", "task_id") if entry.get(key))
    text = f"{text}  [{extra}]" if extra else text
    return f"{text}\n{entry['exc']}" if entry.get("exc") else text


class Console:
    """Writes rendered lines to stderr, from any thread; notices when the reader has gone."""

    def __init__(self, json_out: bool | None = None, stream=None):
        self.stream = stream
        wanted = os.environ.get("NEWSSIEVE_LOG_FORMAT", "").lower()
        self.json_out = json_out if json_out is not None else (
            wanted == "json" or (wanted != "text" and not (stream or sys.stderr).isatty()))
        self.secrets: set[str] = env_secrets(dict(os.environ))
        self.broken = False
        self._lock = threading.Lock()

    def write(self, process: str, line: str) -> None:
        text = render(process, redact(line, self.secrets), self.json_out)
        if text is None or self.broken:
            return
        with self._lock:
            try:
                stream = self.stream or sys.stderr
                stream.write(text + "\n")
                stream.flush()
            except (OSError, ValueError):  # a broken pipe (`| head -1`) or a closed stream
                self.broken = True

    def follow(self, process: str, pipe) -> threading.Thread:
        """A thread copying a child's output pipe here, line by line, until the child closes it."""
        def copy() -> None:
            with pipe:
                for raw in iter(pipe.readline, b""):
                    self.write(process, raw.decode("utf-8", "replace"))
        thread = threading.Thread(target=copy, name=f"console-{process}", daemon=True)
        thread.start()
        return thread


def output_closed(fds: tuple[int, ...] = (1, 2)) -> bool:
    """True when the reader of stdout or stderr has gone (a closed pipe or a hung-up terminal)."""
    import select

    poller = select.poll()
    for fd in fds:
        poller.register(fd, select.POLLERR | select.POLLHUP)
    return any(event & (select.POLLERR | select.POLLHUP) for _fd, event in poller.poll(0))  # not POLLNVAL
