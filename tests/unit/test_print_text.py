"""Text on printed sheets drawn as TextLines: widths from cached glyph advances, real
extractable PDF text, alignment as matplotlib's own Text would have it."""

from __future__ import annotations

import io

import pytest
from matplotlib.backends.backend_pdf import PdfFile, RendererPdf
from pypdf import PdfReader

from stationmap.render.sheet import new_sheet, pdf_bytes, sheet_style
from stationmap.render.textlines import TextLines, line_box_em, text_width_em


@pytest.fixture
def pdf_renderer():
    with sheet_style():
        yield RendererPdf(PdfFile(io.BytesIO()), 72, 842, 595)


@pytest.mark.parametrize(
    "text",
    ["1", "862", "赛罕区第12号户外劳动者服务站", "周一至周五 08:30-18:00；周六 09:00", "AED"],
)
def test_widths_from_cached_advances_match_the_pdf_renderer(text, pdf_renderer):
    lines = TextLines([(0.0, 0.0)], [text], 10.0)
    measured, _, _ = pdf_renderer.get_text_width_height_descent(text, lines.font, ismath=False)
    assert text_width_em(text) * 10.0 == pytest.approx(measured, rel=0.005, abs=0.05)


def test_line_box_holds_latin_and_chinese_ink(pdf_renderer):
    descent, ascent = line_box_em()
    lines = TextLines([(0.0, 0.0)], ["lp国"], 10.0)
    _, height, depth = pdf_renderer.get_text_width_height_descent("lp国", lines.font, False)
    assert ascent * 10 == pytest.approx(height - depth, abs=0.1)
    assert -descent * 10 == pytest.approx(depth, abs=0.1)


@pytest.mark.parametrize(("ha", "shift"), [("left", 0.0), ("center", 0.5), ("right", 1.0)])
def test_horizontal_alignment_puts_the_anchor_where_text_would(ha, shift, pdf_renderer):
    fig, paper = new_sheet(210, 297)
    fig.set_dpi(72)  # as when saving a PDF: display units are points
    lines = TextLines([(100.0, 100.0)], ["驿站编号 150102-0007"], 12.0, ha=ha)
    paper.add_artist(lines)
    ((x, y),) = lines.origins(pdf_renderer)
    width, _, _ = pdf_renderer.get_text_width_height_descent(
        lines.texts[0], lines.font, ismath=False
    )
    anchor_x = 100.0 / 25.4 * 72
    assert x + shift * width == pytest.approx(anchor_x, abs=0.1)
    assert y == pytest.approx(100.0 / 25.4 * 72, abs=1e-6)  # va="baseline"


def test_lines_are_extractable_pdf_text_and_empty_lines_draw_nothing():
    with sheet_style():
        fig, paper = new_sheet(210, 297)
        paper.add_artist(
            TextLines([(20, 200), (20, 190), (20, 180)], ["海拉尔东路", "", "0471-6563358"], 9)
        )
        reader = PdfReader(io.BytesIO(pdf_bytes([fig])))
    text = reader.pages[0].extract_text()
    assert "海拉尔东路" in text and "0471-6563358" in text


def test_anchors_and_strings_must_pair_up():
    with pytest.raises(ValueError, match="2 anchors for 1 strings"):
        TextLines([(0, 0), (1, 1)], ["x"], 7)


