"""The `newssieve` command: thin click commands that parse, call ops/feeds/store, and render.

Each group of subcommands lives in its own module here; none of them holds pipeline logic.
"""

from __future__ import annotations

import click
from pydantic import ValidationError

from newssieve import __version__
from newssieve.settings import get_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newssieve")
def main() -> None:
    """Crawl news sites, keep the article, flag syndicated copies, serve deduplicated feeds."""
    try:
        get_settings()
    except ValidationError as exc:  # settings that cannot work together: one line each, no traceback
        reasons = (str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        raise click.ClickException("; ".join(reasons)) from None


def _register() -> None:
    from newssieve.cli import beat, crawl, expire, feed, flower, migrate, run, serve, sites, status, up

    for module in (crawl, sites, run, beat, flower, feed, status, serve, up, expire, migrate):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
