"""Many one-line strings as one artist: the station table, number labels, posters.

A matplotlib :class:`~matplotlib.text.Text` is a full artist that measures itself with
the font (FreeType loading every glyph) each time it is drawn, before the renderer lays
the same glyphs out again to draw them. For the 7,000 table lines and 1,000 numbers of
a thousand-station map that was about 40 % of the time to write the PDF. :class:`TextLines` places
each string from the font's advance widths and vertical metrics, read once per
character (:func:`text_width_em`, :func:`line_box_em`). Into a PDF it writes all its
lines as one text object (:func:`pdf_text_block`): the PDF backend's ``draw_text`` also
laid each line out glyph by glyph, which was most of a long table's cost (issue 17).
Other renderers (PNG) get ``draw_text`` per line, as ``Text`` gives them. Either way
the text stays real, extractable text in the embedded font.

Strings are single lines, drawn in the sheets' CJK font (see
:func:`stationmap.render.sheet.cjk_font_path`) and never parsed as mathtext.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, Literal

import matplotlib as mpl
import numpy as np
import numpy.typing as npt
from matplotlib import font_manager
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.backends.backend_pdf import Op, RendererPdf
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.transforms import Transform

from stationmap.render.sheet import FONT_FAMILY, INK, cjk_font_path

HAlign = Literal["left", "center", "right"]
VAlign = Literal["baseline", "top", "center", "center_baseline", "bottom"]

_METRICS_PT = 100.0  # size at which advances are read (FreeType's 16.16 linear advance)
_H_SHIFT: dict[str, float] = {"left": 0.0, "center": 0.5, "right": 1.0}


@cache
def _metrics_font() -> FT2Font:
    font = FT2Font(str(cjk_font_path()), hinting_factor=1)
    font.set_size(_METRICS_PT, 72)
    return font


@cache
def advance_em(char: str) -> float:
    """Advance width of one character in ems (unhinted, as the PDF writer lays it out)."""
    glyph = _metrics_font().load_char(ord(char))
    return glyph.linearHoriAdvance / 65536 / _METRICS_PT


def text_width_em(text: str) -> float:
    """Width of a one-line string in ems: the sum of its advances (kerning, which the
    CJK font hardly has, is left out)."""
    return sum(advance_em(ch) for ch in text)


@cache
def line_box_em() -> tuple[float, float]:
    """Descent (negative) and ascent of a line in ems, from the ink of ``l``, ``p`` and
    a full-height CJK character: the box matplotlib's ``Text`` aligns a line by."""
    font = _metrics_font()
    bottom, top = 0.0, 0.0
    for char in "lp国":
        _, y0, _, y1 = font.load_char(ord(char)).bbox  # 26.6 fixed point, pixels
        bottom, top = min(bottom, y0 / 64), max(top, y1 / 64)
    return bottom / _METRICS_PT, top / _METRICS_PT


def baseline_shift_em(va: VAlign) -> float:
    """How far below the anchor the baseline lies for vertical alignment ``va``, in ems
    (negative: above)."""
    descent, ascent = line_box_em()
    return {
        "baseline": 0.0,
        "top": ascent,
        "center": (ascent + descent) / 2,
        "center_baseline": ascent / 2,
        "bottom": descent,
    }[va]


