"""The staff-only slip's QR code, as an SVG data URI for an HTML print page."""

from __future__ import annotations


def qr_data_uri(url: str, scale: int = 6) -> str:
    """``url`` as a QR code (error correction Q, as on posters): an SVG data URI."""
    import segno

    return str(segno.make(url, error="q", micro=False).svg_data_uri(scale=scale, border=4))
