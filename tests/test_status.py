"""`newssieve status` against kombu's real keys: what was enqueued with no worker running, and a message
taken by a consumer but not acknowledged."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from click.testing import CliRunner

from newssieve.cli import main
from newssieve.ops import status
from newssieve.redis_conn import reset_caches
from newssieve.settings import PROJECT_ROOT
from newssieve.taskqueue import CRAWL_SITE, PROCESS_PAGE, make_celery


def test_queue_depths_match_what_was_enqueued_while_no_worker_runs(client, prefix):
    app = make_celery("test-status")
    for n in range(3):
        app.send_task(PROCESS_PAGE, args=[{"url": f"http://x.test/{n}"}])
    app.send_task(PROCESS_PAGE, args=[{"url": "http://x.test/urgent"}], priority=9)  # its own priority list
    app.send_task(CRAWL_SITE, args=["example-wire"])
    assert any("\x06\x16" in key for key in client.scan_iter(match=f"{prefix}process*"))

    snapshot = status.collect(timeout=0.3)
    assert snapshot["queues"] == {"crawl": {"waiting": 1, "unacked": 0},
                                  "process": {"waiting": 4, "unacked": 0}}
    assert snapshot["workers"] == {} and snapshot["problems"] == []

    # A consumer takes one message and does not acknowledge it: kombu moves it to the unacked hash.
    with app.connection_for_read() as connection:
        message = connection.default_channel.basic_get("process", no_ack=False)
        assert message is not None
        taken = status.queues(client, prefix)
        assert taken["process"] == {"waiting": 3, "unacked": 1}

        result = CliRunner().invoke(main, ["status", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["queues"]["process"] == {"waiting": 3, "unacked": 1}

        table = CliRunner().invoke(main, ["status"], terminal_width=160)
        assert table.exit_code == 0, table.output
        process_row = next(line for line in table.output.splitlines() if "│ process" in line)
        assert [cell.strip() for cell in process_row.split("│")[1:4]] == ["process", "3", "1"]
        assert "(none answered)" in table.output and "dead letters: 0" in table.output
    app.close()


def test_next_run_follows_the_cron_schedule_and_a_broken_sites_file_is_a_problem(client, tmp_path,
                                                                                  monkeypatch):
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - {name: hourly, domains: [h.test], feeds: ['http://h.test/rss'], "
                     "article: ['/n/'], schedule: '17 * * * *'}\n", encoding="utf-8")
    monkeypatch.setenv("NEWSSIEVE_SITES", str(sites))
    reset_caches()
    snapshot = status.collect(include_workers=False)
    hourly = snapshot["sites"]["hourly"]
    assert hourly["next_run"].endswith(":17:00+00:00")
    assert hourly["last_run"] is None and not hourly["running"]

    sites.write_text("sites: [", encoding="utf-8")
    broken = status.collect(include_workers=False)
    assert broken["sites"] == {} and broken["problems"] and "sites file" in broken["problems"][0]


def test_watch_refreshes_until_interrupted(prefix):
    command = [sys.executable, "-m", "newssieve", "status", "--watch", "--json", "--interval", "0.2"]
    watch = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert json.loads(watch.stdout.readline())["queues"]["process"]["waiting"] == 0
        app = make_celery("test-status-watch")
        app.send_task(PROCESS_PAGE, args=[{"url": "http://x.test/late"}])
        app.close()
        for _ in range(10):
            if json.loads(watch.stdout.readline())["queues"]["process"]["waiting"] == 1:
                break
        else:
            raise AssertionError("--watch never showed the new message")
        watch.send_signal(signal.SIGINT)
        assert watch.wait(10) == 0
    finally:
        watch.kill()
        watch.wait()


def test_whole_counts_are_json_integers_in_status_and_status_json(client, prefix):
    """Counters that are whole numbers serialise as 54, not 54.0 (HINCRBYFLOAT sums included)."""
    from fastapi.testclient import TestClient

    from newssieve.api.app import create_app
    from newssieve.store.stats import Count, Stage, Stats

    stats = Stats(client, prefix)
    for _ in range(54):
        stats.record(Stage.RECEIVED, {Count.SEEN: 1, Count.SECONDS: 0.5})
    stats.record(Stage.STORE, {Count.SEEN: 2.0})  # a float increment that sums to a whole number
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 0, result.output
    for raw in (result.output, TestClient(create_app()).get("/status.json").text):
        snapshot = json.loads(raw)
        assert snapshot["pipeline"]["received"] == {"last_hour": 54, "total": 54}
        assert isinstance(snapshot["pipeline"]["received"]["total"], int)
        assert isinstance(snapshot["pipeline"]["stored"]["total"], int)
        assert isinstance(snapshot["pipeline"]["failed"]["total"], int)  # never recorded: 0, not 0.0
        assert snapshot["stages"]["received"]["total"]["seconds"] == 27
        assert "54.0" not in raw
