"""Station door posters: one A4 portrait page per station with a large QR code to the
station's short page (``/s/<code>``), where a courier sees the station or reports a
problem.

Pure builder: plain :class:`PosterStation` data in, a matplotlib figure
(:func:`build_poster`) or a PDF of many posters (:func:`posters_pdf`) out. Amenities
are shown as icon badges: a coloured rounded square carrying a one-character sign
(水, 厕, 充 ...), the convention of Chinese public signage, with the Chinese and English
names beside it. Units are paper millimetres.

Speed: a batch reuses one figure, building what every poster shares once, and sets its
text as :class:`~stationmap.render.textlines.TextLines` (no per-text measuring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from stationmap.catalog import AMENITY_BY_CODE, HOST_TYPE_BY_CODE
from stationmap.render.sheet import (
    ACCENT,
    INK,
    MUTED,
    PrintSettings,
    draw_qr,
    hours_zh,
    new_sheet,
    page_mm,
    pdf_bytes,
    printable,
    sheet_style,
    text_em,
    wrap,
)
from stationmap.render.textlines import HAlign, TextLines, VAlign

# amenity code -> (sign, badge colour)
ICONS: dict[str, tuple[str, str]] = {
    "seating": ("座", "#6d4c41"),
    "water": ("水", "#1565c0"),
    "microwave": ("热", "#e65100"),
    "fridge": ("冰", "#0277bd"),
    "phone_charging": ("充", "#2e7d32"),
    "ebike_charging": ("电", "#558b2f"),
    "air_conditioning": ("凉", "#00838f"),
    "heating": ("暖", "#d84315"),
    "toilet": ("厕", "#4527a0"),
    "first_aid": ("药", "#c62828"),
    "aed": ("AED", "#b71c1c"),
    "wifi": ("网", "#283593"),
    "reading": ("书", "#5d4037"),
    "rain_gear": ("伞", "#1976d2"),
    "repair": ("修", "#455a64"),
    "lockers": ("柜", "#6a1b9a"),
    "meals": ("餐", "#ef6c00"),
    "legal_help": ("法", "#37474f"),
    "childcare": ("童", "#ad1457"),
}


@dataclass(frozen=True)
class PosterStation:
    code: str
    name: str
    address: str = ""
    host_type: str = "other"
    amenities: tuple[str, ...] = ()
    opening_hours: str | None = None
    phone: str = ""
    is_demo: bool = False
    district_name: str = ""


@dataclass(frozen=True)
class PosterLayout:
    """Where the QR code went (paper mm), for tests and for callers that overlay it."""

    qr_x: float
    qr_y: float
    qr_size: float
    url: str


def build_poster(station: PosterStation, settings: PrintSettings) -> tuple[Figure, PosterLayout]:
    """One A4 portrait poster for ``station``."""
    with sheet_style():
        sheet = _PosterSheet(settings)
        return sheet.figure, sheet.fill(station)


def posters_pdf(
    stations: Sequence[PosterStation], settings: PrintSettings, title: str = ""
) -> bytes:
    """One poster page per station, in the order given, as one PDF.

    One sheet serves every page: what all posters share (header, call to action,
    footer) is built once, and each station's text and QR code replace the previous
    station's just before its page is written.
    """
    with sheet_style():
        sheet = _PosterSheet(settings)
        return pdf_bytes((sheet.page(s) for s in stations), title=title)


_WIDTH, _HEIGHT = page_mm("A4")
_MARGIN = 14.0
_QR_SIZE = 72.0
_QR_X, _QR_Y = _WIDTH - _MARGIN - _QR_SIZE, _MARGIN + 14
_RULE = "#d5d0c4"


def _fitted_name(name: str) -> tuple[float, list[str]]:
    """The poster's name size (pt) and its lines: 26 pt on one line when it fits, else
    the largest of 20 and 16 pt at which the whole name fits two lines (60 characters
    of Chinese do at 16 pt); past that, 16 pt cut with …."""
    text = printable(name)
    sizes = (26.0,) if text_em(name) <= 13 else (20.0, 16.0)
    for pt in sizes:
        lines = wrap(text, (_WIDTH - 2 * _MARGIN) / (pt / 72 * 25.4), 2)
        if len(lines) == 1 or not lines[-1].endswith("…"):
            break
    return pt, lines


class _PosterSheet:
    """An A4 poster figure: the parts every poster shares, and :meth:`fill` for one
    station's. Units are paper millimetres; patches go in with ``add_artist`` because
    the paper's limits are fixed (see :func:`~stationmap.render.sheet.draw_qr`)."""

    def __init__(self, settings: PrintSettings) -> None:
        self.settings = settings
        self.figure, self.paper = new_sheet(_WIDTH, _HEIGHT)
        paper = self.paper
        # Header band.
        paper.add_artist(
            Rectangle((0, _HEIGHT - 38), _WIDTH, 38, facecolor=ACCENT, edgecolor="none")
        )
        self._text(_MARGIN, _HEIGHT - 17, ["暖新驿站"], 30, color="white", va="center")
        self._text(
            _MARGIN,
            _HEIGHT - 30,
            ["户外劳动者服务站点 · Rest station for outdoor workers"],
            11,
            color="white",
            va="center",
        )
        # The QR code's frame and its call to action.
        paper.add_artist(
            Rectangle(
                (_QR_X, _QR_Y),
                _QR_SIZE,
                _QR_SIZE,
                facecolor="none",
                edgecolor=_RULE,
                lw=0.6,
                zorder=7,
            )
        )
        top = _QR_Y + _QR_SIZE
        self._text(_MARGIN, top - 6, ["扫一扫"], 22, color=ACCENT, va="top")
        self._text(_MARGIN, top - 20, ["查看驿站详情、导航前往"], 13, va="top")
        self._text(_MARGIN, top - 28, ["设施不符或无法使用？扫码报告问题"], 11, va="top")
        self._text(
            _MARGIN,
            top - 36,
            ["Scan to see this station, navigate here", "or report a problem."],
            9,
            color=MUTED,
            va="top",
            step=5.0,
        )
        # Footer.
        paper.plot([_MARGIN, _WIDTH - _MARGIN], [_MARGIN + 4, _MARGIN + 4], color=_RULE, lw=0.6)
        self._text(
            _MARGIN,
            _MARGIN,
            [printable(f"stationmap · {settings.public_url}")],
            7.5,
            color=MUTED,
            va="bottom",
        )
        self._shared = set(paper.get_children())

    def _text(
        self,
        x: float,
        y: float,
        lines: list[str],
        size_pt: float,
        *,
        color: str = INK,
        ha: HAlign = "left",
        va: VAlign = "baseline",
        step: float = 0.0,
    ) -> None:
        """``lines`` from (x, y) down, ``step`` mm apart."""
        self.paper.add_artist(
            TextLines(
                [(x, y - k * step) for k in range(len(lines))],
                lines,
                size_pt,
                color=color,
                ha=ha,
                va=va,
            )
        )

    def page(self, station: PosterStation) -> Figure:
        """The figure, showing ``station``'s poster."""
        self.fill(station)
        return self.figure

    def fill(self, station: PosterStation) -> PosterLayout:
        """Replace the previous station's parts with ``station``'s."""
        paper = self.paper
        for artist in paper.get_children():
            if artist not in self._shared:
                artist.remove()
        host = HOST_TYPE_BY_CODE.get(station.host_type)
        if host is not None:
            self._text(
                _WIDTH - _MARGIN,
                _HEIGHT - 17,
                [printable(host.zh)],
                12,
                color="white",
                ha="right",
                va="center",
            )
        # Name and code.
        y = _HEIGHT - 52
        name_pt, name_lines = _fitted_name(station.name)
        name_step = name_pt / 72 * 25.4 * 1.35
        self._text(_MARGIN, y, name_lines, name_pt, va="center", step=name_step)
        y -= name_step * len(name_lines)
        self._text(
            _MARGIN,
            y + 2,
            [
                printable(
                    f"驿站编号 {station.code}"
                    + (f"　{station.district_name}" if station.district_name else "")
                )
            ],
            11,
            color=MUTED,
            va="center",
        )
        y -= 8
        paper.plot([_MARGIN, _WIDTH - _MARGIN], [y, y], color=_RULE, lw=0.8)
        y -= 8
        # Details.
        hours = hours_zh(station.opening_hours)
        details = [
            ("地址", station.address or "—"),
            (
                "开放时间",
                hours
                + (
                    f"（{station.opening_hours}）"
                    if station.opening_hours and hours != station.opening_hours and len(hours) < 24
                    else ""
                ),
            ),
            ("电话", station.phone or "—"),
        ]
        value_x = _MARGIN + 24
        for label, value in details:
            self._text(_MARGIN, y, [label], 12, color=MUTED, va="top")
            lines = wrap(printable(value), (_WIDTH - value_x - _MARGIN) / (13 / 72 * 25.4), 3)
            self._text(value_x, y, lines, 13, va="top", step=6.6)
            y -= 6.6 * len(lines) + 2.5
        y -= 3
        # Amenities as icon badges, two columns.
        self._text(_MARGIN, y, ["服务设施 Amenities"], 12, color=MUTED, va="top")
        y -= 9
        amenities = [a for a in station.amenities if a in AMENITY_BY_CODE]
        rows = (len(amenities) + 1) // 2
        step = min(12.0, max(7.0, (y - (_QR_Y + _QR_SIZE + 6)) / max(rows, 1)))
        badge = min(9.0, step - 1.5)
        col_w = (_WIDTH - 2 * _MARGIN) / 2
        for k, code in enumerate(amenities):
            col, row = k % 2, k // 2
            bx = _MARGIN + col * col_w
            by = y - row * step - badge
            sign, colour = ICONS.get(code, ("·", "#616161"))
            paper.add_artist(
                FancyBboxPatch(
                    (bx, by),
                    badge,
                    badge,
                    boxstyle="round,pad=0,rounding_size=1.6",
                    facecolor=colour,
                    edgecolor="none",
                )
            )
            self._text(
                bx + badge / 2,
                by + badge / 2,
                [sign],
                badge * 1.6 if len(sign) == 1 else badge * 0.95,
                color="white",
                ha="center",
                va="center_baseline",
            )
            term = AMENITY_BY_CODE[code]
            self._text(bx + badge + 3, by + badge * 0.62, [term.zh], 12, va="center")
            self._text(bx + badge + 3, by + badge * 0.12, [term.en], 7.5, color=MUTED, va="center")
        if not amenities:
            self._text(_MARGIN, y, ["（暂无设施信息）"], 11, color=MUTED, va="top")
        # QR code and its address.
        url = self.settings.station_url(station.code)
        draw_qr(paper, url, _QR_X, _QR_Y, _QR_SIZE, error="q")
        self._text(
            _QR_X + _QR_SIZE / 2, _QR_Y - 3, [printable(url)], 8, color=MUTED, ha="center", va="top"
        )
        if station.is_demo:
            paper.text(
                _WIDTH / 2,
                _HEIGHT / 2,
                "演示数据 DEMO",
                fontsize=60,
                color=ACCENT,
                alpha=0.12,
                rotation=30,
                ha="center",
                va="center",
                zorder=30,
            )
            self._text(
                _WIDTH - _MARGIN,
                _MARGIN,
                ["演示数据 demo data，非真实驿站"],
                7.5,
                color=ACCENT,
                ha="right",
                va="bottom",
            )
        return PosterLayout(_QR_X, _QR_Y, _QR_SIZE, url)
