"""The ``stationmap`` entry point: the project's commands (:mod:`stationmap.cli`) and
``serve`` on one click group.

The commands sit on the group itself, so ``stationmap --help`` lists every one of them
without creating the app (no settings needed). The app is created only when a command
runs; a setting that stops it (no ``SECRET_KEY``, a bad ``DATABASE_URL`` ...) is told
as one ``Error:`` line with exit status 2, never a traceback.

This module sits above both the root package (it calls :func:`stationmap.create_app`)
and :mod:`stationmap.cli` (whose commands the app also registers), so neither of them
imports the other back.
"""

from __future__ import annotations

from functools import partial
from importlib import metadata
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

from stationmap import create_app
from stationmap.cli import ENTRIES, TableCommands
from stationmap.config import ConfigError


class ConfigProblem(click.ClickException):
    """A setting that stops the app: click prints ``Error: <message>`` and exits 2."""

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
    try:
        return create_app(web=web)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


class _StationmapGroup(TableCommands, FlaskGroup):
    """A FlaskGroup whose commands are its own and :data:`stationmap.cli.TABLE`'s:
    listing or finding a command never creates the app (which needs ``SECRET_KEY`` and
    a database), so help always lists every command and an unknown name is told as such.

    Extensions' commands (``flask.commands`` entry points, e.g. flask-limiter's
    ``limiter``) are listed by name and imported only when one runs. The project's
    commands get the app without its blueprints (``create_app(web=False)``: none serves
    a page); extensions' commands get the whole app.
    """

    def _plugins(self) -> dict[str, metadata.EntryPoint]:
        return {ep.name: ep for ep in metadata.entry_points(group="flask.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        plugin = self._plugins().get(cmd_name) if command is None else None
        if plugin is not None:
            command = plugin.load()
        info = ctx.find_object(ScriptInfo)
        if command is not None and info is not None:
            info.create_app = partial(_create, web=cmd_name not in ENTRIES)
        return command

    def listed_help(self, ctx: click.Context, name: str) -> str | None:
        plugin = self._plugins().get(name)
        if plugin is not None and name not in self.commands:
            source = plugin.dist.name if plugin.dist is not None else plugin.module
            return f"{source}'s command (see stationmap {name} --help)."
        return super().listed_help(ctx, name)


main = _StationmapGroup(
    name="stationmap",
    create_app=_create,
    add_default_commands=False,
    add_version_option=False,
    help="stationmap: rest stations for outdoor workers.",
)
main.add_command(serve_command)
