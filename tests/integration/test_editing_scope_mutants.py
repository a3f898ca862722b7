"""The admin lists' scope and filters (services/editing.scoped_stations) against a plain
filter of every station row written here, and the pure scope and same-name checks
(tests/mutation.md). A station outside the administrator's districts never shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from stationmap.models import Station
from stationmap.services import editing


def _db(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["stationmap"].db


def _plain(rows, codes, *, text="", deleted=False, unverified_days=None, limit=500):  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    out = []
    for s in rows:
        if (s.deleted_at is not None) != deleted:
            continue
        if codes is not None and s.district_code not in codes:
            continue
        if text and text.lower() not in s.name.lower() and text.lower() not in s.code.lower():
            continue
        if unverified_days is not None:
            v = s.verified_at
            if v is not None and v.replace(tzinfo=v.tzinfo or UTC) >= now - timedelta(
                days=unverified_days
            ):
                continue
        out.append(s.code)
    return sorted(out)[:limit]


def test_admin_lists_show_exactly_the_stations_in_scope(app: Flask) -> None:
    with _db(app).write_session() as session:
        rows = list(session.scalars(select(Station).order_by(Station.id)))
        assert len(rows) >= 6
        districts = sorted({s.district_code for s in rows if s.district_code})
        assert len(districts) >= 2
        # Make the filters matter: one deleted, one long unverified, one verified today.
        rows[0].deleted_at = datetime.now(UTC)
        rows[1].verified_at = datetime.now(UTC) - timedelta(days=400)
        rows[2].verified_at = datetime.now(UTC)
        rows[3].verified_at = None
    with _db(app).session() as session:
        rows = list(session.scalars(select(Station)))
        word = rows[4].name[:2]
        for codes in (None, frozenset(districts[:1]), frozenset(districts[1:]), frozenset()):
            for kwargs in (
                {},
                {"deleted": True},
                {"text": word},
                {"text": rows[5].code},
                {"unverified_days": 180},
                {"limit": 2},
            ):
                got = [s.code for s in editing.scoped_stations(session, codes, **kwargs)]
                assert got == _plain(rows, codes, **kwargs), (codes, kwargs)
        assert _plain(rows, None, deleted=True)


@pytest.mark.parametrize(
    ("codes", "district", "expected"),
    [
        (None, None, True),
        (None, "150102", True),
        (frozenset({"150102"}), "150102", True),
        (frozenset({"150102"}), "150103", False),
        (frozenset({"150102"}), None, False),
        (frozenset(), "150102", False),
    ],
)
def test_in_scope(codes, district, expected) -> None:  # type: ignore[no-untyped-def]
    assert editing.in_scope(codes, district) is expected


def test_out_of_scope_names_the_district() -> None:
    err = editing.OutOfScope("150102")
    assert err.district_code == "150102" and str(err) == "150102"
    none = editing.OutOfScope(None)
    assert none.district_code is None and str(none) == "no district"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("青城驿站", "青城驿站", True),
        ("青城 驿站", "青城驿站(一)", True),  # one contains the other, spaces aside
        ("ABC Station", "abc station", True),
        ("", "青城驿站", False),
        ("青城驿站", "  ", False),
        ("青城驿站", "站驿城青", True),  # same characters, another order
        ("abcde", "abcxy", True),  # 3 of 5 shared: 0.6
        ("abcde", "abwxy", False),  # 2 of 5 shared: 0.4
        ("abcdef", "abcxyz", False),  # 3 of 6: 0.5
        ("abcdef", "abcdxy", True),  # 4 of 6
    ],
)
def test_similar_names(a: str, b: str, expected: bool) -> None:
    assert editing.similar_names(a, b) is expected
    assert editing.similar_names(b, a) is expected
