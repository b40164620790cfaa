"""`newssieve crawl` on a terminal: the spinner counts pages as they come; the summary line adds up."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from click.testing import CliRunner

from newssieve.cli import main
from newssieve.ops.crawl_runner import run_crawl
from newssieve.settings import PROJECT_ROOT
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (the *_fixture names are pytest fixtures)
    crawl_env_fixture,
    server_fixture,
)
from tests.test_crawl_runs import feed_site, slow_site

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_a_terminal(command: list[str], timeout: float = 90) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed sans escapes)."""
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    controller, terminal_side = pty.openpty()
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=terminal_side)
    os.close(terminal_side)
    out, _ = proc.communicate(timeout=timeout)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return proc.returncode, out.decode(), ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


def test_the_spinner_counts_pages_while_the_site_is_crawled(crawl_env, server):
    crawl_env.write_sites([slow_site(server, pages=8, delay=0.4)])
    code, out, shown = on_a_terminal([sys.executable, "-m", "newssieve", "crawl", "fx"])
    assert code == 0, (out, shown)
    assert "fx: ok" in out and "8 pages" in out
    counts = [int(n) for n in re.findall(r"(\d+) pages", shown)]
    assert any(0 < n < 8 for n in counts), f"no page count between 0 and 8 while crawling: {counts}"


def test_the_refetch_summary_adds_up(crawl_env, server):
    crawl_env.write_sites([feed_site(server, 4)])
    first = run_crawl("fx")
    assert first["articles_new"] == 4
    crawl_env.store_articles()

    result = CliRunner().invoke(main, ["crawl", "fx", "--refetch"])
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[0]
    assert "4 pages downloaded, 4 handed on (0 new, 4 refetched), 0 already stored" in line, line
    assert len(crawl_env.queued()) == 4

    result = CliRunner().invoke(main, ["crawl", "fx"])
    line = result.stdout.splitlines()[0]
    assert "0 pages downloaded, 0 handed on (0 new, 0 refetched)" in line, line
    assert "1 listing (1 not modified)" in line, line
