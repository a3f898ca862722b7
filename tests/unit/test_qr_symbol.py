"""QR symbols built with numpy mask scoring: the same symbol segno makes, readable by an
independent decoder, format bits and alignment positions as ISO/IEC 18004 publishes."""

from __future__ import annotations

import numpy as np
import pytest
import segno
from segno import encoder as segno_encoder

from stationmap.render.qr_symbol import alignment_centres, format_bits, penalties, qr_symbol

URLS = [
    "https://map.example.cn/s/150102-0007",
    "https://stationmap.example.cn/s/150105-0999",
    "https://map.example.cn/?district=652324",
    "http://127.0.0.1:5000/s/1",
    "https://map.example.cn/s/" + "150105-" * 30,  # version 7+: version information
    "https://map.example.cn/s/" + "0123456789" * 50,  # a large symbol, many alignments
]


def _segno_modules(code: segno.QRCode) -> np.ndarray:
    return np.array([list(row) for row in code.matrix], dtype=bool)


@pytest.mark.parametrize("error", ["l", "m", "q", "h"])
@pytest.mark.parametrize("data", URLS)
def test_symbol_is_the_one_segno_chooses(data, error):
    """Same version, error level, mask and every module as segno's own choice."""
    ours = qr_symbol(data, error)
    theirs = segno.make(data, error=error, micro=False)
    assert (ours.version, ours.error, ours.mask) == (theirs.version, theirs.error, theirs.mask)
    np.testing.assert_array_equal(ours.modules, _segno_modules(theirs))


def test_many_station_urls_give_segno_s_symbols():
    """Over many URLs several masks get chosen; each symbol matches segno's."""
    masks = set()
    for i in range(120):
        data = f"https://stationmap.example.cn/s/150105-{i:04d}"
        ours = qr_symbol(data, "q")
        theirs = segno.make(data, error="q", micro=False)
        masks.add(ours.mask)
        assert ours.mask == theirs.mask, data
        np.testing.assert_array_equal(ours.modules, _segno_modules(theirs))
    assert len(masks) >= 4  # the choice really varies


def _with_finder_like_runs(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random symbol with 1:1:3:1:1 patterns planted, some overlapping (by 3 and by 1
    module), some at the edges, some with light margins."""
    symbol = rng.random((n, n)) < 0.5
    planted = [
        "00001011101",
        "10111011101",  # two patterns overlapping by three modules
        "000010111010111010000",  # two overlapping by one, light margins both sides
        "1011101",
        "0000101110111011101",
    ]
    for _ in range(6):
        bits = np.array([c == "1" for c in planted[rng.integers(len(planted))]])
        row, col = rng.integers(n), rng.integers(0, n - len(bits) + 1)
        if rng.random() < 0.5:
            symbol[row, col : col + len(bits)] = bits
        else:
            symbol[col : col + len(bits), row] = bits
    return symbol


@pytest.mark.parametrize("n", [21, 25, 45])
def test_penalties_equal_segno_s_mask_scores(n):
    rng = np.random.default_rng(n)
    symbols = np.stack([_with_finder_like_runs(rng, n) for _ in range(40)])
    expected = [
        sum(segno_encoder.mask_scores(tuple(bytearray(row.astype(np.uint8)) for row in s), n, n))
        for s in symbols
    ]
    assert penalties(symbols).tolist() == expected


@pytest.mark.parametrize("data", URLS[:5])
def test_symbols_decode_to_their_url(data):
    """Read back by an independent decoder (zxing-cpp) from a rendered image."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    modules = qr_symbol(data, "q").modules
    pixels = np.where(np.pad(modules, 4), 0, 255).astype(np.uint8)  # 4-module quiet zone
    image = Image.fromarray(np.kron(pixels, np.ones((6, 6), dtype=np.uint8)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [data]


# ISO/IEC 18004:2015 Annex C (Table C.1), most significant bit first.
FORMAT_WORDS = {
    ("L", 0): "111011111000100",
    ("L", 7): "110100101110110",
    ("M", 0): "101010000010010",
    ("M", 5): "100000011001110",
    ("Q", 2): "011111100110001",
    ("Q", 6): "010111011011010",
    ("H", 3): "001100111010000",
    ("H", 7): "000100000111011",
}


@pytest.mark.parametrize(("key", "word"), FORMAT_WORDS.items())
def test_format_bits_are_the_published_words(key, word):
    bits = format_bits(*key)
    assert "".join("1" if b else "0" for b in reversed(bits)) == word


# ISO/IEC 18004:2015 Annex E (Table E.1).
ALIGNMENT = {
    1: [],
    2: [6, 18],
    7: [6, 22, 38],
    14: [6, 26, 46, 66],
    22: [6, 26, 50, 74, 98],
    32: [6, 34, 60, 86, 112, 138],
    36: [6, 24, 50, 76, 102, 128, 154],
    40: [6, 30, 58, 86, 114, 142, 170],
}


@pytest.mark.parametrize(("version", "centres"), ALIGNMENT.items())
def test_alignment_centres_are_the_published_ones(version, centres):
    assert alignment_centres(version) == centres