class TextLines(Artist):
    """One-line strings in one font size and colour, each at its own anchor point.

    Parameters
    ----------
    xy : array_like, shape (n, 2)
        Anchor points in the units of ``transform`` (default: the data units of the
        axes the artist is added to, e.g. paper millimetres).
    texts : sequence of str
        One string per anchor; empty strings draw nothing.
    size_pt : float
        Font size in points.
    color : str
        Text colour.
    ha, va : str
        Which point of each line's box sits on its anchor, as for ``Text``: ``ha`` from
        the advance widths, ``va`` from :func:`line_box_em`.
    transform : Transform, optional
        Where the anchors are given; the axes' ``transData`` if None (set by
        ``Axes.add_artist``).
    clip_on : bool
        Whether to clip to the axes, as ``Text`` does; off by default, like ``ax.text``.
    """

    # A clip path kept while the lines do not clip (see set_clip_path).
    _pending_clip: tuple[Any, Transform | None] | None = None

    def __init__(
        self,
        xy: npt.ArrayLike,
        texts: Sequence[str],
        size_pt: float,
        *,
        color: str = INK,
        ha: HAlign = "left",
        va: VAlign = "baseline",
        transform: Transform | None = None,
        zorder: float = 3.0,
        clip_on: bool = False,
    ) -> None:
        super().__init__()
        self.xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if len(self.xy) != len(texts):
            raise ValueError(f"{len(self.xy)} anchors for {len(texts)} strings")
        self.texts = list(texts)
        self.size_pt = size_pt
        self.color = color
        self.ha = ha
        self.va = va
        self.font = FontProperties(family=FONT_FAMILY, size=size_pt)
        if transform is not None:
            self.set_transform(transform)
        self.set_zorder(zorder)
        self.set_clip_on(clip_on)

    def set_clip_path(self, path: Any, transform: Transform | None = None) -> None:
        """As :meth:`Artist.set_clip_path`, but kept for later while the lines do not
        clip: ``Axes.add_artist`` gives every artist the axes' patch as its clip path, a
        chain of transforms that cost more than the rest of adding a line of text."""
        if self.get_clip_on():
            super().set_clip_path(path, transform)
        else:
            self._pending_clip = (path, transform)

    def set_clip_on(self, b: bool) -> None:
        super().set_clip_on(b)
        pending = self._pending_clip
        if b and pending is not None:
            self._pending_clip = None
            super().set_clip_path(*pending)

    def origins(self, renderer: RendererBase) -> npt.NDArray[np.float64]:
        """Where each string starts: its baseline's left end in display units (y up)."""
        points = self.get_transform().transform(self.xy)
        if not len(points):
            return points
        em = float(np.asarray(renderer.points_to_pixels(self.size_pt)))
        shift = _H_SHIFT[self.ha]
        if shift:
            widths = np.array([text_width_em(t) for t in self.texts])
            points[:, 0] -= widths * em * shift
        points[:, 1] -= baseline_shift_em(self.va) * em
        return points

    @allow_rasterization  # type: ignore[untyped-decorator]  # matplotlib leaves it untyped
    def draw(self, renderer: RendererBase) -> None:
        if not self.get_visible() or not self.texts:
            return
        renderer.open_group("textlines", self.get_gid())
        gc = renderer.new_gc()
        gc.set_foreground(self.color)
        # None is what matplotlib's own artists pass: the colour's alpha, not forced.
        gc.set_alpha(self.get_alpha())  # type: ignore[arg-type]  # the stub says float only
        self._set_gc_clip(gc)  # type: ignore[attr-defined]  # Artist's, missing from its stub
        origins = self.origins(renderer)
        # A PDF being written (MixedModeRenderer forwards to it outside rasterized parts).
        target = getattr(renderer, "_renderer", renderer)
        if not (
            self.get_url() is None
            and isinstance(target, RendererPdf)
            and pdf_text_block(target, gc, origins, self.texts, self.font)
        ):
            flip = renderer.flipy()
            height = renderer.get_canvas_width_height()[1]
            for (x, y), text in zip(origins, self.texts, strict=True):
                if text:
                    renderer.draw_text(gc, x, height - y if flip else y, text, self.font, 0.0)
        gc.restore()
        renderer.close_group("textlines")
        self.stale = False


def pdf_text_block(
    renderer: RendererPdf,
    gc: GraphicsContextBase,
    origins: npt.NDArray[np.float64],
    texts: Sequence[str],
    font: FontProperties,
) -> bool:
    """Write ``texts``, each starting at its origin (PDF points, y up), as one PDF text
    object: one font selection, then ``Td`` and ``Tj`` per line. Returns False, having
    written nothing, when the lines need matplotlib's own ``draw_text`` (fonts other than
    embedded TrueType, characters outside the Basic Multilingual Plane, or a glyph that
    comes from a fallback font).

    This is what ``RendererPdf.draw_text`` writes for a Type 42 font without kerning
    (WenQuanYi Micro Hei has none), less its per-line graphics-state save, matrix and
    layout: that layout loads every glyph with FreeType only to find each line's single
    chunk starts at x = 0, and was most of the time to write a long table.
    """
    if mpl.rcParams["pdf.use14corefonts"] or mpl.rcParams["pdf.fonttype"] != 42:
        return False
    joined = "".join(texts)
    if not joined:
        return True
    if max(joined) > "\uffff":
        return False
    files = _font_files(font)
    if len(files) != 1:  # a fallback list: characters may come from several fonts
        return False
    (fname,) = files
    # colour, alpha and clipping, as draw_text sets them (the PDF backend's own, untyped)
    renderer.check_gc(gc, gc._rgb)  # type: ignore[no-untyped-call,attr-defined]
    used = renderer.file._character_tracker.used.setdefault(fname, set())
    used.update(map(ord, set(joined)))
    file = renderer.file
    file.output(Op.begin_text, file.fontName(fname), font.get_size_in_points(), Op.selectfont)
    body = []
    x0 = y0 = 0.0
    for (x, y), text in zip(origins.tolist(), texts, strict=True):
        if text:
            body.append(f"{x - x0:.3f} {y - y0:.3f} Td <{text.encode('utf-16be').hex()}> Tj\n")
            x0, y0 = x, y
    file.write("".join(body).encode("ascii"))
    file.output(Op.end_text)
    return True


@lru_cache(maxsize=64)
def _font_files(font: FontProperties) -> tuple[str, ...]:
    """The font files ``font`` resolves to, as the PDF backend finds them (first the
    font itself, then any fallbacks); looked up once per size instead of per artist."""
    # The PDF backend's own lookup (private, missing from the stub).
    return tuple(font_manager.fontManager._find_fonts_by_props(font))  # type: ignore[attr-defined]
