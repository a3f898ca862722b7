"""Station door posters: one A4 portrait page per station with a large QR code to the
station's short page (``/s/<code>``), where a courier sees the station or reports a
problem.

Pure builder: plain :class:`PosterStation` data in, matplotlib figures out. Amenities
are shown as icon badges: a coloured rounded square carrying a one-character sign
(水, 厕, 充 ...), the convention of Chinese public signage, with the Chinese and English
names beside it. Units are paper millimetres.
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
    printable,
    sheet_style,
    text_em,
    wrap,
)

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
        return _poster(station, settings)


def build_posters(stations: Sequence[PosterStation], settings: PrintSettings) -> list[Figure]:
    """One poster per station, in the order given."""
    with sheet_style():
        return [_poster(s, settings)[0] for s in stations]


def _poster(station: PosterStation, settings: PrintSettings) -> tuple[Figure, PosterLayout]:
    width, height = page_mm("A4")
    margin = 14.0
    # Patches go in with add_artist: the paper's limits are fixed (see draw_qr).
    fig, paper = new_sheet(width, height)
    # Header band.
    paper.add_artist(Rectangle((0, height - 38), width, 38, facecolor=ACCENT, edgecolor="none"))
    paper.text(margin, height - 17, "暖新驿站", fontsize=30, color="white", va="center")
    paper.text(
        margin,
        height - 30,
        "户外劳动者服务站点 · Rest station for outdoor workers",
        fontsize=11,
        color="white",
        va="center",
    )
    host = HOST_TYPE_BY_CODE.get(station.host_type)
    if host is not None:
        paper.text(
            width - margin,
            height - 17,
            printable(host.zh),
            fontsize=12,
            color="white",
            ha="right",
            va="center",
        )
    # Name and code.
    y = height - 52
    name_pt = 26 if text_em(station.name) <= 13 else 20
    name_lines = wrap(printable(station.name), (width - 2 * margin) / (name_pt / 72 * 25.4), 2)
    for line in name_lines:
        paper.text(margin, y, line, fontsize=name_pt, color=INK, va="center")
        y -= name_pt / 72 * 25.4 * 1.35
    paper.text(
        margin,
        y + 2,
        f"驿站编号 {station.code}"
        + (f"　{station.district_name}" if station.district_name else ""),
        fontsize=11,
        color=MUTED,
        va="center",
    )
    y -= 8
    paper.plot([margin, width - margin], [y, y], color="#d5d0c4", lw=0.8)
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
    value_x = margin + 24
    for label, value in details:
        paper.text(margin, y, label, fontsize=12, color=MUTED, va="top")
        lines = wrap(printable(value), (width - value_x - margin) / (13 / 72 * 25.4), 3)
        for line in lines:
            paper.text(value_x, y, line, fontsize=13, color=INK, va="top")
            y -= 6.6
        y -= 2.5
    y -= 3
    # Amenities as icon badges, two columns.
    paper.text(margin, y, "服务设施 Amenities", fontsize=12, color=MUTED, va="top")
    y -= 9
    amenities = [a for a in station.amenities if a in AMENITY_BY_CODE]
    qr_size = 72.0
    qr_y = margin + 14
    rows = (len(amenities) + 1) // 2
    step = min(12.0, max(7.0, (y - (qr_y + qr_size + 6)) / max(rows, 1)))
    badge = min(9.0, step - 1.5)
    col_w = (width - 2 * margin) / 2
    for k, code in enumerate(amenities):
        col, row = k % 2, k // 2
        bx = margin + col * col_w
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
        paper.text(
            bx + badge / 2,
            by + badge / 2,
            sign,
            fontsize=(badge * 1.6 if len(sign) == 1 else badge * 0.95),
            color="white",
            ha="center",
            va="center_baseline",
        )
        term = AMENITY_BY_CODE[code]
        paper.text(bx + badge + 3, by + badge * 0.62, term.zh, fontsize=12, color=INK, va="center")
        paper.text(
            bx + badge + 3, by + badge * 0.12, term.en, fontsize=7.5, color=MUTED, va="center"
        )
    if not amenities:
        paper.text(margin, y, "（暂无设施信息）", fontsize=11, color=MUTED, va="top")
    # QR code and its call to action.
    url = settings.station_url(station.code)
    qr_x = width - margin - qr_size
    draw_qr(paper, url, qr_x, qr_y, qr_size, error="q")
    paper.add_artist(
        Rectangle(
            (qr_x, qr_y), qr_size, qr_size, facecolor="none", edgecolor="#d5d0c4", lw=0.6, zorder=7
        )
    )
    tx = margin
    paper.text(tx, qr_y + qr_size - 6, "扫一扫", fontsize=22, color=ACCENT, va="top")
    paper.text(tx, qr_y + qr_size - 20, "查看驿站详情、导航前往", fontsize=13, color=INK, va="top")
    paper.text(
        tx,
        qr_y + qr_size - 28,
        "设施不符或无法使用？扫码报告问题",
        fontsize=11,
        color=INK,
        va="top",
    )
    paper.text(
        tx,
        qr_y + qr_size - 36,
        "Scan to see this station, navigate here",
        fontsize=9,
        color=MUTED,
        va="top",
    )
    paper.text(tx, qr_y + qr_size - 41, "or report a problem.", fontsize=9, color=MUTED, va="top")
    paper.text(qr_x + qr_size / 2, qr_y - 3, url, fontsize=8, color=MUTED, ha="center", va="top")
    # Footer.
    paper.plot([margin, width - margin], [margin + 4, margin + 4], color="#d5d0c4", lw=0.6)
    paper.text(
        margin,
        margin,
        f"stationmap · {settings.public_url}",
        fontsize=7.5,
        color=MUTED,
        va="bottom",
    )
    if station.is_demo:
        paper.text(
            width / 2,
            height / 2,
            "演示数据 DEMO",
            fontsize=60,
            color=ACCENT,
            alpha=0.12,
            rotation=30,
            ha="center",
            va="center",
            zorder=30,
        )
        paper.text(
            width - margin,
            margin,
            "演示数据 demo data，非真实驿站",
            fontsize=7.5,
            color=ACCENT,
            ha="right",
            va="bottom",
        )
    return fig, PosterLayout(qr_x, qr_y, qr_size, url)
