"""Conventions every `newssieve` command keeps: `-h` as well as `--help`, help text on every option,
the same log levels for `serve` and `up`."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from newssieve.cli import main
from newssieve.cli.conventions import LOG_LEVELS, utc


def every_command(command: click.Command = main, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from every_command(sub, (*path, name))


@pytest.mark.parametrize("path", [path for path, _ in every_command()], ids=" ".join)
def test_minus_h_shows_the_help_of_every_command_and_group(path):
    result = CliRunner().invoke(main, [*path, "-h"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('main', *path))}")
    assert "-h, --help" in result.output


def test_every_option_says_what_it_does():
    missing = {(" ".join(path), param.opts[0]) for path, command in every_command()
               for param in command.params
               if isinstance(param, click.Option) and not param.hidden and not param.help}
    assert missing == set()


def test_crawl_runs_takes_limit_as_well_as_n():
    command = main.commands["crawl-runs"]
    limit = next(p for p in command.params if p.name == "count")
    assert {"--limit", "-n"} <= set(limit.opts) and limit.help


def _log_level(command: str) -> click.Option:
    return next(p for p in main.commands[command].params if p.name == "log_level")


def test_serve_and_up_take_the_same_log_levels_in_any_case():
    serve, up = _log_level("serve"), _log_level("up")
    assert serve.default.upper() == up.default.upper() == "INFO"
    assert {c.upper() for c in up.type.choices} == set(LOG_LEVELS) == {c.upper() for c in serve.type.choices}
    assert not serve.type.case_sensitive and not up.type.case_sensitive
    for level in ("debug", "WARNING", "Info"):  # what `up` passes on to `serve` (lower case) included
        assert serve.type.convert(level, serve, None) in LOG_LEVELS


def test_times_name_their_zone():
    assert utc(1795161600.0) == "2026-11-20 08:00 UTC"
    assert utc(1795161600.0, with_seconds=True) == "2026-11-20 08:00:00 UTC"
