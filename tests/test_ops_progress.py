"""`newssieve ingest` progress: a live rich display on a terminal, plain log lines otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from newssieve.settings import PROJECT_ROOT
from tests.fixtures.crawl.crawl_fixtures import crawl_env_fixture  # noqa: F401  (pytest fixture)
from tests.test_crawl_ingest import make_warc


def ingest(path, terminal: bool) -> tuple[str, str]:
    """Run `newssieve ingest PATH` with stderr on a pseudo-terminal or a pipe; (stdout, stderr)."""
    command = [sys.executable, "-m", "newssieve", "ingest", str(path)]
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    if not terminal:
        done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr
    controller, terminal_side = pty.openpty()
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=terminal_side)
    os.close(terminal_side)
    out, _ = proc.communicate(timeout=60)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal's other side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert proc.returncode == 0
    return out.decode(), b"".join(chunks).decode("utf-8", "replace")


def test_ingest_shows_live_progress_on_a_terminal_and_log_lines_otherwise(crawl_env, tmp_path):
    path = tmp_path / "pages.warc.gz"
    make_warc(path)

    out, err = ingest(path, terminal=False)
    assert "3 sent" in out
    lines = err.splitlines()
    assert lines[0].endswith(f"{path}: ingest starting")
    # reported as pages are sent (SEND_CHUNK at a time; this WARC's 3 at its end)
    assert any(line.endswith("8 records · 5 HTML · 3 sent") for line in lines), lines
    assert "\x1b[" not in err

    out, err = ingest(path, terminal=True)
    assert "3 sent" in out
    assert "\x1b[" in err and "ingest starting" not in err  # rich's live display, redrawn in place
    assert "3 sent" in err
