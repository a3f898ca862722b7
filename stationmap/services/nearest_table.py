"""The active stations as compact columns: what the in-process nearest index searches
and what its answers show, without a Python object per station.

A worker holding 200,000 stations as one named tuple each (with its strings) used
several hundred MB, copied page by page into every forked worker as reference counts
changed. Here the same stations are a few numpy arrays and one UTF-8 buffer of their
texts: tens of MB that forked workers share, and a :class:`StationRow` is made only for
the stations of an answer (:meth:`StationTable.row`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from stationmap.geo.datum import gcj02_to_bd09, wgs84_to_gcj02
from stationmap.geo.freshness import StationFlags
from stationmap.geo.nearest import Columns, NearestIndex
from stationmap.models import (
    PUBLIC_STATION_COLUMNS,
    Station,
    StationAmenity,
    StationOutage,
    StationWorkerGroup,
)
from stationmap.services.nearest_types import StationRow

__all__ = ["IndexedTable", "StationTable", "load_states", "load_table", "table_of_rows"]

# The texts kept per station, in this order, in one buffer.
_TEXTS = 4  # code, name, address, phone
# Rows kept made per table (a few MB at most).
_ROWS_KEPT = 2048
# Ids per IN (...) list when loading chosen stations.
_ID_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StationTable:
    """Stations as rows of arrays, in id order (row ``p`` of the index is row ``p``
    here). Texts are UTF-8 in ``texts``: field ``j`` of row ``p`` spans
    ``text_offsets[4p + j] : text_offsets[4p + j + 1]``."""

    columns: Columns  # shared with the index
    texts: bytes
    text_offsets: npt.NDArray[np.int64]
    district_idx: npt.NDArray[np.int32]
    districts: list[str | None]
    is_demo: npt.NDArray[np.bool_]
    datums: npt.NDArray[np.float64]  # (n, 4): GCJ-02 lat, lon, BD-09 lat, lon
    verified_s: npt.NDArray[np.float64]  # last verified, POSIX s (NaN: never)
    # The rows answered lately (answers cluster where couriers are), made once each.
    _made: dict[int, StationRow] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.columns.ids.size)

    def row(self, index: NearestIndex, position: int) -> StationRow:
        """The row at ``position`` as an answer shows it; ``index`` is the one built on
        these columns (it decodes the amenity and group masks)."""
        made = self._made.get(position)
        if made is None:
            if len(self._made) >= _ROWS_KEPT:
                self._made.clear()
            made = self._made[position] = self._make(index, position)
        return made

    def _make(self, index: NearestIndex, position: int) -> StationRow:
        c = self.columns
        start, code, name, address, phone = self.text_offsets[
            _TEXTS * position : _TEXTS * position + _TEXTS + 1
        ].tolist()
        texts = self.texts
        gcj_lat, gcj_lon, bd_lat, bd_lon = self.datums[position].tolist()
        return StationRow(
            c.ids.item(position),
            texts[start:code].decode(),
            texts[code:name].decode(),
            texts[name:address].decode(),
            self.districts[self.district_idx.item(position)],
            c.host_codes[c.host_idx.item(position)],
            index.amenities_of(position),
            index.worker_groups_of(position),
            c.hours_texts[c.hours_idx.item(position)],
            texts[address:phone].decode(),
            bool(self.is_demo.item(position)),
            c.lats.item(position),
            c.lons.item(position),
            gcj_lat,
            gcj_lon,
            bd_lat,
            bd_lon,
        )


@dataclass(frozen=True, slots=True)
class IndexedTable:
    """An index and the table it was built on, with the temporary states of its
    stations (by id)."""

    index: NearestIndex
    table: StationTable
    states: dict[int, StationFlags]


class _Codes:
    """Small integers for repeated values (the first value seen is 0)."""

    def __init__(self, *first: Any) -> None:
        self.codes: dict[Any, int] = {value: i for i, value in enumerate(first)}

    def __call__(self, value: Any) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.codes)
        return found


def _bits(text: str | None, vocabulary: _Codes) -> int:
    mask = 0
    for code in text.split(",") if text else ():
        bit = vocabulary(code)
        if bit >= 63:
            raise ValueError("at most 63 distinct amenity or worker-group codes")
        mask |= 1 << bit
    return mask


def _by_ids(statement: Any, column: Any, ids: Collection[int] | None) -> list[Any]:
    if ids is None:
        return [statement]
    chosen = sorted(ids)
    return [
        statement.where(column.in_(chosen[start : start + _ID_CHUNK]))
        for start in range(0, len(chosen), _ID_CHUNK)
    ]


def _code_masks(
    session: Session, station_id: Any, code: Any, vocabulary: _Codes, ids: Collection[int] | None
) -> dict[int, int]:
    masks: dict[int, int] = {}
    for statement in _by_ids(
        select(station_id, func.aggregate_strings(code, ",")).group_by(station_id),
        station_id,
        ids,
    ):
        for sid, text in session.execute(statement):
            masks[sid] = _bits(text, vocabulary)
    return masks


def load_states(session: Session, ids: Collection[int] | None = None) -> dict[int, StationFlags]:
    """The temporary states of the active stations that have one (closure, reported
    closed, amenity outages), by station id, of every station or of ``ids``;
    ``verified_at`` is left out here."""
    outages: dict[int, list[tuple[str, datetime]]] = {}
    for statement in _by_ids(
        select(StationOutage.station_id, StationOutage.amenity, StationOutage.until),
        StationOutage.station_id,
        ids,
    ):
        for sid, code, until in session.execute(statement):
            outages.setdefault(sid, []).append((code, until))
    out: dict[int, StationFlags] = {}
    for statement in _by_ids(
        select(Station.id, Station.closed_until, Station.reported_closed_at).where(
            Station.deleted_at.is_(None),
            Station.status == "active",
            or_(Station.closed_until.is_not(None), Station.reported_closed_at.is_not(None)),
        ),
        Station.id,
        ids,
    ):
        for sid, closed, reported in session.execute(statement):
            out[sid] = StationFlags(closed, reported is not None, None, tuple(outages.pop(sid, ())))
    for sid, pairs in outages.items():
        out[sid] = StationFlags(outages=tuple(pairs))
    return out


class _Builder:
    """Collects stations one by one (in id order), then makes the table and index."""

    def __init__(self) -> None:
        self.amenity_codes, self.group_codes = _Codes(), _Codes()
        self.host_codes, self.hours_codes, self.district_codes = _Codes(), _Codes(None), _Codes()
        self.ids: list[int] = []
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.verified: list[float] = []
        self.demo: list[bool] = []
        self.hosts: list[int] = []
        self.hours: list[int] = []
        self.districts: list[int] = []
        self.amenities: list[int] = []
        self.groups: list[int] = []
        self.texts: list[bytes] = []

    def add(
        self,
        record: tuple[Any, ...],
        amenity_mask: int,
        group_mask: int,
        verified_s: float,
    ) -> None:
        """``record``: id, code, name, address, district, host type, hours, phone,
        is_demo, lat, lon (the order of :class:`StationRow`, codes left out)."""
        sid, code, name, address, district, host, hours, phone, is_demo, lat, lon = record
        self.ids.append(sid)
        self.lats.append(lat)
        self.lons.append(lon)
        self.verified.append(verified_s)
        self.demo.append(bool(is_demo))
        self.hosts.append(self.host_codes(host))
        self.hours.append(self.hours_codes(hours))
        self.districts.append(self.district_codes(district))
        self.amenities.append(amenity_mask)
        self.groups.append(group_mask)
        self.texts += (
            code.encode(),
            name.encode(),
            (address or "").encode(),
            (phone or "").encode(),
        )

    def finish(self, states: dict[int, StationFlags], tz: ZoneInfo) -> IndexedTable:
        columns = Columns(
            ids=np.asarray(self.ids, dtype=np.int64),
            lats=np.asarray(self.lats, dtype=np.float64),
            lons=np.asarray(self.lons, dtype=np.float64),
            amenity_masks=np.asarray(self.amenities, dtype=np.int64),
            group_masks=np.asarray(self.groups, dtype=np.int64),
            host_idx=np.asarray(self.hosts, dtype=np.int32),
            hours_idx=np.asarray(self.hours, dtype=np.int32),
            amenity_codes=list(self.amenity_codes.codes),
            group_codes=list(self.group_codes.codes),
            host_codes=list(self.host_codes.codes),
            hours_texts=list(self.hours_codes.codes),
        )
        offsets = np.zeros(len(self.texts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, self.texts), np.int64, len(self.texts)), out=offsets[1:])
        gcj_lats, gcj_lons = wgs84_to_gcj02(columns.lats, columns.lons)
        bd_lats, bd_lons = gcj02_to_bd09(gcj_lats, gcj_lons)
        table = StationTable(
            columns,
            b"".join(self.texts),
            offsets,
            np.asarray(self.districts, dtype=np.int32),
            list(self.district_codes.codes),
            np.asarray(self.demo, dtype=bool),
            np.column_stack([gcj_lats, gcj_lons, bd_lats, bd_lons]).astype(np.float64),
            np.asarray(self.verified, dtype=np.float64),
        )
        positions = {sid: p for p, sid in enumerate(self.ids)} if states else {}
        closures: dict[int, float] = {}
        outages: dict[int, tuple[tuple[str, float], ...]] = {}
        for sid, flags in states.items():
            p = positions.get(sid)
            if p is None:
                continue
            if flags.closed_until is not None:
                closures[p] = flags.closed_until.timestamp()
            if flags.outages:
                outages[p] = tuple((code, until.timestamp()) for code, until in flags.outages)
        index = NearestIndex.from_columns(columns, closures, outages, tz)
        return IndexedTable(index, table, states)


def load_table(session: Session, tz: ZoneInfo, ids: Collection[int] | None = None) -> IndexedTable:
    """Every active, not deleted station (or those of ``ids`` that are), in id order,
    as columns, with the index built on them."""
    built = _Builder()
    amenities = _code_masks(
        session, StationAmenity.station_id, StationAmenity.amenity, built.amenity_codes, ids
    )
    groups = _code_masks(
        session, StationWorkerGroup.station_id, StationWorkerGroup.group, built.group_codes, ids
    )
    # Chunks of sorted ids, each in id order: the rows come in id order.
    for statement in _by_ids(
        select(*PUBLIC_STATION_COLUMNS, Station.is_demo, Station.lat, Station.lon)
        .add_columns(Station.verified_at)
        .where(Station.deleted_at.is_(None), Station.status == "active")
        .order_by(Station.id),
        Station.id,
        ids,
    ):
        for *record, when in session.execute(statement):
            sid = record[0]
            built.add(
                tuple(record),
                amenities.get(sid, 0),
                groups.get(sid, 0),
                when.timestamp() if when is not None else math.nan,
            )
    del amenities, groups
    return built.finish(load_states(session, ids), tz)


def table_of_rows(
    rows: Sequence[StationRow],
    verified_s: Sequence[float],
    states: dict[int, StationFlags],
    tz: ZoneInfo,
) -> IndexedTable:
    """The table and index of rows already in memory (in id order), with when each was
    last verified (POSIX s, NaN: never) and the temporary states by id."""
    built = _Builder()
    for row, when in zip(rows, verified_s, strict=True):
        amenity_mask = _bits(",".join(row.amenities), built.amenity_codes)
        group_mask = _bits(",".join(row.worker_groups), built.group_codes)
        built.add(
            (*row[:6], row.opening_hours, row.phone, row.is_demo, row.lat, row.lon),
            amenity_mask,
            group_mask,
            when,
        )
    return built.finish(states, tz)
