"""Operating the pipeline: `newssieve status` and `newssieve dead ...`."""

from __future__ import annotations

import json
import time

import click
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from newssieve.cli.conventions import CONTEXT_SETTINGS, utc
from newssieve.cli.errors import redis_errors
from newssieve.ops import status as ops_status
from newssieve.store.deadletters import DeadLetters, subject
from newssieve.taskqueue import make_celery


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _when(iso: str | None) -> str:
    """"2026-11-25 17:40 UTC" from an ISO time in UTC: short enough for a table on a terminal."""
    return iso[:16].replace("T", " ") + " UTC" if iso else "-"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def render(snapshot: dict) -> Group:
    """The snapshot as rich tables, one per part."""
    queues = _table("queues", "queue", "waiting", "taken, not acked")
    for name, q in snapshot["queues"].items():
        queues.add_row(name, str(q["waiting"]), str(q.get("unacked", "n/a")))

    workers = _table("workers", "worker", "running")
    for name, tasks in snapshot["workers"].items():
        workers.add_row(name, "\n".join(f"{t['task']} {t['args']}" for t in tasks) or "idle")
    if not snapshot["workers"]:
        workers.add_row("(none answered)", "")

    pages = _table("pages processed (each fetch counted: a refetch or re-crawl counts again)", "",
                   *(name.replace("_", " ") for name in snapshot["pipeline"]))
    for window in ops_status.WINDOWS:
        pages.add_row(window.replace("_", " "), *(_num(c[window]) for c in snapshot["pipeline"].values()))

    sites = _table("sites (times in UTC)", "site", "last run", "status", "pages", "new", "errors", "next run")
    for name, info in snapshot["sites"].items():
        last = info["last_run"] or {}
        state = "running" if info["running"] else last.get("status", "never")
        errors = last.get("errors_total", len(last.get("errors") or []))
        sites.add_row(name, _when(last.get("finished")), state, str(last.get("pages", "-")),
                      str(last.get("articles_new", "-")), str(errors if last else "-"),
                      _when(info["next_run"]) if info["enabled"] else "disabled")

    dead = snapshot["dead_letters"]
    parts = [queues, workers, pages, totals_line(snapshot["totals"]), sites,
             Text(f"dead letters: {dead['count']}")]
    parts += [Text(f"  {d['id']}  {_when(d['failed_at'])}  {d['subject']}  {d['error'][:80]}")
              for d in dead["latest"]]
    parts += [Text.assemble(("problem: ", "red"), p) for p in snapshot["problems"]]
    return Group(*parts)


def totals_line(totals: dict) -> Text:
    """The distinct counts, which the feed shows (the page counts above count every fetch)."""
    return Text(f"stored now: {_num(totals['articles'])} articles in {_num(totals['stories'])} stories, "
                f"{_num(totals['copies'])} of them copies folded under a story (as the feed shows them)")


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--json", "as_json", is_flag=True, help="One JSON object (one per refresh with --watch).")
@click.option("--watch", is_flag=True, help="Refresh every --interval seconds until Ctrl-C.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.2),
              help="Seconds between refreshes of --watch.")
def status(as_json: bool, watch: bool, interval: float) -> None:
    """Queues, workers, pages through the pipeline, what is stored, crawl runs and dead letters.

    The page counts count every fetch: "duplicates flagged" counts each duplicate verdict, so a
    copy fetched twice (a re-crawl, `crawl --refetch`) counts twice, and "stored" counts a refetched
    article again. "stored now" gives the distinct articles, stories and copies, as the feed shows them.

    With --watch on a terminal the tables are redrawn in place; otherwise each refresh
    is printed after the last (JSON: one object per line).
    """
    console = Console()

    def show() -> None:
        snapshot = ops_status.collect()
        if as_json:
            click.echo(json.dumps(snapshot, ensure_ascii=False))
        else:
            console.print(render(snapshot))

    if not watch:
        with redis_errors():
            show()
        return
    try:
        with redis_errors():
            _watch(console, show, as_json, interval)
    except KeyboardInterrupt:
        pass


def _watch(console: Console, show, as_json: bool, interval: float) -> None:
    """Refresh until interrupted: redrawn in place on a terminal, else printed one after the other."""
    if console.is_terminal and not as_json:
        with Live(render(ops_status.collect()), console=console, screen=True) as live:
            while True:
                time.sleep(interval)
                live.update(render(ops_status.collect()))
    while True:
        show()
        time.sleep(interval)


@click.group(context_settings=CONTEXT_SETTINGS)
def dead() -> None:
    """Tasks that failed for good (after their retries): list, show, requeue or purge them."""


@dead.command("list")
@click.option("--limit", default=50, show_default=True, help="At most this many, newest first.")
@click.option("--json", "as_json", is_flag=True, help="The full records as one JSON array.")
@redis_errors()
def dead_list(limit: int, as_json: bool) -> None:
    """The newest dead letters: id, time (UTC), task, page URL or site, error."""
    letters = DeadLetters().list(limit)
    if as_json:
        click.echo(json.dumps(letters, ensure_ascii=False))
        return
    if not letters:
        click.echo("no dead letters")
    for letter in letters:
        failed = utc(letter["failed_at"], with_seconds=True)
        click.echo(f"{letter['id']}  {failed}  {letter['task']}  {subject(letter)}  {letter['error'][:80]}")


@dead.command("show")
@click.argument("letter_id")
@redis_errors()
def dead_show(letter_id: str) -> None:
    """One dead letter in full: task, arguments, error, task id, time."""
    letter = DeadLetters().get(letter_id)
    if letter is None:
        raise click.ClickException(f"no dead letter {letter_id}")
    click.echo(json.dumps(letter, ensure_ascii=False, indent=2))


@dead.command("requeue")
@click.argument("letter_id", required=False)
@click.option("--all", "requeue_all", is_flag=True, help="Requeue every dead letter.")
@redis_errors()
def dead_requeue(letter_id: str | None, requeue_all: bool) -> None:
    """Send dead letters through the pipeline again (same task, same arguments)."""
    if bool(letter_id) == requeue_all:
        raise click.UsageError("give one ID or --all")
    letters = DeadLetters()
    app = make_celery("newssieve-requeue")
    try:
        sent = [task_id for one in (letters.ids() if requeue_all else [letter_id])
                if (task_id := letters.requeue(one, app))]
    finally:
        app.close()
    if not requeue_all and not sent:
        raise click.ClickException(f"no dead letter {letter_id}")
    click.echo(f"requeued {len(sent)}")


@dead.command("purge")
@click.confirmation_option(prompt="Delete every dead letter?")
@redis_errors()
def dead_purge() -> None:
    """Delete every dead letter (--yes to skip the question)."""
    click.echo(f"purged {DeadLetters().purge()}")


COMMANDS = [status, dead]
