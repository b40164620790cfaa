"""`newssieve beat`: Celery beat with the sites file's crawl schedules (and the status page's sampler)."""

from __future__ import annotations

import os
import sys

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS
from newssieve.settings import PROJECT_ROOT

PASS_THROUGH = {**CONTEXT_SETTINGS, "ignore_unknown_options": True, "allow_extra_args": True}


def beat_command(extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "workers.app", "beat", *extra]


@click.command(context_settings=PASS_THROUGH)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def beat(celery_args: tuple[str, ...]) -> None:
    """Start Celery beat: a crawl of each enabled site on its cron schedule, the sites file re-read when
    it changes, and a sample of the queues each minute for the status page's charts.

    Run exactly one beat. Any `celery beat` option passes through (e.g. `-l INFO`);
    `newssieve beat -- --help` shows Celery's own help.
    """
    os.chdir(PROJECT_ROOT)
    os.execv(sys.executable, beat_command(list(celery_args)))


COMMANDS = [beat]
