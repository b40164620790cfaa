"""`newssieve crawl`, `newssieve crawl-runs`, `newssieve ingest` (`newssieve sites` is in cli/sites.py)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS, utc_now_iso
from newssieve.cli.errors import echo_err, fail
from newssieve.ops.crawl_runner import EXIT_CODES, run_crawl
from newssieve.ops.task_events import crawl_reported
from newssieve.redis_conn import redis_available
from newssieve.sites import SitesFileError, load_sites
from newssieve.store.crawl_runs import crawl_lock_holder, last_runs, now, run_summary

PROGRESS_SECONDS = 0.5  # how often the crawl's child reports its counts to a live display


def _status_line(summary: dict[str, Any]) -> str:
    """"site: status (reason)", the reason only when there is one."""
    line = f"{summary['site']}: {summary['status']}"
    return f"{line} ({summary['reason']})" if summary.get("reason") else line


def _describe(summary: dict[str, Any]) -> str:
    """The run in one line whose parts add up: of the pages downloaded, those handed on for processing
    are the new ones plus the refetched ones; articles already stored were not handed on."""
    parts = [_status_line(summary)]
    if summary["status"] not in ("locked", "disabled", "unknown_site", "invalid_site"):
        new, refetched = summary.get("articles_new", 0), summary.get("articles_refetched", 0)
        listings, unchanged = summary.get("listings", 0), summary.get("not_modified", 0)
        parts.append(
            f"— {summary.get('pages', 0)} pages downloaded, {new + refetched} handed on ({new} new, "
            f"{refetched} refetched), {summary.get('articles_known', 0)} already stored, "
            f"{listings} listing{'' if listings == 1 else 's'} ({unchanged} not modified), "
            f"{summary.get('errors_total', len(summary.get('errors', [])))} errors"
        )
        if summary.get("duration") is not None:
            parts.append(f"in {summary['duration']:.1f} s")
    return " ".join(parts)


def _crawl_counts(event: dict[str, Any]) -> str:
    """The running counts: requests and listings move first, while the pages are still being found."""
    return (
        f"{event.get('requests', 0)} requests · {event.get('listings', 0)} listings · "
        f"{event.get('pages', 0)} pages · {event.get('articles_new', 0)} new · "
        f"{event.get('articles_refetched', 0)} refetched · {event.get('articles_known', 0)} known · "
        f"{event.get('errors_total', 0)} errors"
    )


def _ingest_counts(summary: dict[str, Any]) -> str:
    line = f"{summary['records']} records · {summary['html']} HTML · {summary['sent']} sent"
    return line + (f" · {summary['stored']} stored" if "stored" in summary else "")


class _Progress(AbstractContextManager):
    """A live rich display on a terminal; plain log lines (on change, at most every 10 s) otherwise."""

    def __init__(self, site: str, live: bool, describe: Callable[[dict[str, Any]], str] = _crawl_counts,
                 what: str = "crawl"):
        self.site = site
        self.live = live
        self.describe = describe
        self.what = what
        self.last_line = ""
        self.last_time = 0.0
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.live:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.__enter__()
            self.task = self.progress.add_task(self.site, total=None, counts="starting…")
        else:
            echo_err(f"{utc_now_iso()} {self.site}: {self.what} starting")
        return self

    def __call__(self, event: dict[str, Any]) -> None:
        counts = self.describe(event)
        if self.progress is not None:
            self.progress.update(self.task, counts=counts)
            return
        now = time.monotonic()
        if counts != self.last_line and now - self.last_time >= 10:
            self.last_line, self.last_time = counts, now
            echo_err(f"{utc_now_iso()} {self.site}: {counts}")

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.__exit__(*exc)
        return False


def _report(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary, default=str))
        return
    click.echo(_describe(summary))
    for error in summary.get("errors", [])[:10]:
        click.echo(f"  {error.get('kind', 'error')}: {error['url']}: {error['reason']}")
    more = summary.get("errors_total", 0) - min(10, len(summary.get("errors", [])))
    if more > 0:
        click.echo(f"  … and {more} more (see `newssieve crawl-runs {summary['site']} --json`)")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("site", required=False)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every enabled site, one after the other.")
@click.option("--refetch", is_flag=True, help="Download articles again even when already stored.")
@click.option("--json", "as_json", is_flag=True, help="Print each run's summary as one JSON object.")
def crawl(site: str | None, all_sites: bool, refetch: bool, as_json: bool) -> None:
    """Crawl SITE (or --all sites) now, in a child process, under the site's crawl lock.

    \b
    Exit status:
      0  every run finished ("ok"; with --all, disabled sites are skipped)
      1  a run failed, timed out or was cancelled (from the API or the status page),
         or the sites file cannot be read or has errors
      2  SITE is not in the sites file ("unknown_site") or its entry is invalid
         ("invalid_site": the message says which field and why)
      3  a crawl of the site is already running ("locked")
      4  SITE is disabled ("disabled")
      130  interrupted (Ctrl-C)
    """
    if bool(site) == all_sites:
        raise click.UsageError("give either SITE or --all")
    worst = 0
    reasons: list[str] = []
    with _redis_or_exit():
        if all_sites:
            names, problem = _every_site()
            if problem:
                worst = 1
                reasons.append(problem)
        else:
            names = {site: True}
        for name, enabled in names.items():
            summary = _crawl_one(name, enabled, refetch)
            _report(summary, as_json)
            code = EXIT_CODES.get(summary["status"], 1)
            if all_sites and summary["status"] == "disabled":
                code = 0
            if code:
                reasons.append(_status_line(summary))
            worst = worst or code
            if summary["status"] == "interrupted":
                break
    if worst:
        echo_err(f"newssieve crawl: {'; '.join(reasons)}")
        sys.exit(worst)


def _every_site() -> tuple[dict[str, bool], str | None]:
    """{site: enabled} for every site of the sites file, and what to say about its errors (or None)."""
    try:
        sites_file = load_sites()
    except SitesFileError as exc:
        fail(str(exc))
    for error in sites_file.errors:
        echo_err(f"warning: {error}")
    problem = None
    if sites_file.errors:
        problem = f"the sites file has {len(sites_file.errors)} error(s) (see `newssieve sites`)"
    return {name: entry.enabled for name, entry in sites_file.sites.items()}, problem


def _crawl_one(name: str, enabled: bool, refetch: bool) -> dict[str, Any]:
    """Run the crawl of one site with a progress display; a site listed disabled is skipped, not run."""
    if not enabled:
        return run_summary(name, now(), "disabled", f"site {name!r} is disabled")
    live = sys.stderr.isatty()
    faster = {"NEWSSIEVE_PROGRESS_INTERVAL": PROGRESS_SECONDS} if live else None
    with crawl_reported(name, refetch) as events, _Progress(name, live) as progress:
        events.result = run_crawl(name, refetch=refetch, progress=progress,
                                  scrapy_settings=faster)  # shown in Flower too
        return events.result


@contextmanager
def _redis_or_exit() -> Iterator[None]:
    """`redis_available()`, with a failure to find or start Redis turned into a one-line exit."""
    manager = redis_available()
    try:
        manager.__enter__()
    except Exception as exc:
        fail(f"no Redis: {exc}")
    try:
        yield
    finally:
        manager.__exit__(None, None, None)


@click.command("crawl-runs", context_settings=CONTEXT_SETTINGS)
@click.argument("site")
@click.option("--limit", "-n", "count", default=10, show_default=True,
              help="How many runs, newest first (-n is the same).")
@click.option("--json", "as_json", is_flag=True, help="One JSON summary per line.")
def crawl_runs(site: str, count: int, as_json: bool) -> None:
    """The last crawl runs of SITE (the last 50 are kept)."""
    with _redis_or_exit():
        runs = last_runs(site, count)
        holder = crawl_lock_holder(site)
    if holder and not as_json:
        click.echo(
            f"running now (since {holder.get('since', '?')}, lock expires in {holder['expires_in']} s)"
        )
    for run in runs:
        if as_json:
            click.echo(json.dumps(run, default=str))
        else:
            click.echo(f"{run.get('started')}  {_describe(run)}")
    if not runs and not as_json:
        click.echo(f"no crawl runs of {site} yet")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--wait", is_flag=True, help="Return once every page sent is stored (or the timeout passes).")
@click.option("--timeout", default=300.0, show_default=True, help="Seconds --wait waits at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(path: str, wait: bool, timeout: float, as_json: bool) -> None:
    """Send the HTML responses of a WARC file (.warc or .warc.gz) through the processing pipeline."""
    from newssieve.ops.ingest import ingest_warc

    with _redis_or_exit(), _Progress(path, sys.stderr.isatty(), _ingest_counts, "ingest") as progress:
        summary = ingest_warc(path, wait=wait, timeout=timeout, progress=progress)
    if as_json:
        click.echo(json.dumps(summary, default=str))
    else:
        line = (
            f"{summary['file']}: {summary['records']} records, {summary['html']} HTML pages, "
            f"{summary['sent']} sent, {summary['skipped_non_html']} non-HTML skipped, "
            f"{summary['skipped_status']} non-2xx skipped, {summary['duplicates']} duplicates"
        )
        if wait:
            line += f", {summary['stored']} stored, {summary['pending']} not stored"
        click.echo(line)
        for error in summary["errors"][:10]:
            click.echo(f"  {error['url']}: {error['reason']}")
    if summary["status"] != "ok":
        echo_err(f"newssieve ingest: {summary['status']}: {summary.get('reason', '')}")
        sys.exit(1)


COMMANDS = [crawl, crawl_runs, ingest]
