"""The `newssieve` command: thin click commands that parse, call ops/feeds/store, and render.

Each group of subcommands lives in its own module here; none of them holds pipeline logic.
"""

from __future__ import annotations

import click

from newssieve import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newssieve")
def main() -> None:
    """Crawl news sites, keep the article, flag syndicated copies, serve deduplicated feeds."""


def _register() -> None:
    from newssieve.cli import beat, crawl, expire, feed, flower, migrate, run, serve, sites, status, up

    for module in (crawl, sites, run, beat, flower, feed, status, serve, up, expire, migrate):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
