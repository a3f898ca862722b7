"""``stationmap import-stations FILE``: import CSV / XLSX / XLS / GeoJSON / GPKG / SHP zip, all
or nothing, and say what was done or what to fix, in the terminal's language: each
error and note names its sheet, row and column and the field (in Chinese under a
Chinese locale: 工作表“驿站”，第 5 行，E 列，纬度：...).

The import service (and the database layer under it) is imported when the command
runs, not when its ``--help`` is shown.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap.app_state import state
from stationmap.cli.lang import datum_problem, message_lang, say
from stationmap.geo.datum import Datum, parse_datum
from stationmap.tabular.problem_list import ProblemGroup, field_words, group_problems

if TYPE_CHECKING:
    from stationmap.services import transfer

# Changes made from the command line are recorded in station history under this name.
CLI_ACTOR_NAME = "cli"


def _print_errors(report: transfer.ImportReport) -> None:
    """Each error with its place; the same error on many rows once, naming the rows."""
    for group in group_problems(report.errors):
        click.echo(f"  {_group_line(group)}", err=True)


def _datum_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Datum | None:
    if value is None:
        return None
    try:
        return parse_datum(value)
    except ValueError:
        raise click.BadParameter(datum_problem(value)) from None


class _Refused(Exception):
    """Raised inside the write session so that nothing an import did is kept."""


def _print_conflicts(report: transfer.ImportReport) -> None:
    for conflict in report.conflicts:
        where = _where(conflict.sheet, conflict.row, None)
        code, was, now = conflict.code, conflict.file_version, conflict.stored_version
        click.echo(
            say(
                f"  {where}{code} 导出时为第 {was} 版，之后又被修改（现为第 {now} 版）：",
                f"  {where}{code} was exported at version {was} and edited since "
                f"(now version {now}):",
            ),
            err=True,
        )
        for name, (stored, given) in conflict.changes.items():
            click.echo(
                say(
                    f"    {_field(name)}系统中为 {stored!r}，文件中为 {given!r}",
                    f"    {_field(name)}stored {stored!r}, file {given!r}",
                ),
                err=True,
            )


def _field(name: str) -> str:
    """``纬度：`` or ``lat: ``: the field a message is about, as the terminal reads it."""
    return say(f"{field_words(name, 'zh')}：", f"{name}: ")


def _where(sheet: str | None, row: int | None, column: str | None) -> str:
    """``工作表“驿站”，第 5 行，E 列，`` or ``sheet '驿站', row 5, column E, ``."""
    if message_lang() == "zh":
        parts = (
            f"工作表“{sheet}”" if sheet is not None else None,
            f"第 {row} 行" if row is not None else None,
            f"{column} 列" if column is not None else None,
        )
        return "".join(f"{part}，" for part in parts if part)
    return "".join(
        (
            f"sheet {sheet!r}, " if sheet is not None else "",
            f"row {row}, " if row is not None else "",
            f"column {column}, " if column is not None else "",
        )
    )


def _group_line(group: ProblemGroup) -> str:
    """``工作表“驿站”，第 2-5、8 行（共 5 行），E 列，纬度：...``: a message said once for
    the rows it is about, its place said once (a problem of the whole file has none)."""
    lang = message_lang()
    sheet = say(f"工作表“{group.sheet}”，", f"sheet {group.sheet!r}, ") if group.sheet else ""
    rows = group.rows_text(lang)
    rows = say(f"{rows}，", f"{rows}, ") if rows else ""
    place = f"{sheet}{rows}{_where(None, None, group.column)}"
    if group.field == "file" and place:
        return f"{place.rstrip('，, ')}{say('：', ': ')}{group.text(lang)}"
    return f"{place}{_field(group.field)}{group.text(lang)}"


def _print_notes(report: transfer.ImportReport) -> None:
    """Each note with its place; the same note on many rows (全天 read as 24/7 on every
    row, say) once, naming the rows."""
    check = say("请核对 ", "check ")
    for group in group_problems(report.notes):
        click.echo(f"  {check}{_group_line(group)}", err=True)


@click.command("import-stations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option(
    "--datum",
    default=None,
    callback=_datum_option,
    help="The datum of coordinates in rows that do not state theirs: wgs84 (GPS), gcj02 "
    "(AMap, Tencent) or bd09 (Baidu). Required when the file has no 坐标系 column.",
)
@click.option(
    "--overwrite-newer",
    is_flag=True,
    help="Apply rows exported before a later edit of their station (their 版本 is older).",
)
@with_appcontext
def import_command(file: Path, dry_run: bool, datum: Datum | None, overwrite_newer: bool) -> None:
    """Import stations from a CSV (UTF-8 or GBK), XLSX, XLS, GeoJSON, GeoPackage or
    zipped Shapefile FILE.

    Rows are matched by code (updated) or created. One bad row rejects the whole file.
    Every created or changed station gets a revision in its history, by "cli".
    """
    from stationmap.services import transfer
    from stationmap.services.revisions import Actor

    data = file.read_bytes()
    try:
        with state(current_app).db.write_session() as session:
            report = transfer.import_stations(
                session,
                data,
                file.name,
                apply=not dry_run,
                actor=Actor(user_id=None, name=CLI_ACTOR_NAME),
                datum=datum,
                overwrite=overwrite_newer,
            )
            if report.ok and report.conflicts and not overwrite_newer:
                raise _Refused
    except _Refused:
        count = len(report.conflicts)
        click.echo(
            say(
                f"{file.name}：未导入。有 {count} 行是在其驿站被修改之前导出的："
                "请重新导出后再改，或加上 --overwrite-newer 用文件中的值覆盖这些修改：",
                f"{file.name}: rejected, nothing imported: {count} row(s) were "
                "exported before a later edit of their station. Export again, or give "
                "--overwrite-newer to replace the edits:",
            ),
            err=True,
        )
        _print_conflicts(report)
        sys.exit(1)
    if report.datum_needed:
        message = say(
            f"{file.name}：未导入。文件没有“坐标系”列（或有空格）：请说明坐标来自哪里，"
            "加上 --datum wgs84（GPS、天地图）、gcj02（高德、腾讯）或 bd09（百度）。",
            f"{file.name}: rejected, nothing imported: the file has no 坐标系 (datum) "
            "column. Give --datum wgs84 (GPS), gcj02 (AMap, Tencent) or bd09 (Baidu).",
        )
        if (hint := report.datum_hint) is not None:
            message += say(
                f"{hint.said('zh')}：若属实，请加 --datum {hint.datum}。",
                f" In the file, {hint.said('en')}: if so, give --datum {hint.datum}.",
            )
        click.echo(message, err=True)
        sys.exit(1)
    if not report.ok:
        count = len(report.errors)
        click.echo(
            say(
                f"{file.name}：未导入任何内容，共 {count} 处问题，改正后再导入：",
                f"{file.name}: rejected, nothing imported ({count} problems):",
            ),
            err=True,
        )
        _print_errors(report)
        sys.exit(1)
    _print_notes(report)
    created, updated = len(report.result.created), len(report.result.updated)
    unchanged = len(report.result.unchanged)
    if message_lang() == "zh":
        will = "（试运行，未作任何修改）；将" if dry_run else "；"
        also = "将" if dry_run else ""
        click.echo(
            f"{file.name}：{report.rows} 行{will}新建 {created} 个，{also}更新 {updated} 个，"
            f"{unchanged} 个不变。"
        )
        return
    verb = "would create" if dry_run else "created"
    click.echo(
        f"{file.name}: {report.rows} rows; {verb} {created}, "
        f"{'would update' if dry_run else 'updated'} {updated}, unchanged {unchanged}."
    )
