"""The amenities that a 服务内容 cell names in words.

Offices list services as text ("饮水、充电、休息、微波炉加热、应急药箱、图书阅览、卫生间");
the map's filters use amenity codes. :func:`amenities_from_services` reads the codes out of
the text with the vocabulary's words (:data:`stationmap.catalog.AMENITY_WORDS`) and says
which items it read and which it could not, so that a person can tick the rest by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stationmap import catalog
from stationmap.field_values import Note

_ITEM_SPLIT_RE = re.compile(r"[、，,;；/／\n]+")


def amenities_from_services(lines: Iterable[str]) -> tuple[tuple[str, ...], Note | None]:
    """The amenity codes named in ``lines`` (in the catalogue's order) and a note listing
    the items read and those not read; ``None`` when there is no item at all."""
    found: dict[str, list[str]] = {}
    unread: list[str] = []
    for line in lines:
        for item in (i.strip() for i in _ITEM_SPLIT_RE.split(line)):
            if not item:
                continue
            words = catalog.AMENITY_WORDS.find(item)
            if not words:
                unread.append(item)
            for _, code in words:
                items = found.setdefault(code, [])
                if item not in items:
                    items.append(item)
    if not found and not unread:
        return (), None
    codes = tuple(code for code in catalog.AMENITY_CODES if code in found)
    read_en = ", ".join(f"{catalog.AMENITY_BY_CODE[c].en} ({'、'.join(found[c])})" for c in codes)
    read_zh = "；".join(f"{catalog.AMENITY_BY_CODE[c].zh}（{'、'.join(found[c])}）" for c in codes)
    message = f"services read as amenities: {read_en or 'none'}"
    message_zh = f"已从服务内容识别出设施：{read_zh or '无'}"
    if unread:
        message += f"; not recognised: {', '.join(unread)} (tick their amenities by hand)"
        message_zh += f"。未识别：{'、'.join(unread)}（如有对应设施，请在服务设施中手动勾选）"
    return codes, Note(message, message_zh)
