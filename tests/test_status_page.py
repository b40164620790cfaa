"""The status page in headless Chromium, against a real server, a real worker and the real Redis: what it
shows (queues, workers, crawls, dead letters, totals, 24-hour charts) at phone and desktop widths, and
its actions (crawl now, stop a crawl, requeue) with the API token entered in the page."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

from newssieve.api.app import create_app
from newssieve.ops import status
from newssieve.ops.history import Sampler
from newssieve.settings import PROJECT_ROOT
from newssieve.store.crawl_runs import last_runs, record_run
from newssieve.store.deadletters import DeadLetters
from newssieve.store.status_history import StatusHistory
from newssieve.taskqueue import PROCESS_PAGE, make_celery
from tests.browser_helper import DESKTOP, PHONE, screenshot
from tests.feeds_helper import running_server, use_sites_file
from tests.fixtures.crawl.crawl_fixtures import (  # noqa: F401  (the *_fixture names are pytest fixtures)
    crawl_env_fixture,
    server_fixture,
)
from tests.test_crawl_runs import slow_site
from tests.test_dead_letters import wait_for
from tests.test_web_page import chromium
from tests.workers_helper import celery_worker

README_SHOT = PROJECT_ROOT / "docs" / "screenshots" / "status.png"
TOKEN = "page-token-1"


def shot(browser, name: str, full_page: bool = False) -> Path:
    """A screenshot kept under var/test-artifacts/screenshots/ (browser_helper)."""
    path = screenshot(browser, name, full_page=full_page)
    assert path.stat().st_size > 10_000
    return path


def steady(read):
    """`read()` again when the page reloaded under it (it refreshes itself every few seconds)."""
    from selenium.common.exceptions import WebDriverException

    for attempt in range(10):
        try:
            return read()
        except WebDriverException:
            if attempt == 9:
                raise
            time.sleep(0.3)


# A section's table rows, each its cells' text; null while the page is (re)loading, when the table may
# be missing or half-read (a read found no rows once in CI, during a reload).
ROWS_SCRIPT = """
if (document.readyState !== "complete") return null;
return Array.from(document.querySelectorAll(arguments[0])).map(
    row => Array.from(row.querySelectorAll("td")).map(cell => cell.innerText.trim()));
"""


def rows(browser, section: str) -> list[list[str]]:
    for _ in range(20):
        found = steady(lambda: browser.execute_script(ROWS_SCRIPT, f"#{section} tbody tr"))
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the status page did not finish loading to show its {section}")


def no_sideways_scroll(browser) -> None:
    layout = browser.execute_script(
        "return {scroll: document.documentElement.scrollWidth, width: window.innerWidth}")
    assert layout["scroll"] <= layout["width"], "the status page scrolls sideways"


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

        queues = rows(browser, "queues")
        assert ["process", "3", "0"] in queues and ["crawl", "0", "0"] in queues
        (worker,) = rows(browser, "workers")
        assert worker[0].startswith("newssieve-") and worker[1] == "idle"
        sites = {row[0]: row for row in rows(browser, "sites")}
        assert sites["wire"][1:6] == ["2026-11-25 10:01 UTC", "ok", "12", "7", "0"]
        assert sites["gazette"][2] == "never" and sites["gazette"][6].endswith("UTC")
        assert ["received", "0", "0"] == rows(browser, "pages")[0][:3]
        assert browser.find_element(By.CSS_SELECTOR, "#dead h2").text == "Dead letters: 1"
        (dead,) = rows(browser, "dead")
        assert dead[:2] == ["http://wire.test/news/bad", "ValueError: <script>alert(1)</script>"]
        # read-only (no token on the server): no action offered, and it says why
        assert browser.find_elements(By.CSS_SELECTOR, "button.action") == []
        assert "need NEWSSIEVE_API_TOKEN" in browser.find_element(By.ID, "actions").text

        no_sideways_scroll(browser)
        assert browser.execute_script("return document.body.dataset.refresh") == "10"
        browser.execute_script("document.getElementById('dead').scrollIntoView()")
        shot(browser, "status-read-only-phone")


def fill_history(now: float) -> None:
    """A day of samples a minute (a crawl every half hour, its pages queued then drained, beat down for
    an hour) and, after a gap, the sampler's own sample of now."""
    history = StatusHistory()
    received = stored = 0
    for minute in range(24 * 60 - 1, 30, -1):
        if 600 <= minute < 660:
            continue
        burst = max(0, 12 - minute % 30) * (30 if minute % 120 < 30 else 8)
        received += 10 + burst // 3
        stored += 10 + burst // 4
        history.record({"waiting_crawl": 1 if minute % 30 >= 28 else 0, "waiting_process": burst,
                        "received": received, "stored": stored}, at=now - minute * 60)
    assert Sampler().maybe_sample(now)


