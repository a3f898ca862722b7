"""The ``stationmap`` entry point: the project's commands (:mod:`stationmap.cli`) and
``serve`` on one click group.

The commands sit on the group itself, so ``stationmap --help`` lists every one of them
without creating the app (no settings needed). The app is created only when a command
runs; a setting that stops it (no ``SECRET_KEY``, a bad ``DATABASE_URL`` ...) is told
as one ``Error:`` line with exit status 2, never a traceback.

``stationmap --help`` imports click and the command table only: not Flask, not a
command's module (see :data:`stationmap.cli.TABLE`).

This module sits above both the root package (it calls :func:`stationmap.create_app`)
and :mod:`stationmap.cli` (whose commands the app also registers), so neither of them
imports the other back.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import click

from stationmap import create_app
from stationmap.cli import ENTRIES, TableCommands, click_words
from stationmap.cli.lang import message_lang, worded

if TYPE_CHECKING:
    from flask import Flask


# click's own usage lines and errors in Chinese under a Chinese locale
click_words.install()


class ConfigProblem(click.ClickException):
    """A setting that stops the app: click prints ``Error: <message>`` (``错误：`` and
    the Chinese under a Chinese locale) and exits 2."""

    exit_code = 2


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn (production-grade; use a reverse proxy in front).
    The port opens once the nearest index is built; every worker starts with it."""
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # The app, its nearest index included, is built once in the master before
            # the socket opens and the workers fork (see stationmap/wsgi.py).
            self.cfg.set("preload_app", True)

        def load(self) -> Flask:
            from stationmap.wsgi import app  # built (and warmed) on import

            return app

    _create(web=False)  # a setting that stops the app is told here, in one line
    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers")
    _Server().run()


def _create(*_args: Any, web: bool = True) -> Flask:
    """The app for the commands; a setting that stops it (no ``SECRET_KEY``, a bad
    ``DATABASE_URL`` ...) is told in one line, never as a traceback."""
    from stationmap.config import ConfigError

    try:
        return create_app(web=web)
    except ConfigError as exc:
        raise ConfigProblem(worded(exc)) from None


def _paragraph(formatter: click.HelpFormatter, text: str) -> None:
    formatter.write_paragraph()
    with formatter.indentation():
        formatter.write_text(text)


class _StationmapGroup(TableCommands):
    """The project's commands (:data:`stationmap.cli.TABLE`) and ``serve``: listing or
    finding a command never creates the app (which needs ``SECRET_KEY`` and a
    database), so help always lists every command and an unknown name is told as such.

    A command that runs gets Flask's :class:`~flask.cli.ScriptInfo`, whose app
    (created on first use by ``with_appcontext``) is ``create_app(web=False)`` for the
    project's commands (none serves a page). Extensions' commands (``flask.commands``
    entry points: flask-limiter's ``limiter``) run too, with the whole app; they are
    looked up only when a name is not the project's (reading the installed packages'
    entry points costs more than the rest of ``--help``), and the epilog names them.
    """

    help_zh: ClassVar[Mapping[str, str]] = {
        **TableCommands.help_zh,
        "serve": "用 gunicorn 提供网站服务（前面请加反向代理）。",
    }

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if message_lang() == "zh":
            _paragraph(formatter, "stationmap：户外劳动者驿站。")
        else:
            super().format_help_text(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if message_lang() == "zh":
            _paragraph(formatter, "Flask 扩展的命令也在这里运行：stationmap limiter --help")
        else:
            super().format_epilog(ctx, formatter)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            from importlib import metadata

            for plugin in metadata.entry_points(group="flask.commands", name=cmd_name):
                command = plugin.load()
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command about to run, with the app it will get (not for a listing)."""
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and ctx.obj is None:
            from flask.cli import ScriptInfo

            ctx.obj = ScriptInfo(create_app=partial(_create, web=name not in ENTRIES))
        return name, command, rest


main = _StationmapGroup(
    name="stationmap",
    help="stationmap: rest stations for outdoor workers.",
    epilog="Flask extensions' commands run here too: stationmap limiter --help.",
)
main.add_command(serve_command)
