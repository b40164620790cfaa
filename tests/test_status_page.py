"""The status page in headless Chromium, against a real server, a real worker and the real Redis."""

from __future__ import annotations

from urllib.parse import urlsplit

from newssieve.api.app import create_app
from newssieve.ops import status
from newssieve.store.crawl_runs import record_run
from newssieve.store.deadletters import DeadLetters
from newssieve.taskqueue import PROCESS_PAGE, make_celery
from tests.feeds_helper import running_server, use_sites_file
from tests.test_dead_letters import wait_for
from tests.test_web_page import chromium
from tests.workers_helper import celery_worker


def test_status_page_shows_queues_workers_crawls_and_dead_letters_on_a_phone(client, prefix, tmp_path,
                                                                              monkeypatch):
    from selenium.webdriver.common.by import By

    use_sites_file(tmp_path, monkeypatch)
    record_run({"site": "wire", "started": "2026-11-25T10:00:00+00:00",
                "finished": "2026-11-25T10:01:30+00:00",
                "status": "ok", "pages": 12, "articles_new": 7, "articles_known": 5, "errors": [],
                "errors_total": 0, "duration": 90.0})
    app = make_celery("test-status-page")
    for n in range(3):  # no worker takes these: the one below serves the crawl queue only
        app.send_task(PROCESS_PAGE, args=[{"url": f"http://wire.test/news/{n}"}])
    app.close()
    DeadLetters(client, prefix).add(PROCESS_PAGE, [{"url": "http://wire.test/news/bad"}],
                                    "ValueError: <script>alert(1)</script>", "t-1")

    with (celery_worker(concurrency=1, queues="crawl"), running_server(create_app()) as url,
          chromium() as browser):
        wait_for(lambda: status.workers(timeout=0.5)[0], what="the worker answering")
        browser.get(url + "/")
        link = browser.find_element(By.LINK_TEXT, "Pipeline status")
        assert urlsplit(link.get_attribute("href")).path == "/status"
        link.click()
        assert browser.title == "Status · newssieve"

        def rows(section: str) -> list[list[str]]:
            return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                    for row in browser.find_elements(By.CSS_SELECTOR, f"#{section} tbody tr")]

        assert ["process", "3", "0"] in rows("queues") and ["crawl", "0", "0"] in rows("queues")
        (worker,) = rows("workers")
        assert worker[0].startswith("newssieve-") and worker[1] == "idle"
        sites = {row[0]: row for row in rows("sites")}
        assert sites["wire"][1:6] == ["2026-11-25 10:01 UTC", "ok", "12", "7", "0"]
        assert sites["gazette"][2] == "never" and sites["gazette"][6].endswith("UTC")
        assert ["received", "0", "0"] in rows("pages")
        assert browser.find_element(By.CSS_SELECTOR, "#dead h2").text == "Dead letters: 1"
        (dead,) = rows("dead")
        assert dead[:2] == ["http://wire.test/news/bad", "ValueError: <script>alert(1)</script>"]

        layout = browser.execute_script(
            "return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,"
            " refresh: document.querySelector('meta[http-equiv=refresh]').content}")
        assert layout["scroll"] <= layout["width"], "the status page scrolls sideways on a phone"
        assert int(layout["refresh"]) > 0
        browser.execute_script("document.getElementById('dead').scrollIntoView()")
        shot = tmp_path / "status-page-phone.png"
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