def chart_state(browser) -> dict:
    return browser.execute_script("""
        return [...document.querySelectorAll('#history figure.chart')].map(f => ({
          title: f.querySelector('figcaption b').textContent,
          lines: f.querySelectorAll('svg polyline').length,
          width: f.querySelector('svg').getBoundingClientRect().width,
          label: f.querySelector('svg').getAttribute('aria-label')}));""")


def test_status_page_charts_totals_and_actions_with_the_token_on_phone_and_desktop(crawl_env, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    crawl_env.write_sites([slow_site(server, pages=30, delay=0.5)])
    fill_history(time.time())
    DeadLetters().add(PROCESS_PAGE, [{"url": "http://fx.test/news/bad"}], "KeyError: 'html'", "t-2")
    app = create_app()
    app.state.api_token = TOKEN  # reads open (as behind a proxy letting people read), changes need the token

    def click(label: str) -> None:
        steady(lambda: next(b for b in browser.find_elements(By.CSS_SELECTOR, "button.action")
                            if b.text == label and b.is_displayed()).click())

    def result() -> str:
        return steady(lambda: browser.find_element(By.ID, "action-result").text)

    def enter_token(value: str) -> None:
        steady(lambda: browser.find_element(By.ID, "token").send_keys(value))
        browser.find_element(By.CSS_SELECTOR, "#token-form button").click()

    def shown(label: str) -> bool:
        return steady(lambda: any(b.text == label and b.is_displayed()
                                  for b in browser.find_elements(By.CSS_SELECTOR, "button.action")))

    with (celery_worker(concurrency=1, queues="crawl"), running_server(app) as url,
          chromium(PHONE) as browser):
        browser.get(url + "/status")
        charts = chart_state(browser)
        assert [c["title"] for c in charts] == ["Waiting in queues", "Pages per minute"]
        assert all(c["lines"] >= 2 and c["width"] > 250 for c in charts), charts  # a gap breaks a line
        assert "process 0" in charts[0]["label"]
        tiles = browser.find_element(By.ID, "totals").text
        assert "0 articles" in " ".join(tiles.split()) and "copies" in tiles
        assert not any(b.is_displayed() for b in browser.find_elements(By.CSS_SELECTOR, "button.action"))
        no_sideways_scroll(browser)
        shot(browser, "status-phone")

        enter_token("not-the-token")
        click("Crawl now")
        WebDriverWait(browser, 10).until(lambda _: "401" in result())
        assert not shown("Crawl now") and not shown("Requeue all")
        assert browser.find_element(By.ID, "token").is_displayed()  # a wrong token is forgotten

        enter_token(TOKEN)
        assert browser.execute_script("return sessionStorage.getItem('newssieve.token')") == TOKEN
        click("Crawl now")
        WebDriverWait(browser, 10).until(lambda _: "done" in result())
        WebDriverWait(browser, 60).until(lambda _: shown("Stop"))
        assert rows(browser, "sites")[0][2] == "running"
        wait_for(lambda: any(path.startswith("/news/") for path in server.hits), 30, "pages being fetched")
        click("Stop")
        browser.switch_to.alert.accept()
        wait_for(lambda: last_runs("fx", 1), 30, "the stopped run recorded")
        assert last_runs("fx", 1)[0]["status"] == "cancelled"

        WebDriverWait(browser, 20).until(lambda _: rows(browser, "sites")[0][2] == "cancelled")
        click("Requeue all")
        browser.switch_to.alert.accept()
        dead_title = lambda: browser.find_element(By.CSS_SELECTOR, "#dead h2").text  # noqa: E731
        WebDriverWait(browser, 20).until(lambda _: steady(dead_title) == "Dead letters: 0")

        assert TOKEN not in browser.current_url
        assert not any(TOKEN in entry for entry in browser.execute_script(
            "return performance.getEntries().map(e => e.name)"))

        with chromium(DESKTOP) as desktop:
            desktop.get(url + "/status")
            assert all(c["width"] > 700 for c in chart_state(desktop)), chart_state(desktop)
            no_sideways_scroll(desktop)
            README_SHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot(desktop, "status-desktop", full_page=True), README_SHOT)
            steady(lambda: desktop.find_element(By.CSS_SELECTOR, "#sites a.log").click())
            assert "Spider opened" in desktop.find_element(By.TAG_NAME, "body").text
