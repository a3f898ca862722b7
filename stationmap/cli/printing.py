"""Printing commands: district maps and station posters.

stationmap print-map DISTRICT -o FILE [--paper A4|A3] [--landscape] [--amenity CODE ...]
                                      [--title TEXT] [--format pdf|png]
                                      [--uncovered-m M] [--grids]
stationmap print-poster [STATION] -o FILE [--district CODE]

The printing stack (matplotlib, through the printing service) is imported when a
command runs, not when its ``--help`` is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from stationmap import catalog
from stationmap.app_state import state
from stationmap.cli.lang import Failure, say, worded
from stationmap.render.paper import PAPERS, PNG_DPI

if TYPE_CHECKING:
    from stationmap.render.sheet import PrintSettings

FORMATS = ("pdf", "png")


def _settings() -> PrintSettings:
    from stationmap.services import printing

    return printing.print_settings(state(current_app).settings)


@click.command("print-map")
@click.argument("district")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--paper", type=click.Choice(PAPERS), default="A4", show_default=True)
@click.option("--landscape", is_flag=True, help="Landscape instead of portrait.")
@click.option(
    "--amenity",
    "amenities",
    multiple=True,
    type=click.Choice(catalog.AMENITY_CODES),
    help="Only stations with this amenity (repeatable).",
)
@click.option("--title", default=None, help="Default: <district> 暖新驿站分布图.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Default: from the file name's extension (pdf if none).",
)
@click.option(
    "--uncovered-m",
    type=click.FloatRange(50, 5000),
    default=None,
    help="Hatch the part of the district farther than this (metres) from a station.",
)
@click.option("--grids", is_flag=True, help="Outline the district's imported grid cells.")
@with_appcontext
def print_map_command(
    district: str,
    output: Path,
    paper: str,
    landscape: bool,
    amenities: tuple[str, ...],
    title: str | None,
    fmt: str | None,
    uncovered_m: float | None,
    grids: bool,
) -> None:
    """Print the map of DISTRICT with a numbered station table (PDF, or PNG at 300 dpi:
    the map sheet to FILE and table pages to FILE-2.png, FILE-3.png ...)."""
    from stationmap.render.sheet import FontMissingError
    from stationmap.services import printing

    if fmt is None:
        fmt = "png" if output.suffix.lower() == ".png" else "pdf"
    app_state = state(current_app)
    try:
        with app_state.db.session() as session:
            sheet = printing.district_map(
                session,
                district,
                _settings(),
                app_state.settings.tz,
                paper=paper,
                landscape=landscape,
                amenities=amenities,
                title=title,
                uncovered_m=uncovered_m,
                grids=grids,
            )
    except printing.NotFound as exc:
        raise click.BadParameter(worded(exc), param_hint="DISTRICT") from exc
    except (ValueError, FontMissingError) as exc:
        raise Failure(worded(exc)) from exc
    if fmt == "pdf":
        data = sheet.pdf()
        output.write_bytes(data)
        written = [output]
    else:
        written = []
        for number, page in enumerate(sheet.png(PNG_DPI), 1):
            path = output if number == 1 else output.with_name(f"{output.stem}-{number}.png")
            path.write_bytes(page)
            written.append(path)
    size = sum(p.stat().st_size for p in written)
    demo = sum(s.is_demo for s in sheet.stations)
    files, pages, count = (
        ", ".join(str(p) for p in written),
        len(sheet.figures),
        len(sheet.stations),
    )
    click.echo(
        say(
            f"已写入 {files}（{pages} 页，{count} 个驿站"
            + (f"，其中 {demo} 个为演示" if demo else "")
            + f"，比例尺 1:{sheet.scale_denominator:,}，{size:,} 字节）。",
            f"Wrote {files} ({pages} pages, {count} stations"
            + (f", {demo} of them demo (演示)" if demo else "")
            + f", 1:{sheet.scale_denominator:,}, {size:,} bytes).",
        )
    )


@click.command("print-poster")
@click.argument("station", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--district", default=None, help="A poster for every station of this district.")
@with_appcontext
def print_poster_command(station: str | None, output: Path, district: str | None) -> None:
    """Print an A4 door poster with a QR code for STATION, or one page per station of
    --district, as one PDF."""
    from stationmap.render.sheet import FontMissingError
    from stationmap.services import printing

    if (station is None) == (district is None):
        raise click.UsageError(
            say(
                "请给出一个驿站编码（STATION）或 --district 行政区代码，二者选一",
                "give either a STATION code or --district CODE",
            )
        )
    try:
        with state(current_app).db.session() as session:
            batch = printing.posters_pdf(session, _settings(), station, district)
    except printing.NotFound as exc:
        hint = "STATION" if station else "--district"
        raise click.BadParameter(worded(exc), param_hint=hint) from exc
    except FontMissingError as exc:
        raise Failure(worded(exc)) from exc
    output.write_bytes(batch.pdf)
    size = len(batch.pdf)
    click.echo(
        say(
            f"已写入 {output}（{batch.count} 张门贴"
            + (f"，其中 {batch.demo} 张为演示驿站" if batch.demo else "")
            + f"，{size:,} 字节）。",
            f"Wrote {output} ({batch.count} posters"
            + (f", {batch.demo} demo (演示)" if batch.demo else "")
            + f", {size:,} bytes).",
        )
    )