def _placed_text(pdf: bytes) -> list[tuple[str, float, float, tuple[float, ...]]]:
    """(text, x, y, fill colour) of each string shown on the first page, in points, as
    an independent PDF reader (pypdf) finds them."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    placed: list[tuple[str, float, float, tuple[float, ...]]] = []
    fill: list[tuple[float, ...]] = [()]

    def before(operator, args, cm, tm):
        if operator == b"rg":
            fill[0] = tuple(round(float(a), 3) for a in args)

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            placed.append((text.strip(), round(x, 2), round(y, 2), fill[0]))

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return sorted(placed)


def test_lines_land_in_the_pdf_where_matplotlib_text_puts_them():
    """Written as one PDF text object, each line starts at the point and in the colour
    matplotlib's own Text artist gives it."""
    anchors = [(20.0, 250.0), (35.5, 240.25), (120.0, 20.0), (20.0, 230.0)]
    texts = ["赛罕区第12号户外劳动者服务站", "0471-6563358", "第 3 / 21 页", "AED 急救"]
    with sheet_style():
        fig, paper = new_sheet(210, 297)
        paper.add_artist(TextLines(anchors, texts, 9.5, color="#b3261e"))
        ours = _placed_text(pdf_bytes([fig]))
        fig, paper = new_sheet(210, 297)
        for (x, y), text in zip(anchors, texts, strict=True):
            paper.text(x, y, text, fontsize=9.5, color="#b3261e", ha="left", va="baseline")
        theirs = _placed_text(pdf_bytes([fig]))
    assert [t for t, *_ in ours] == sorted(texts)
    assert ours == theirs


def test_lines_that_clip_clip_to_their_axes_whenever_clipping_is_turned_on():
    """Clipping is set up lazily (only for lines that clip), but lines that clip, or are
    told to after being added, clip to the axes box as any matplotlib artist does."""
    with sheet_style():
        fig, _ = new_sheet(210, 297)
        inner = fig.add_axes((0.25, 0.25, 0.5, 0.5))
        clipped = inner.add_artist(TextLines([(0.5, 0.5)], ["驿站"], 9, clip_on=True))
        later = inner.add_artist(TextLines([(0.5, 0.5)], ["驿站"], 9))
        free = inner.add_artist(TextLines([(0.5, 0.5)], ["驿站"], 9))
        later.set_clip_on(True)
        expected = inner.bbox.bounds
        assert clipped.get_clip_box().bounds == pytest.approx(expected)
        assert later.get_clip_box().bounds == pytest.approx(expected)
        assert not free.get_clip_on()


def test_printable_keeps_what_the_font_draws_and_marks_what_it_lacks():
    """Characters outside the font's character map (read with fontTools) become 〓,
    control characters spaces; everything else is kept as it is."""
    from fontTools.ttLib import TTFont

    from stationmap.render.sheet import cjk_font_path, printable

    with TTFont(str(cjk_font_path()), fontNumber=0, lazy=True) as font:
        cmap = font.getBestCmap()
    text = "赛罕区\t第12号\n驿站\x07𠀀😀·（饮水）"
    expected = "".join(
        " " if ch in "\t\n\x07" else (ch if ord(ch) in cmap or ch == " " else "〓") for ch in text
    )
    assert "〓" in expected and printable(text) == expected
    assert printable(text) == printable(text)  # the per-character cache answers alike


@pytest.mark.parametrize("paper", [(210.0, 297.0), (297.0, 420.0)], ids=["A4", "A3"])
def test_the_station_table_prints_a_60_character_name_whole(paper):
    """The table is the key to the map's numbered markers: a station's whole name (60
    characters, as long as office names run) is printed, not cut with an ellipsis."""
    from stationmap.render.table import TablePageSpec, TableRow, table_pages

    name = (
        "内蒙古自治区呼和浩特市新城区海拉尔东街街道办事处"
        "锡林北路社区党群服务中心户外劳动者服务站点暨工会爱心驿站"
        "北门第一分站临时"
    )
    assert len(name) == 60
    row = TableRow("1", (name, "海拉尔东街1号", "全天24小时", "0471-1234567", "饮用水"))
    spec = TablePageSpec(title="新城区 驿站一览", footer="测试", demo=False)
    with sheet_style():
        pages = table_pages([row], spec, paper, 10.0, 2, 1)
    text = PdfReader(io.BytesIO(pdf_bytes(pages))).pages[0].extract_text()
    assert name in text.replace("\n", "")
    assert "…" not in text
