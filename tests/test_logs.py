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


def test_up_console_gives_one_format_with_the_process_name_and_masks_secrets():
    from newssieve.ops.console import Console

    stream = io.StringIO()
    console = Console(json_out=True, stream=stream)
    console.secrets.add("s3cret-pass")
    console.write("api", "INFO:     Uvicorn running on http://127.0.0.1:8000\n")
    console.write("flower", "[I 261130 13:24:46 command:168] Visit me at http://127.0.0.1:5555\n")
    console.write("worker", '{"ts": "2026-11-30T13:24:45.047Z", "level": "info", "logger": "workers.tasks", '
                            '"msg": "page 1: stored", "site": "s"}\n')
    console.write("up", "Flower password s3cret-pass, broker redis://user:hunter22@redis:6379/0\n")
    console.write("beat", "   \n")  # blank lines are left out
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["process"] for line in lines] == ["api", "flower", "worker", "up"]
    assert {"ts", "level", "logger", "msg"} <= set(lines[0]) and lines[0]["logger"] == "uvicorn"
    assert lines[1]["level"] == "info" and lines[1]["msg"].startswith("Visit me")
    assert lines[2]["site"] == "s"
    assert "s3cret-pass" not in stream.getvalue() and "hunter22" not in stream.getvalue()

    text = Console(json_out=False, stream=io.StringIO())
    text.write("worker", '{"ts": "2026-11-30T13:24:45.047Z", "level": "info", "logger": "w", "msg": "hi"}')
    assert text.stream.getvalue() == "13:24:45 INFO    worker  w: hi\n"


def test_a_worker_under_up_logs_one_line_per_page_at_info(monkeypatch):
    from workers.app import _configure_logging, _not_succeeded

    monkeypatch.setenv("NEWSSIEVE_QUIET_TASKS", "1")  # set by `newssieve up` for its children
    stream = io.StringIO()
    _configure_logging(loglevel="INFO")
    configure("INFO", stream=stream, json_lines=True)
    logging.getLogger("celery.worker.strategy").info("Task newssieve.process_page[1] received")
    trace = logging.getLogger("celery.app.trace")
    trace.info("Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
               {"name": "p", "id": "1", "runtime": 0.1, "return_value": "{}"})
    logging.getLogger("celery.app.trace").info("Task p[1] retry: Retry in 1s")
    logging.getLogger("workers.tasks").info("page 1: stored (cluster -)")
    assert [json.loads(line)["msg"] for line in stream.getvalue().splitlines()] == [
        "Task p[1] retry: Retry in 1s", "page 1: stored (cluster -)"]
    logging.getLogger("celery.worker.strategy").setLevel(logging.NOTSET)
    trace.removeFilter(_not_succeeded)
