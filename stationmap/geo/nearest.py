"""The in-process nearest-station index.

Stations are points on the WGS-84 ellipsoid in earth-centred coordinates (metres) in a
KD-tree. A straight chord is never longer than the geodesic, so once the k-th geodesic
distance among the candidates is shorter than the chord to the farthest candidate, no
station outside the candidates can rank higher and the answer is exact. A query takes a
few more candidates than asked for, ranks them by geodesic distance (Karney, as PostGIS
``geography``), and widens the search in the rare case the test fails.

Filters (amenities, host type, worker group, open at a time, radius) are applied to the
candidates; a temporary closure counts as closed for "open at", and an amenity out of
service until a later moment does not match that amenity (both judged at the filters'
moment, so they expire by themselves); when they are so selective that the tree would
have to give up thousands of candidates, the query scans the stations that pass the
filters instead. Either way the result equals :meth:`NearestIndex.brute_force`.

Arguments are ``lat, lon`` in WGS-84 degrees; distances are metres.
"""

from __future__ import annotations

import copy
import math
from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from stationmap.geo.distance import WGS84, ecef_m, ecef_point_m, geodesic_many
from stationmap.geo.hours import hours_state

# Above this many candidates a filtered scan is cheaper than asking the tree for more.
_SCAN_AFTER = 2048
# pyproj's scalar entry point without the argument checks of Geod.inv (lon, lat order).
_GEOD_POINT = WGS84._inv_point


def _chord_bound_m(distance_m: float) -> float:
    """The longest chord, as computed, between points ``distance_m`` apart along the
    geodesic. A chord is never longer than its geodesic, but both are rounded (the
    earth-centred coordinates, about 6.4e6 m, to nanometres; Karney's distance to about
    15 nm), and at short range they agree to far less than that (d^3 / 24 R^2: 1e-12 m
    at 10 m), so a computed chord can exceed its geodesic. Every test of a chord against
    a geodesic (radius, k-th best) allows one micrometre, lest a station exactly at the
    radius, or tied with the k-th, be dropped."""
    return distance_m + 1e-6


def cKDTree(points: npt.NDArray[np.float64], **options: bool) -> Any:
    """scipy's ``cKDTree(points, **options)``, scipy (about 35 MB with scipy.sparse)
    imported by the first index built over at least one station: a process whose
    nearest search is PostGIS, whose index is empty, or that only imports the filters,
    never loads it. (Named as scipy's class so that the index code reads, and merges,
    as before.)"""
    from scipy.spatial import cKDTree as tree

    return tree(points, **options)


@dataclass(frozen=True, slots=True)
class IndexedStation:
    """What the index needs to know of a station."""

    id: int
    lat: float
    lon: float
    amenities: tuple[str, ...] = ()
    host_type: str = "other"
    worker_groups: tuple[str, ...] = ()
    opening_hours: str | None = None
    closed_until_s: float | None = None  # temporarily closed until (POSIX seconds)
    outages: tuple[tuple[str, float], ...] = ()  # (amenity, unavailable until, POSIX s)


@dataclass(frozen=True, slots=True)
class Filters:
    """A station passes when it has every amenity in ``amenities``, its host type is one
    of ``host_types`` (if any are given), it serves one of ``worker_groups`` (if any),
    it is known to be open at ``open_at`` (if given) and not temporarily closed then,
    and it lies within ``radius_m``. With ``states_at``, an amenity out of service at
    that moment does not count as present."""

    amenities: frozenset[str] = frozenset()
    host_types: frozenset[str] = frozenset()
    worker_groups: frozenset[str] = frozenset()
    open_at: datetime | None = None
    radius_m: float | None = None
    states_at: datetime | None = None

    @property
    def static(self) -> bool:
        return bool(self.amenities or self.host_types or self.worker_groups)


class Hit(NamedTuple):
    """A station found: its row in the index, its id, and its geodesic distance."""

    position: int
    id: int
    distance_m: float


