"""Structured logs: JSON lines off a terminal, carrying the pipeline context."""

from __future__ import annotations

import io
import json
import logging

from newssieve.logs import configure, log_context


def test_json_lines_carry_site_url_and_task_id():
    stream = io.StringIO()
    configure("INFO", stream=stream)
    log = logging.getLogger("newssieve.test")
    with log_context(site="valley-times", url="http://x/1", task_id="abc"):
        log.info("processed %s", "page")
    log.info("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "processed page" and first["level"] == "info"
    assert (first["site"], first["url"], first["task_id"]) == ("valley-times", "http://x/1", "abc")
    assert "site" not in second


def test_terminal_gets_readable_lines():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    configure("INFO", stream=stream)
    with log_context(site="s"):
        logging.getLogger("newssieve.test").warning("hello")
    line = stream.getvalue().strip()
    assert "hello" in line and "site=s" in line and not line.startswith("{")
