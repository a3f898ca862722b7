"""Printed sheets: paper, the CJK font, page-coordinate helpers, QR codes and writers.

Shared by :mod:`stationmap.render.printmap` (district maps) and
:mod:`stationmap.render.poster` (door posters). Pure: no Flask, no database.

* **Figures** are :class:`matplotlib.figure.Figure` objects built directly (never
  ``pyplot``, which keeps every figure alive in a global registry).
* **Page coordinates** are millimetres from the lower-left corner of the paper: each
  sheet has a full-page "paper" axes whose data units are millimetres.
* **Fonts.** Chinese text is set in WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``).
  matplotlib reads only the first face of a ``.ttc``; for ``wqy-microhei.ttc`` that is
  the simplified-Chinese proportional face. PDFs embed it as TrueType (``pdf.fonttype =
  42``), so text stays selectable and extractable. Characters the font lacks are
  replaced by 〓 (the typesetter's placeholder) instead of an empty box.
* **QR codes** are vector paths (one compound path of module runs), crisp at any size;
  their modules come from :mod:`stationmap.render.qr_symbol`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from stationmap.geo.hours_text import describe_schedule
from stationmap.render.paper import PAPER_MM, PAPERS, PNG_DPI
from stationmap.worded_error import WordedError

MM_PER_INCH = 25.4
PT_PER_MM = 72.0 / MM_PER_INCH

FONT_FAMILY = "WenQuanYi Micro Hei"
FONT_PACKAGE = "fonts-wqy-microhei"
# Searched when matplotlib's font list does not know the family (a font installed after
# matplotlib built its cache).
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/local/share/fonts/wqy-microhei.ttc"),
)
MISSING_GLYPH = "〓"

INK = "#1f1f1f"
MUTED = "#5f6368"
ACCENT = "#b3261e"
LAND = "#f4f1ea"
WATER = "#dce9f2"


#: What a :class:`FontMissingError` says, in English and in Chinese.
_FONT_TEXT: dict[str, tuple[str, str]] = {
    "no_font": (
        "No CJK font for printed sheets: install {family} "
        "(Debian: `apt-get install {package}`), then run again.",
        "服务器上没有印制所需的中文字体：请安装 {family}（文泉驿微米黑，"
        "Debian 上运行 `apt-get install {package}`）后再试。",
    )
}


class FontMissingError(WordedError, RuntimeError):
    """No CJK font is installed; the message names the Debian package to install."""

    TEXT = _FONT_TEXT


@dataclass(frozen=True)
class PrintSettings:
    """What printed sheets need from the configuration.

    Attributes
    ----------
    public_url : str
        The site's public base URL, without a trailing slash; QR codes link below it.
    basemap_source : str
        The base map's source as printed in the footer (e.g. ``"天地图"``); empty when
        no base map is configured.
    basemap_approval : str
        The base map's review number (审图号), e.g. ``"GS(2024)0650号"``; empty if none.
    data_source : str
        Who the station data comes from, printed in the footer.
    """

    public_url: str = "http://127.0.0.1:5000"
    basemap_source: str = ""
    basemap_approval: str = ""
    data_source: str = "stationmap 驿站数据库"

    def district_url(self, code: str) -> str:
        return f"{self.public_url}/?district={code}"

    def station_url(self, code: str) -> str:
        return f"{self.public_url}/s/{code}"


# -- paper ---------------------------------------------------------------------------
def page_mm(paper: str, landscape: bool = False) -> tuple[float, float]:
    """Width and height of the sheet in millimetres."""
    try:
        width, height = PAPER_MM[paper]
    except KeyError:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}") from None
    return (height, width) if landscape else (width, height)


def new_sheet(width_mm: float, height_mm: float) -> tuple[Figure, Axes]:
    """A figure of the given paper size and its full-page axes in millimetres."""
    fig = Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), facecolor="white")
    paper = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    paper.set_xlim(0, width_mm)
    paper.set_ylim(0, height_mm)
    paper.set_axis_off()
    # The paper axes is transparent and drawn over map axes (north arrow, scale bar).
    paper.set_zorder(5)
    return fig, paper


def axes_mm(fig: Figure, box: tuple[float, float, float, float]) -> Axes:
    """New axes covering ``box`` = (x, y, width, height) in millimetres on ``fig``."""
    width_in, height_in = fig.get_size_inches()
    page_w, page_h = width_in * MM_PER_INCH, height_in * MM_PER_INCH
    x, y, w, h = box
    return fig.add_axes((x / page_w, y / page_h, w / page_w, h / page_h))


# -- fonts ---------------------------------------------------------------------------
@cache
def cjk_font_path() -> Path:
    """The file of the CJK font sheets are set in.

    Raises
    ------
    FontMissingError
        If WenQuanYi Micro Hei is not installed (Debian ``fonts-wqy-microhei``).
    """
    for entry in font_manager.fontManager.ttflist:
        if entry.name == FONT_FAMILY:
            return Path(entry.fname)
    for path in FONT_FILES:
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return path
    raise FontMissingError("no_font", {"family": FONT_FAMILY, "package": FONT_PACKAGE})


@cache
def _charmap() -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(cjk_font_path()))
    return frozenset(font.get_charmap())


def printable(text: str) -> str:
    """``text`` with characters the font cannot draw replaced by 〓 and control
    characters (tabs, newlines) turned into spaces."""
    return "".join(map(_printable_char, text))


@lru_cache(maxsize=65536)
def _printable_char(ch: str) -> str:
    if ch in "\t\r\n" or unicodedata.category(ch) == "Cc":
        return " "
    if ord(ch) in _charmap() or ch == " ":
        return ch
    return MISSING_GLYPH


@contextmanager
def sheet_style() -> Iterator[None]:
    """matplotlib settings for printed sheets: the CJK font, embedded as TrueType."""
    cjk_font_path()
    with rc_context(
        {
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "font.family": [FONT_FAMILY],
            "font.size": 8,
            "axes.unicode_minus": False,
            # Titles, names and footers are people's text: "$" is a dollar sign, never
            # the start of mathtext (an unbalanced formula would fail the whole sheet).
            "text.parse_math": False,
            "path.simplify": True,
            "pdf.compression": 6,
        }
    ):
        yield


# -- text ----------------------------------------------------------------------------
def text_em(text: str) -> float:
    """Approximate advance width of ``text`` in ems: CJK and full-width characters are
    1 em, others about 0.6 em (a safe upper bound for WenQuanYi's Latin)."""
    return sum(_char_em(ch) for ch in text)


@cache
def _char_em(char: str) -> float:
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6


def wrap(text: str, width_em: float, max_lines: int = 3) -> list[str]:
    """Break ``text`` into lines no wider than ``width_em`` ems, at most ``max_lines``
    (the last one ends with … when text is cut). Latin words break at spaces where
    possible; Chinese breaks between any two characters."""
    text = " ".join(text.split())
    if not text:
        return [""]
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        width = 0.0
        cut = len(rest)
        for i, ch in enumerate(rest):
            width += _char_em(ch)
            if width > width_em:
                cut = max(i, 1)
                break
        if cut < len(rest):
            space = rest.rfind(" ", 0, cut + 1)
            if space > cut * 0.5:
                cut = space
            # No line starts with closing punctuation: keep it on this line.
            while cut < len(rest) and rest[cut] in _NO_LINE_START:
                cut += 1
        lines.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        last = lines[-1]
        while last and text_em(last + "…") > width_em:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


_NO_LINE_START = "，。、；：？！）》」』】,.;:?!)"


def hours_zh(text: str | None) -> str:
    """OSM ``opening_hours`` made readable in Chinese: ``Mo-Fr 08:00-20:00; PH off`` ->
    ``周一至周五 08:00-20:00；节假日 休息``. Unknown hours give 未知. The words are the
    pages' and the API's (:func:`stationmap.geo.hours_text.describe_schedule`)."""
    return describe_schedule(text, "zh")


# -- QR codes ------------------------------------------------------------------------
@dataclass(frozen=True)
class QRCode:
    """A QR code as a vector path in module units (y up, origin lower left, no quiet
    zone) and the number of modules per side."""

    data: str
    path: MplPath
    modules: int


def qr_code(data: str, error: str = "m") -> QRCode:
    """Encode ``data`` (a URL) as a QR code (:func:`~stationmap.render.qr_symbol.qr_symbol`);
    horizontal runs of dark modules become one rectangle each, so the path stays small."""
    from stationmap.render.qr_symbol import qr_symbol

    modules = qr_symbol(data, error).modules
    n = modules.shape[0]
    padded = np.zeros((n, n + 2), dtype=np.int8)
    padded[:, 1:-1] = modules
    rows, cols = np.nonzero(np.diff(padded, axis=1))  # run starts and stops, alternating
    y0 = (n - 1 - rows[::2]).astype(np.float64)
    x0, x1 = cols[::2].astype(np.float64), cols[1::2].astype(np.float64)
    y1 = y0 + 1
    verts = np.stack(
        [np.stack(corner, axis=1) for corner in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))],
        axis=1,
    ).reshape(-1, 2)
    codes = np.tile(_SQUARE_CODES, len(x0))
    return QRCode(data, MplPath(verts, codes), n)