@dataclass
class _Vocabulary:
    codes: dict[str, int] = field(default_factory=dict)
    _decoded: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def codes_of(self, mask: int) -> tuple[str, ...]:
        """The codes whose bits are set in ``mask``, sorted."""
        found = self._decoded.get(mask)  # pragma: no mutate
        if found is None:
            found = tuple(sorted(c for c, bit in self.codes.items() if mask >> bit & 1))
            self._decoded[mask] = found  # pragma: no mutate
        return found

    def bit(self, code: str) -> int:
        if code not in self.codes:
            if len(self.codes) >= 63:
                raise ValueError("at most 63 distinct amenity or worker-group codes")
            self.codes[code] = len(self.codes)
        return 1 << self.codes[code]

    def mask(self, codes: Iterable[str]) -> int:
        value = 0
        for code in codes:
            value |= self.bit(code)
        return value

    def known_mask(self, codes: Iterable[str]) -> int | None:
        """The mask of ``codes``, or None if one of them appears in no station."""
        value = 0
        for code in codes:
            if code not in self.codes:
                return None
            value |= 1 << self.codes[code]
        return value


_NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Columns:
    """The stations of an index as arrays, one row per station: ``ids``; ``lats``,
    ``lons`` (WGS-84 degrees); ``amenity_masks`` and ``group_masks`` (bit ``i`` set: the
    station has ``amenity_codes[i]`` / ``group_codes[i]``, at most 63 of each); and
    ``host_idx`` / ``hours_idx`` into ``host_codes`` / ``hours_texts`` (``hours_texts[0]``
    is None: no hours known)."""

    ids: npt.NDArray[np.int64]
    lats: npt.NDArray[np.float64]
    lons: npt.NDArray[np.float64]
    amenity_masks: npt.NDArray[np.int64]
    group_masks: npt.NDArray[np.int64]
    host_idx: npt.NDArray[np.int32]
    hours_idx: npt.NDArray[np.int32]
    amenity_codes: list[str]
    group_codes: list[str]
    host_codes: list[str]
    hours_texts: list[str | None]


