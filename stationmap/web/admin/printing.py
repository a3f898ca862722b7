"""Printing: the district list, a district's printed map (PDF or PNG) and its door
posters.

The printing service (and matplotlib, which it draws with) is imported by the first
printing request, not by every worker at start: most workers never print.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from flask import Response, abort, current_app, render_template, request

from stationmap import catalog
from stationmap.app_state import state
from stationmap.web.admin import bp
from stationmap.web.admin.common import _db, _me
from stationmap.web.i18n import current_lang, tr

if TYPE_CHECKING:
    from stationmap.render.sheet import FontMissingError, PrintSettings

PRINT_TYPES = {"pdf": "application/pdf", "png": "image/png"}
UNCOVERED_CHOICES = ("", "500", "1000", "2000")


def _printable_or_404(code: str) -> str:
    """The district ``code`` if the user may see it; 404 otherwise, exactly as for a
    district that does not exist."""
    codes = _me().scope.codes
    if not code.isascii() or not code.isalnum() or len(code) > 32:
        abort(404, tr("没有这个区县。", "No such district."))
    if codes is not None and code not in codes:
        abort(
            404, tr("没有这个区县，或它不在您负责的范围内。", "No such district in your districts.")
        )
    return code


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


def _worded(exc: Exception) -> str:
    """An error's message in the interface's language where it carries both
    (``text(lang)``), else as it was raised."""
    text = getattr(exc, "text", None)
    return str(text(current_lang())) if callable(text) else str(exc)


def _no_font(exc: FontMissingError) -> NoReturn:
    """The server lacks the font sheets are set in: logged for the operator, and told
    to the administrator in the interface's language (what to ask them to install)."""
    current_app.logger.error("printing without a CJK font: %s", exc)
    abort(500, _worded(exc))


def _print_settings() -> PrintSettings:
    from stationmap.services import printing as printing_service

    return printing_service.print_settings(state(current_app).settings)


@bp.get("/print")
def print_page() -> str:
    from stationmap.services import printing as printing_service

    with _db().session() as session:
        rows = printing_service.printable_districts(session, _me().scope.codes)
    return render_template("admin/print.html", districts=rows)


@bp.get("/print/<code>/map")
def print_district_map(code: str) -> Response:
    """The district's printed map as a download: PDF (map sheet, core insets, station
    table) or PNG (the map sheet at 300 dpi, for sharing in WeChat)."""
    from stationmap.render.sheet import FontMissingError
    from stationmap.services import printing as printing_service

    code = _printable_or_404(code)
    paper = request.args.get("paper", "A4")
    fmt = request.args.get("format", "pdf")
    orientation = request.args.get("orientation", "portrait")
    if paper not in ("A4", "A3") or fmt not in PRINT_TYPES:
        abort(
            400,
            tr(
                "纸张只能是 A4 或 A3，格式只能是 pdf 或 png。",
                "paper must be A4 or A3 and format pdf or png",
            ),
        )
    if orientation not in ("portrait", "landscape"):
        abort(
            400,
            tr(
                "方向只能是 portrait（纵向）或 landscape（横向）。",
                "orientation must be portrait or landscape",
            ),
        )
    uncovered = request.args.get("uncovered", "")
    if uncovered not in UNCOVERED_CHOICES:
        abort(
            400,
            tr("未覆盖范围只能是 500、1000 或 2000 米。", "uncovered must be 500, 1000 or 2000."),
        )
    app_state = state(current_app)
    try:
        with _db().session() as session:
            sheet = printing_service.district_map(
                session,
                code,
                _print_settings(),
                app_state.settings.tz,
                paper=paper,
                landscape=orientation == "landscape",
                uncovered_m=float(uncovered) if uncovered else None,
                grids=request.args.get("grids") == "1",
            )
    except printing_service.NotFound:
        abort(404, tr("没有这个区县。", "No such district."))
    except ValueError as exc:  # no boundary to draw (NoBoundary), or one unusable
        abort(422, _worded(exc))
    except FontMissingError as exc:
        _no_font(exc)
    data = sheet.pdf() if fmt == "pdf" else sheet.png()[0]
    # The name is built here from the stored district code, never from the request.
    name = f"district-{code}-{paper}-{orientation}.{fmt}"
    return _download(data, PRINT_TYPES[fmt], name)


@bp.get("/print/<code>/posters")
def print_district_posters(code: str) -> Response:
    """One A4 door poster per active station of the district, as one PDF."""
    from stationmap.render.sheet import FontMissingError
    from stationmap.services import printing as printing_service

    code = _printable_or_404(code)
    try:
        with _db().session() as session:
            batch = printing_service.posters_pdf(session, _print_settings(), district=code)
    except FontMissingError as exc:
        _no_font(exc)
    except printing_service.NotFound:
        active = catalog.STATUS_BY_CODE["active"]
        abort(
            404,
            tr(
                f"没有这个区县，或区县内没有{active.zh}的驿站。",
                f"No such district, or it has no {active.en.lower()} station.",
            ),
        )
    return _download(batch.pdf, PRINT_TYPES["pdf"], f"posters-{code}.pdf")
