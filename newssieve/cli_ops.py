"""Operating the pipeline: `newssieve status` and `newssieve dead ...`."""

from __future__ import annotations

import json
import time

import click
from rich.console import Console
from rich.table import Table

from newssieve import status as pipeline_status
from newssieve.deadletters import DeadLetters
from newssieve.taskqueue import make_celery


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def render(snapshot: dict, console: Console) -> None:
    queues = Table(title="queues", title_justify="left")
    for column in ("queue", "waiting", "taken, not acked"):
        queues.add_column(column)
    for name, q in snapshot["queues"].items():
        queues.add_row(name, str(q["waiting"]), str(q["unacked"]))
    console.print(queues)

    workers = Table(title="workers", title_justify="left")
    workers.add_column("worker")
    workers.add_column("running")
    for name, info in snapshot["workers"].items():
        running = info.get("reason") or ", ".join(t["task"] for t in info["running"]) or "idle"
        workers.add_row(name, running)
    if not snapshot["workers"]:
        workers.add_row("(none answered)", "")
    console.print(workers)

    stages = Table(title="stages (last hour / total)", title_justify="left")
    counters = ("seen", "kept", "dropped", "duplicates", "failed")
    stages.add_column("stage")
    for name in counters:
        stages.add_column(name)
    for stage, values in snapshot["stages"].items():
        stages.add_row(stage, *(f"{_num(values['last_hour'].get(c, 0))} / {_num(values['total'].get(c, 0))}"
                                for c in counters))
    console.print(stages)

    sites = Table(title="sites", title_justify="left")
    for column in ("site", "last run", "status", "pages", "new", "errors", "next run"):
        sites.add_column(column)
    for name, info in snapshot["sites"].items():
        last = info.get("last_run") or {}
        status = "running" if info.get("running") else last.get("status", "never")
        sites.add_row(name, str(last.get("finished") or "-"), status, str(last.get("pages", "-")),
                      str(last.get("articles_new", "-")), str(len(last.get("errors", []) or [])),
                      str(info.get("next_run") or info.get("reason") or "disabled"))
    console.print(sites)
    console.print(f"dead letters: {snapshot['dead_letters']}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for programs.")
@click.option("--watch", is_flag=True, help="Refresh every --interval seconds until Ctrl-C.")
@click.option("--interval", default=2.0, show_default=True)
def status(as_json: bool, watch: bool, interval: float) -> None:
    """Queues, workers, stage counters, crawl runs and dead letters."""
    console = Console()
    while True:
        snapshot = pipeline_status.collect()
        if as_json:
            click.echo(json.dumps(snapshot, ensure_ascii=False))
        else:
            if watch:
                console.clear()
            render(snapshot, console)
        if not watch:
            return
        time.sleep(interval)


@click.group()
def dead() -> None:
    """Pages that failed for good: list, show, requeue or purge them."""


@dead.command("list")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def dead_list(limit: int, as_json: bool) -> None:
    letters = DeadLetters().list(limit)
    if as_json:
        click.echo(json.dumps(letters, ensure_ascii=False))
        return
    for letter in letters:
        failed = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(letter["failed_at"]))
        click.echo(f"{letter['id']}  {failed}  {letter['task']}  {_subject(letter)}  {letter['error'][:80]}")


def _subject(letter: dict) -> str:
    args = letter.get("args") or []
    first = args[0] if args else ""
    return first.get("url", "?") if isinstance(first, dict) else str(first)


@dead.command("show")
@click.argument("letter_id")
def dead_show(letter_id: str) -> None:
    letter = DeadLetters().get(letter_id)
    if letter is None:
        raise click.ClickException(f"no dead letter {letter_id}")
    click.echo(json.dumps(letter, ensure_ascii=False, indent=2))


@dead.command("requeue")
@click.argument("letter_id", required=False)
@click.option("--all", "requeue_all", is_flag=True, help="Requeue every dead letter.")
def dead_requeue(letter_id: str | None, requeue_all: bool) -> None:
    """Send dead letters through the pipeline again (by task name, same arguments)."""
    if bool(letter_id) == requeue_all:
        raise click.UsageError("give one ID or --all")
    letters = DeadLetters()
    chosen = letters.list(limit=1_000_000) if requeue_all else [letters.get(letter_id)]
    if chosen == [None]:
        raise click.ClickException(f"no dead letter {letter_id}")
    app = make_celery("newssieve-requeue")
    for letter in chosen:
        app.send_task(letter["task"], args=letter["args"])
        letters.remove(letter["id"])
    click.echo(f"requeued {len(chosen)}")


@dead.command("purge")
@click.confirmation_option(prompt="Delete every dead letter?")
def dead_purge() -> None:
    click.echo(f"purged {DeadLetters().purge()}")


COMMANDS = [status, dead]
