"""Logging: human lines on a terminal, one JSON object per line otherwise.

Pipeline code sets the page it works on with `log_context(site=..., url=...)`;
every record logged inside carries it, plus the Celery task id when in a task.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import sys
import time
from collections.abc import Iterator

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("newssieve_log_context", default=None)
CONTEXT_FIELDS = ("site", "url", "task_id", "task")


@contextlib.contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    token = _context.set({**(_context.get() or {}), **{k: v for k, v in values.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies the current pipeline context onto each record.

    Celery's own task lines outside a task ("Task ... received" in the worker's main
    process) carry the task in `extra={"data": ...}`: its id becomes the record's task_id.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_context.get() or {}).items():
            setattr(record, name, value)
        data = getattr(record, "data", None)
        if isinstance(data, dict) and getattr(record, "task_id", None) is None and data.get("id"):
            record.task_id, record.task = data["id"], data.get("name")
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        entry = {
            "ts": f"{stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{n}={getattr(record, n)}" for n in CONTEXT_FIELDS if getattr(record, n, None))
        return f"{line}  [{extra}]" if extra else line


def configure(level: int | str = logging.INFO, stream=None, json_lines: bool | None = None) -> None:
    """Install the newssieve handler on the root logger (idempotent).

    JSON lines unless the stream is a terminal; NEWSSIEVE_LOG_FORMAT=json|text decides instead when
    set (`newssieve up` sets json in its children and renders their lines itself).
    """
    stream = stream or sys.stderr
    if json_lines is None:
        wanted = os.environ.get("NEWSSIEVE_LOG_FORMAT", "").lower()
        json_lines = wanted == "json" or (wanted != "text" and not stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if json_lines else
                         ConsoleFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_newssieve", False):
            root.removeHandler(existing)
    handler._newssieve = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