class NearestIndex:
    """Exact k-nearest stations by geodesic distance, with filters.

    Parameters
    ----------
    stations : sequence of IndexedStation
        Coordinates in WGS-84 degrees.
    tz : ZoneInfo
        Time zone in which opening hours are read.
    """

    def __init__(self, stations: Sequence[IndexedStation], tz: ZoneInfo) -> None:
        n = len(stations)
        amenity_vocab = _Vocabulary()
        group_vocab = _Vocabulary()
        host_codes: dict[str, int] = {}
        hours_codes: dict[str | None, int] = {None: 0}
        self._setup(
            Columns(
                ids=np.fromiter((s.id for s in stations), dtype=np.int64, count=n),
                lats=np.fromiter((s.lat for s in stations), dtype=np.float64, count=n),
                lons=np.fromiter((s.lon for s in stations), dtype=np.float64, count=n),
                amenity_masks=np.fromiter(
                    (amenity_vocab.mask(s.amenities) for s in stations), dtype=np.int64, count=n
                ),
                group_masks=np.fromiter(
                    (group_vocab.mask(s.worker_groups) for s in stations), dtype=np.int64, count=n
                ),
                host_idx=np.fromiter(
                    (host_codes.setdefault(s.host_type, len(host_codes)) for s in stations),
                    dtype=np.int32,
                    count=n,
                ),
                hours_idx=np.fromiter(
                    (hours_codes.setdefault(s.opening_hours, len(hours_codes)) for s in stations),
                    dtype=np.int32,
                    count=n,
                ),
                amenity_codes=list(amenity_vocab.codes),
                group_codes=list(group_vocab.codes),
                host_codes=list(host_codes),
                hours_texts=list(hours_codes),
            ),
            {i: s.closed_until_s for i, s in enumerate(stations) if s.closed_until_s},
            {i: s.outages for i, s in enumerate(stations) if s.outages},
            tz,
        )

    @classmethod
    def from_columns(
        cls,
        columns: Columns,
        closures: dict[int, float],
        outages: dict[int, tuple[tuple[str, float], ...]],
        tz: ZoneInfo,
    ) -> NearestIndex:
        """An index over ``columns`` (kept, not copied), with the temporary states of the
        few stations that have one: ``closures`` (closed until, POSIX s) and ``outages``
        ((amenity, until POSIX s) pairs), each by row."""
        index = cls.__new__(cls)
        index._setup(columns, closures, outages, tz)
        return index

    def _setup(
        self,
        columns: Columns,
        closures: dict[int, float],
        outages: dict[int, tuple[tuple[str, float], ...]],
        tz: ZoneInfo,
    ) -> None:
        self.tz = tz
        self.columns = columns
        n = columns.ids.size
        self.ids, self.lats, self.lons = columns.ids, columns.lats, columns.lons
        self.amenity_masks, self.group_masks = columns.amenity_masks, columns.group_masks
        self.host_idx, self.hours_idx = columns.host_idx, columns.hours_idx
        self._amenity_vocab = _Vocabulary({c: i for i, c in enumerate(columns.amenity_codes)})
        self._group_vocab = _Vocabulary({c: i for i, c in enumerate(columns.group_codes)})
        self._host_codes = {c: i for i, c in enumerate(columns.host_codes)}
        self._hours_texts: list[str | None] = columns.hours_texts
        # Rows hidden from every answer (stations changed since the build, answered
        # from a small index beside this one); None when there are none.
        self.hidden: npt.NDArray[np.bool_] | None = None
        # Temporary states are rare: kept only for the stations that have one.
        self.closed_until_s: npt.NDArray[np.float64] | None = None
        if closures:
            self.closed_until_s = np.full(n, -np.inf)
            for i, until in closures.items():
                self.closed_until_s[i] = until
        # Outages: a mask of the amenities each station has an outage for (zero for
        # nearly all), and the end of each outage by (position, code).
        self._outage_until: dict[tuple[int, str], float] = {}
        self._outage_bits: npt.NDArray[np.int64] | None = None
        for i, pairs in outages.items():
            for code, until in pairs:
                if self._outage_bits is None:
                    self._outage_bits = np.zeros(n, dtype=np.int64)
                self._outage_bits[i] |= self._amenity_vocab.bit(code)
                self._outage_until[i, code] = until
        # No tree for no station: an empty index answers every query with nothing
        # before it would look at one, and a worker (or gunicorn's master) serving an
        # empty database then never imports scipy.
        self._tree: Any = (
            cKDTree(
                ecef_m(self.lats, self.lons),
                balanced_tree=False,  # pragma: no mutate
                compact_nodes=False,  # pragma: no mutate
            )
            if n
            else None
        )

    def hiding(self, positions: npt.NDArray[np.intp]) -> NearestIndex:
        """This index with the rows at ``positions`` left out of every answer, beside
        those already hidden; the tree and columns are shared, not copied."""
        other = copy.copy(self)
        hidden = np.zeros(len(self), dtype=bool) if self.hidden is None else self.hidden.copy()
        hidden[positions] = True
        other.hidden = hidden
        return other

    def amenities_of(self, position: int) -> tuple[str, ...]:
        """The amenity codes of the row at ``position``, in code order."""
        return self._amenity_vocab.codes_of(int(self.amenity_masks.item(position)))

    def worker_groups_of(self, position: int) -> tuple[str, ...]:
        """The worker-group codes of the row at ``position``, in code order."""
        return self._group_vocab.codes_of(int(self.group_masks.item(position)))

    def __len__(self) -> int:
        return int(self.ids.size)

    # -- filters -------------------------------------------------------------------
    def _static_mask(
        self, positions: npt.NDArray[np.intp], filters: Filters
    ) -> npt.NDArray[np.bool_]:
        ok = np.ones(positions.shape, dtype=bool)
        if filters.amenities:
            need = self._amenity_vocab.known_mask(filters.amenities)
            if need is None:
                return np.zeros(positions.shape, dtype=bool)
            ok &= (self.amenity_masks[positions] & need) == need
            if self._outage_bits is not None and filters.states_at is not None:
                self._drop_outages(positions, ok, filters.amenities, filters.states_at)
        if filters.host_types:
            allowed = [self._host_codes[h] for h in filters.host_types if h in self._host_codes]
            ok &= np.isin(self.host_idx[positions], allowed)
        if filters.worker_groups:
            bits = 0
            for code in filters.worker_groups:
                bits |= self._group_vocab.known_mask([code]) or 0
            ok &= (self.group_masks[positions] & bits) != 0
        return ok

    def _drop_outages(
        self,
        positions: npt.NDArray[np.intp],
        ok: npt.NDArray[np.bool_],
        amenities: frozenset[str],
        at: datetime,
    ) -> None:
        """Clear ``ok`` where a wanted amenity is out of service at ``at``."""
        assert self._outage_bits is not None
        need = self._amenity_vocab.known_mask(amenities) or 0
        suspects = np.flatnonzero((self._outage_bits[positions] & need) != 0)
        if not suspects.size:
            return
        at_s = at.timestamp()
        until = self._outage_until
        for j in suspects.tolist():
            p = positions.item(j)
            if any(until.get((p, code), -math.inf) > at_s for code in amenities):
                ok[j] = False

    def _open_mask(
        self, positions: npt.NDArray[np.intp], at: datetime, cache: dict[int, bool]
    ) -> npt.NDArray[np.bool_]:
        hours = self.hours_idx[positions]
        out = np.empty(positions.shape, dtype=bool)
        for j, h in enumerate(hours.tolist()):
            if h not in cache:
                cache[h] = self._is_open(h, at) is True
            out[j] = cache[h]
        return out

    def _is_open(self, hours_code: int, at: datetime) -> bool | None:
        return hours_state(self._hours_texts[hours_code], at, self.tz).open

    def _passing(
        self, positions: npt.NDArray[np.intp], filters: Filters, cache: dict[int, bool]
    ) -> npt.NDArray[np.bool_]:
        """Boolean mask over ``positions``: which pass ``filters`` (radius aside)."""
        if filters.static:
            ok = self._static_mask(positions, filters)
        else:
            ok = np.ones(positions.shape, dtype=bool)
        if self.hidden is not None:
            ok &= ~self.hidden[positions]
        if filters.open_at is not None and self.closed_until_s is not None:
            ok &= self.closed_until_s[positions] <= filters.open_at.timestamp()
        if filters.open_at is not None and ok.any():
            ok[ok] = self._open_mask(positions[ok], filters.open_at, cache)
        return ok

    # -- queries -------------------------------------------------------------------
    def nearest(
        self,
        lat: float,
        lon: float,
        k: int = 5,
        filters: Filters = _NO_FILTERS,
    ) -> list[Hit]:
        """The ``k`` stations nearest to (lat, lon) that pass ``filters``, nearest first
        (ties by id)."""
        n = len(self)
        if n == 0 or k <= 0:
            return []
        query = ecef_point_m(lat, lon)
        radius = filters.radius_m
        filtered = filters.static or filters.open_at is not None or self.hidden is not None
        cache: dict[int, bool] = {}
        want = 4 * k + 12 if filtered else k + 1
        while True:
            want = min(want, n)
            if want > _SCAN_AFTER and want < n:
                return self._scan(lat, lon, query, k, filters, cache)
            if radius is None:
                chords, positions = self._tree.query(query, k=want)
            else:
                # A chord is never longer than its geodesic: nothing inside is missed.
                chords, positions = self._tree.query(
                    query, k=want, distance_upper_bound=_chord_bound_m(radius)
                )
            if want == 1:
                chords, positions = np.atleast_1d(chords), np.atleast_1d(positions)
            if positions[-1] >= n:  # fewer than `want` inside the radius
                found = positions < n
                chords, positions = chords[found], positions[found]
            complete = positions.size < want or want == n
            reach_m = chords.item(-1) if positions.size else 0.0
            if filtered:
                ok = self._passing(positions, filters, cache)
                chords, positions = chords[ok], positions[ok]
            best, settled = self._best(lat, lon, chords.tolist(), positions.tolist(), k, radius)
            if settled or complete or (len(best) == k and _chord_bound_m(best[-1][0]) < reach_m):
                return [Hit(p, i, d) for d, i, p in best]
            want *= 4

    def _best(
        self,
        lat: float,
        lon: float,
        chords: list[float],
        positions: list[int],
        k: int,
        radius_m: float | None,
    ) -> tuple[list[tuple[float, int, int]], bool]:
        """The k best (geodesic, id, position) among candidates given in chord order.

        Stops computing geodesics once a candidate's chord exceeds the k-th best
        geodesic (or the radius), rounding allowed for (:func:`_chord_bound_m`): its
        geodesic, and every later one's, is longer. The second value says whether it
        stopped so, which proves the answer exact.
        """
        best: list[tuple[float, int, int]] = []
        inv = _GEOD_POINT
        lats, lons, ids = self.lats, self.lons, self.ids
        limit = math.inf if radius_m is None else _chord_bound_m(radius_m)
        for chord, p in zip(chords, positions, strict=True):
            if chord > limit:
                return best, True
            d = inv(lon, lat, lons.item(p), lats.item(p), False)[2]
            if radius_m is not None and d > radius_m:
                continue
            insort(best, (d, ids.item(p), p))
            if len(best) > k:
                best.pop()
            if len(best) == k:
                # Within the radius, so never above the radius's bound.
                limit = _chord_bound_m(best[-1][0])
        return best, False

    def _scan(
        self,
        lat: float,
        lon: float,
        query: tuple[float, float, float],
        k: int,
        filters: Filters,
        cache: dict[int, bool],
    ) -> list[Hit]:
        """Nearest among all stations passing the filters, without the tree."""
        positions = np.arange(len(self), dtype=np.intp)
        positions = positions[self._passing(positions, filters, cache)]
        chords = np.linalg.norm(self._tree.data[positions] - np.asarray(query), axis=1)
        take = k + 1
        while True:
            if take >= positions.size:
                order = np.argsort(chords, kind="stable")
                best, _ = self._best(
                    lat,
                    lon,
                    chords[order].tolist(),
                    positions[order].tolist(),
                    k,
                    filters.radius_m,
                )
                return [Hit(p, i, d) for d, i, p in best]
            part = np.argpartition(chords, take)
            chosen = part[:take][np.argsort(chords[part[:take]], kind="stable")]
            reach_m = float(chords[part[take:]].min())
            best, settled = self._best(
                lat, lon, chords[chosen].tolist(), positions[chosen].tolist(), k, filters.radius_m
            )
            if settled or (len(best) == k and _chord_bound_m(best[-1][0]) < reach_m):
                return [Hit(p, i, d) for d, i, p in best]
            take *= 4

    def brute_force(
        self, lat: float, lon: float, k: int = 5, filters: Filters = _NO_FILTERS
    ) -> list[Hit]:
        """The reference answer: every station's geodesic distance, filtered, sorted."""
        positions = np.arange(len(self), dtype=np.intp)
        positions = positions[self._passing(positions, filters, {})]
        dist = geodesic_many(lat, lon, self.lats[positions], self.lons[positions])
        ids = self.ids[positions]
        hits = [
            Hit(int(positions[j]), int(ids[j]), float(dist[j]))
            for j in np.lexsort((ids, dist)).tolist()
            if filters.radius_m is None or dist[j] <= filters.radius_m
        ]
        return hits[:k]
