"""The dashboard's report figures per district, checked against plain arithmetic on
the reports the test makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import report_figures
from tests.integration.admin_support import SAIHAN, XINCHENG, login, make_user, station_in
from tests.integration.report_queue_support import make_report


def _h(hours):
    return timedelta(hours=hours)


def test_figures_per_district_match_plain_arithmetic(app):
    now = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    station = station_in(app, XINCHENG)
    make_report(
        app,
        station,
        now=now,
        hours_ago=10,
        status="resolved",
        first_reply_at=now - _h(8),
        resolved_at=now - _h(4),
    )
    make_report(
        app, station, now=now, hours_ago=6, status="in_progress", first_reply_at=now - _h(5)
    )
    oldest = make_report(app, station, now=now, hours_ago=20)
    make_report(app, station, now=now, hours_ago=3)
    make_report(
        app,
        None,
        kind="demand",
        district=XINCHENG,
        now=now,
        hours_ago=30,
        status="rejected",
        resolved_at=now - _h(29),
    )
    make_report(app, station_in(app, SAIHAN), now=now, hours_ago=2)
    with state(app).db.session() as session:
        stations = session.scalar(
            select(func.count())
            .select_from(Station)
            .where(Station.district_code == XINCHENG, Station.deleted_at.is_(None))
        )
        rows = report_figures.figures(session, frozenset({XINCHENG}), now)
    assert [r.district_code for r in rows] == [XINCHENG]
    xc = rows[0]
    assert xc.reports == 5 and xc.open == 3
    assert xc.median_first_reply_h == pytest.approx((2 + 1) / 2)
    # resolved after 10 - 4 = 6 h, rejected after 30 - 29 = 1 h
    assert xc.median_resolution_h == pytest.approx((6 + 1) / 2)
    assert xc.stations == stations
    assert xc.per_station == pytest.approx(4 / stations)  # the demand pin is no station's
    assert xc.oldest_unanswered.tracking_code == oldest.tracking_code
    assert xc.oldest_unanswered.age_hours == pytest.approx(20)


def test_the_dashboard_shows_the_figures_of_the_users_districts(app):
    make_user(app, "xc", "district_admin", (XINCHENG,))
    client = app.test_client()
    login(client, "xc")
    make_report(app, station_in(app, XINCHENG), hours_ago=5)
    theirs = make_report(app, station_in(app, SAIHAN), hours_ago=9)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="report-figures"' in page and f'data-district="{XINCHENG}"' in page
    assert f'data-district="{SAIHAN}"' not in page and theirs.tracking_code not in page


def test_open_and_oldest_count_every_age_and_medians_the_last_year(app):
    now = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    station = station_in(app, XINCHENG)
    ancient = make_report(app, station, now=now, hours_ago=24 * 400)
    make_report(
        app,
        station,
        now=now,
        hours_ago=24 * 380,
        status="resolved",
        first_reply_at=now - _h(24 * 370),
        resolved_at=now - _h(24 * 370),
    )
    make_report(app, station, now=now, hours_ago=4, first_reply_at=now - _h(3))
    with state(app).db.session() as session:
        [xc] = report_figures.figures(session, frozenset({XINCHENG}), now)
    assert xc.open == 2 and xc.reports == 1
    assert xc.oldest_unanswered.tracking_code == ancient.tracking_code
    assert xc.oldest_unanswered.age_hours == pytest.approx(24 * 400)
    assert xc.median_first_reply_h == pytest.approx(1) and xc.median_resolution_h is None
