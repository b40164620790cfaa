"""The `newssieve` command. Each group of subcommands lives in its own cli_* module."""

from __future__ import annotations

import click

from newssieve import __version__


@click.group()
@click.version_option(__version__, prog_name="newssieve")
def main() -> None:
    """Crawl news sites, keep the article, flag syndicated copies, serve deduplicated feeds."""


def _register() -> None:
    from newssieve import cli_crawl, cli_dedup, cli_feed, cli_ops, cli_run, cli_serve, cli_up

    for module in (cli_crawl, cli_run, cli_feed, cli_ops, cli_serve, cli_up, cli_dedup):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
