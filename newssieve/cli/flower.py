"""`newssieve flower`: Flower, the Celery monitor, showing both queues, every worker and every task."""

from __future__ import annotations

import os

import click

from newssieve.cli.conventions import CONTEXT_SETTINGS
from newssieve.ops.flower import command as flower_command
from newssieve.settings import PROJECT_ROOT

PASS_THROUGH = {**CONTEXT_SETTINGS, "ignore_unknown_options": True, "allow_extra_args": True}


def flower_args(args: list[str]) -> list[str]:
    """Flower's options: 127.0.0.1 unless an --address is given (Flower's default is every interface)."""
    if not any(arg == "--address" or arg.startswith("--address=") for arg in args):
        args = ["--address=127.0.0.1", *args]
    return args


def flower_env(args: list[str], env: dict[str, str]) -> dict[str, str]:
    """NEWSSIEVE_FLOWER_USER / _PASSWORD as Flower's basic auth (by environment, not on the command line)."""
    password = env.get("NEWSSIEVE_FLOWER_PASSWORD")
    given = "FLOWER_BASIC_AUTH" in env or any(arg.startswith("--basic-auth") for arg in args)
    if password and not given:
        env = {**env, "FLOWER_BASIC_AUTH": f"{env.get('NEWSSIEVE_FLOWER_USER') or 'admin'}:{password}"}
    return env


@click.command(context_settings=PASS_THROUGH)
@click.argument("flower_options", nargs=-1, type=click.UNPROCESSED)
def flower(flower_options: tuple[str, ...]) -> None:
    """Start Flower on 127.0.0.1:5555 (any Flower option passes through, e.g. `--port=5556`).

    With NEWSSIEVE_FLOWER_PASSWORD set (and NEWSSIEVE_FLOWER_USER, default admin), Flower asks for
    that login. `newssieve flower -- --help` shows Flower's own options.
    """
    args = flower_args(list(flower_options))
    env = flower_env(args, dict(os.environ))
    os.chdir(PROJECT_ROOT)
    command = flower_command(args)
    os.execve(command[0], command, env)


COMMANDS = [flower]