_SQUARE_CODES = np.array(
    [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY],
    dtype=MplPath.code_type,
)


def draw_qr(ax: Axes, data: str, x: float, y: float, size: float, error: str = "m") -> QRCode:
    """Draw a QR code for ``data`` with its lower-left corner at (x, y) and side
    ``size`` in ``ax``'s data units (millimetres on a paper axes), including a white
    quiet zone of 4 modules inside that square."""
    qr = qr_code(data, error)
    total = qr.modules + 8
    unit = size / total
    # add_artist, not add_patch: the caller's limits are fixed, and updating them walks
    # every segment of the code's path (most of a poster's build time).
    ax.add_artist(Rectangle((x, y), size, size, facecolor="white", edgecolor="none", zorder=5))
    transform = Affine2D().scale(unit).translate(x + 4 * unit, y + 4 * unit) + ax.transData
    ax.add_artist(
        PathPatch(qr.path, facecolor="black", edgecolor="none", transform=transform, zorder=6)
    )
    return qr


# -- writers -------------------------------------------------------------------------
def pdf_bytes(figures: Iterable[Figure], title: str = "", author: str = "stationmap") -> bytes:
    """The figures as one PDF, one page each, fonts embedded as TrueType."""
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with (
        sheet_style(),
        PdfPages(
            buffer, metadata={"Title": title, "Author": author, "Creator": "stationmap"}
        ) as pdf,
    ):
        for fig in figures:
            pdf.savefig(fig)
    return buffer.getvalue()


def png_bytes(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """One figure as a PNG at ``dpi`` (300 for print, less for a screen copy)."""
    buffer = io.BytesIO()
    with sheet_style():
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def pages_png(figures: Sequence[Figure], dpi: int = PNG_DPI) -> list[bytes]:
    return [png_bytes(fig, dpi) for fig in figures]
