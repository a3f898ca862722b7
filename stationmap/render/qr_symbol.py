"""QR code symbols for printed sheets: segno encodes, numpy chooses the data mask.

A QR encoder tries all eight data masks and keeps the one whose symbol scores the
lowest penalty (ISO/IEC 18004:2015, 7.8.3: long runs, 2 x 2 blocks, finder-like
patterns, imbalance of dark and light). segno does this module by module in Python,
about 4 ms a symbol, most of a poster's build. Here segno encodes once with mask 0
(the codewords, their placement and the version information), the mask is undone on
the data modules, and the eight candidates are masked and scored at once as numpy
arrays. The scoring counts what segno counts, so the symbol is the one segno would
have chosen; the format information (error level and mask, BCH-coded) is then written
for the chosen mask.

Modules are a boolean array, row 0 at the top, ``True`` dark, without quiet zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

Modules = npt.NDArray[np.bool_]

# Error correction level -> its two format bits (ISO/IEC 18004:2015, Table 12).
_LEVEL_BITS = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}
_FORMAT_GENERATOR = 0b10100110111  # BCH(15, 5) generator polynomial
_FORMAT_XOR = 0b101010000010010  # applied so format bits are never all light
_N3_CODE = 0b1011101  # 1:1:3:1:1, dark first


@dataclass(frozen=True)
class QRSymbol:
    """One QR code: what it encodes, its modules, version, error level and mask."""

    data: str
    modules: Modules
    version: int
    error: str
    mask: int

    @property
    def size(self) -> int:
        """Modules per side, without the quiet zone."""
        return int(self.modules.shape[0])


def qr_symbol(data: str, error: str = "m") -> QRSymbol:
    """Encode ``data`` as a (full, not Micro) QR code at error level ``error`` or better
    (segno raises the level when the version has room), with the lowest-penalty mask.

    Raises
    ------
    segno.DataOverflowError
        If ``data`` does not fit in a version 40 symbol at that level.
    """
    import segno

    code = segno.make(data, error=error, micro=False, mask=0)
    version, level = int(code.version), str(code.error)
    size = 17 + 4 * version
    masked0 = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(size, size) == 1
    layout = _layout(version)
    unmasked = masked0 ^ layout.masks[0]  # function modules: masks are False there
    candidates = unmasked[None, :, :] ^ layout.masks
    # Scored as segno scores: format and version areas still light.
    candidates[:, layout.info] = False
    mask = int(np.argmin(penalties(candidates)))
    modules = candidates[mask]
    modules[layout.info] = masked0[layout.info]  # version information, dark module
    for (row, col), bit in zip(_format_positions(size), format_bits(level, mask) * 2, strict=True):
        modules[row, col] = bit
    modules.flags.writeable = False
    return QRSymbol(data, modules, version, level, mask)


def format_bits(level: str, mask: int) -> list[bool]:
    """The 15 format bits for error ``level`` and ``mask``, least significant first
    (ISO/IEC 18004:2015, 7.9.1)."""
    value = _LEVEL_BITS[level] << 3 | mask
    remainder = value << 10
    for shift in range(14, 9, -1):
        if remainder >> shift & 1:
            remainder ^= _FORMAT_GENERATOR << (shift - 10)
    word = (value << 10 | remainder) ^ _FORMAT_XOR
    return [bool(word >> i & 1) for i in range(15)]


@cache
def _format_positions(size: int) -> list[tuple[int, int]]:
    """(row, col) of format bits 0..14 in both copies, in the order of
    :func:`format_bits` repeated twice."""
    first = [(row, 8) for row in (0, 1, 2, 3, 4, 5, 7, 8)]
    first += [(8, col) for col in (7, 5, 4, 3, 2, 1, 0)]
    second = [(8, size - 1 - i) for i in range(8)]
    second += [(size - 15 + i, 8) for i in range(8, 15)]
    return first + second


@dataclass(frozen=True)
class _Layout:
    function: Modules  # finder, separators, timing, alignment, format, version, dark
    info: Modules  # format and version areas (and the dark module)
    masks: npt.NDArray[np.bool_]  # (8, size, size): each mask, False on function modules


def alignment_centres(version: int) -> list[int]:
    """Row (and column) indices of alignment pattern centres (ISO/IEC 18004:2015,
    Annex E): evenly spaced from 6 to size - 7, the step even and rounded up."""
    if version < 2:
        return []
    size = 17 + 4 * version
    count = version // 7 + 2
    step = 26 if version == 32 else -(-(size - 13) // (2 * count - 2)) * 2
    return [6] + [size - 7 - step * k for k in range(count - 2, -1, -1)]


@cache
def _layout(version: int) -> _Layout:
    size = 17 + 4 * version
    function = np.zeros((size, size), dtype=bool)
    info = np.zeros((size, size), dtype=bool)
    for rows, cols in ((slice(0, 8), slice(0, 8)), (slice(0, 8), slice(-8, None))):
        function[rows, cols] = True
    function[-8:, :8] = True
    function[6, :] = function[:, 6] = True  # timing patterns
    centres = alignment_centres(version)
    corners = {(centres[0], centres[-1]), (centres[-1], centres[0])} if centres else set()
    for row in centres:
        for col in centres:
            if (row, col) == (6, 6) or (row, col) in corners:
                continue
            function[row - 2 : row + 3, col - 2 : col + 3] = True
    info[8, :9] = info[:9, 8] = True
    info[8, -8:] = info[-8:, 8] = True  # includes the dark module at (size - 8, 8)
    info[6, 8] = info[8, 6] = False  # timing modules between the format bits
    if version >= 7:
        info[:6, -11:-8] = info[-11:-8, :6] = True
    function |= info
    i, j = np.indices((size, size))
    masks = np.stack(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i + j) % 2 + (i * j) % 3) % 2 == 0,
        ]
    )
    masks &= ~function
    for array in (function, info, masks):
        array.flags.writeable = False
    return _Layout(function, info, masks)


def penalties(symbols: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Penalty score of each symbol in ``symbols`` (shape (k, n, n)), as segno's
    ``mask_scores`` sums it: N1 = 3 + (run - 5) for each run of five or more modules
    of one colour in a row or column, N2 = 3 per 2 x 2 block of one colour, N3 = 40
    per 1:1:3:1:1 finder-like pattern with four light modules before or after it
    (outside the symbol counts as light), N4 = 10 per 5 % of imbalance."""
    k, n, _ = symbols.shape
    lines = np.concatenate([symbols, symbols.transpose(0, 2, 1)], axis=1)  # (k, 2n, n)
    # N1: runs, found over all lines at once; a sentinel closes each line.
    flat = np.concatenate([lines.astype(np.int8), np.full((k, 2 * n, 1), 2, np.int8)], axis=2)
    flat = flat.ravel()
    starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    lengths = np.diff(np.append(starts, flat.size))
    long_runs = lengths >= 5
    n1 = np.bincount(
        starts[long_runs] // (2 * n * (n + 1)),
        weights=lengths[long_runs] - 2,
        minlength=k,
    )
    # N2: 2 x 2 blocks of one colour.
    same = (
        (symbols[:, 1:, 1:] == symbols[:, :-1, 1:])
        & (symbols[:, 1:, 1:] == symbols[:, 1:, :-1])
        & (symbols[:, 1:, 1:] == symbols[:, :-1, :-1])
    )
    n2 = 3 * same.sum(axis=(1, 2))
    # N3: finder-like patterns, outside the symbol light (padded with four light
    # modules). ``code`` holds the 7 modules from each padded index q as bits.
    padded = np.pad(lines, ((0, 0), (0, 0), (4, 4))).view(np.uint8)  # (k, 2n, n + 8)
    starts_n3 = n + 2
    code = np.zeros((k, 2 * n, starts_n3), dtype=np.uint8)
    for t in range(7):
        code = (code << 1) | padded[:, :, t : t + starts_n3]
    found = code == _N3_CODE
    dark4 = padded[:, :, : n + 5] | padded[:, :, 1 : n + 6]
    dark4 = dark4 | padded[:, :, 2 : n + 7] | padded[:, :, 3 : n + 8]  # any dark in q..q+3
    light_margin = np.zeros_like(found)
    light_margin[:, :, 4:] = dark4[:, :, : starts_n3 - 4] == 0  # before the pattern
    light_margin[:, :, : starts_n3 - 4] |= dark4[:, :, 7:] == 0  # after
    counted = found & light_margin
    # segno scans a line left to right and resumes 7 modules on after a counted pattern
    # (4 after an uncounted one), so a pattern overlapping a counted one by 1 or 3
    # modules (the only overlaps 1011101 allows) is not counted: lines with such
    # overlaps are scanned that way, the others counted at once.
    overlaps = np.zeros_like(found)
    overlaps[:, :, 4:] = found[:, :, 4:] & found[:, :, :-4]
    overlaps[:, :, 6:] |= found[:, :, 6:] & found[:, :, :-6]
    tangled = overlaps.any(axis=2)
    n3 = 40 * (counted & ~tangled[:, :, None]).sum(axis=(1, 2))
    for symbol, line in zip(*np.nonzero(tangled), strict=True):
        resume_at = 0
        for q in np.flatnonzero(found[symbol, line]).tolist():
            if q >= resume_at:
                is_counted = bool(counted[symbol, line, q])
                n3[symbol] += 40 * is_counted
                resume_at = q + (7 if is_counted else 4)
    # N4: share of dark modules.
    dark = symbols.sum(axis=(1, 2))
    n4 = 10 * (np.abs(dark / (n * n) * 100 - 50) / 5).astype(np.int64)
    result: npt.NDArray[np.int64] = n1.astype(np.int64) + n2 + n3 + n4
    return result
