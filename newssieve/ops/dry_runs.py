"""The children of the dry runs (`sites add`, `sites check`), started by module name.

`run_events` runs `python -m crawler.discover|check ...` under a deadline and returns every JSON
line it wrote (crawl children only hand over progress and a summary); `clean_samples` hands
fetched pages to `python -m workers.sample`, the real cleaner, and returns what it kept.
The core never imports `crawler` or `workers`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from newssieve.ops.crawl_runner import CrawlChild, child_env, log_path, parse_event
from newssieve.settings import PROJECT_ROOT


class EventsChild(CrawlChild):
    """A child process whose every JSON line is kept, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events: list[dict[str, Any]] = []

    def _take(self, event: dict[str, Any] | None) -> None:
        if event is not None:
            self.events.append(event)


def run_events(module: str, args: list[str], timeout: float, log_name: str,
               scrapy_settings: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """(events, problem): the child's events, and why it ended badly (None when it did not)."""
    command = [sys.executable, "-m", module, *args]
    for key, value in (scrapy_settings or {}).items():
        command += ["-s", f"{key}={json.dumps(value)}"]
    log_file = log_path(log_name)
    child = EventsChild(command, log_file, deadline=time.monotonic() + timeout)
    child.run()
    if child.cut_short is not None:
        return child.events, f"timed out: no answer within {timeout:g} s (log: {log_file})"
    if child.exit_code not in (0, None) and not any(e.get("event") == "error" for e in child.events):
        return child.events, f"the dry run exited with code {child.exit_code} (log: {log_file})"
    return child.events, None


def clean_samples(samples: list[dict[str, Any]], timeout: float = 120.0) -> list[dict[str, Any]]:
    """Each fetched sample cleaned by the real cleaner: [{url, title, chars, ...}] in the same order;
    a sample that could not be fetched keeps its `error`."""
    fetched = [sample for sample in samples if sample.get("html")]
    cleaned: dict[str, dict[str, Any]] = {}
    if fetched:
        lines = "".join(json.dumps({"url": s["url"], "html": s["html"]}) + "\n" for s in fetched)
        try:
            done = subprocess.run([sys.executable, "-m", "workers.sample"], input=lines, text=True,
                                  capture_output=True, timeout=timeout, cwd=str(PROJECT_ROOT),
                                  env=child_env())
            output = done.stdout
        except subprocess.TimeoutExpired:
            output = ""
        for line in output.splitlines():
            event = parse_event(line)
            if event and event.get("url"):
                cleaned[event["url"]] = event
    out = []
    for sample in samples:
        if sample.get("html") is None:
            out.append({"url": sample.get("url"), "error": sample.get("error", "not fetched")})
        else:
            missing = {"url": sample["url"], "error": "the cleaner gave no answer"}
            out.append(cleaned.get(sample["url"]) or missing)
    return out
