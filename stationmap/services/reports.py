"""Workers' reports stored: a new report (with its first event, "new"), or a merge
into the same client's identical open report of the last day; the per-client limits
counted in the report table (so every app process shares them); a report's public
state by tracking code. A report never changes a station.

Reading and checking a report, and the codes and hashes, are pure:
:mod:`stationmap.report_fields`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from stationmap.models import Report, ReportEvent, ReportRequest, Station
from stationmap.report_fields import (
    InvalidReport,
    ReportInput,
    edit_note,
    fingerprint,
    new_tracking_code,
    retry_after,
    sent_content,
)
from stationmap.services import districts as district_service
from stationmap.services import staff as staff_service
from stationmap.station_fields import FieldError

OPEN_STATUSES = ("new", "assigned", "in_progress")
MERGE_WINDOW = timedelta(hours=24)


class RateLimited(Exception):
    """Too many reports from this client; ``retry_after_s`` until the next is taken."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many reports; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class NoSuchStation(LookupError):
    """The station reported on does not exist (or is deleted)."""


@dataclass(frozen=True)
class Submitted:
    """A send's receipt. ``edited``: the form was sent again, edited, after this report
    was received, and the changes were added to it as the reporter's note."""

    tracking_code: str
    status: str
    merged: bool
    edited: bool = False


@dataclass(frozen=True)
class SentReport:
    """What a form's key leads to: its receipt, and the code of the station reported
    on (``None`` for a demand, or a station deleted since)."""

    done: Submitted
    station_code: str | None


@dataclass(frozen=True)
class PublicReply:
    at: datetime
    to_status: str
    reply: str


@dataclass(frozen=True)
class PublicReport:
    """What a reporter may see of a report: never the phone, notes or client hash."""

    tracking_code: str
    kind: str
    status: str
    created_at: datetime
    updated_at: datetime
    station_name: str | None
    station_code: str | None
    needs: tuple[str, ...]
    text: str
    replies: tuple[PublicReply, ...]


def _check_rate(
    session: Session, client: str, rates: Sequence[tuple[int, int]], now: datetime
) -> None:
    if not rates:
        return
    longest = max(window_s for _, window_s in rates)
    since = now - timedelta(seconds=longest)
    recent = (Report.client_hash == client) & (Report.created_at > since)
    # Two reports from one client at once: on PostgreSQL the second waits here for the
    # first's commit, then counts it (SQLite write sessions are serial already). A
    # client's very first reports have no row to wait on: they may pass together.
    session.execute(select(Report.id).where(recent).with_for_update())
    times = list(session.scalars(select(Report.created_at).where(recent)))
    wait = retry_after(times, rates, now)
    if wait:
        raise RateLimited(wait)


def _district_of(session: Session, data: ReportInput, station: Station | None) -> str | None:
    if station is not None:
        return station.district_code
    if data.lat is None or data.lon is None:
        return None
    return district_service.locate(session, data.lat, data.lon)


def _unused_code(session: Session) -> str:
    while True:
        code = new_tracking_code()
        if session.scalar(select(Report.id).where(Report.tracking_code == code)) is None:
            return code


def sent_report(session: Session, key: str) -> SentReport | None:
    """The receipt of the form send with one-time ``key``, or ``None``."""
    row = session.get(ReportRequest, key)
    if row is None:
        return None
    return _receipt_of(session, row)


def _receipt_of(session: Session, row: ReportRequest) -> SentReport | None:
    report = session.get(Report, row.report_id)
    if report is None:
        return None
    station = session.get(Station, report.station_id) if report.station_id else None
    return SentReport(
        Submitted(report.tracking_code, report.status, merged=row.merged, edited=row.edits > 0),
        station.code if station is not None and station.deleted_at is None else None,
    )


#: Edits one form's key may add to its report: a rider whose answers keep getting lost
#: edits a few times at most; past this, a send again gets the receipt and adds nothing
#: (one key sent over and over with new text must not flood a report, limits unseen).
MAX_EDITS_PER_FORM = 3


def _send_again(
    session: Session, row: ReportRequest, data: ReportInput, now: datetime
) -> Submitted | None:
    """A form sent again with its key: the first receipt, and when the form says
    something else than its last send (edited after the answer was lost), the edit
    added to the same report as the reporter's note (an event that keeps the status;
    the report's own fields, version and ``updated_at`` stay as they are, so an
    administrator's If-Match stays good). The same edit sent again adds nothing, nor
    does any past :data:`MAX_EDITS_PER_FORM`."""
    content = sent_content(data)
    note = ""
    if row.content is not None and row.edits < MAX_EDITS_PER_FORM:
        note = edit_note(row.content, content)
    if note:
        report = session.get(Report, row.report_id)
        if report is not None:
            session.add(
                ReportEvent(
                    report_id=report.id,
                    created_at=now,
                    from_status=report.status,
                    to_status=report.status,
                    note=note,
                )
            )
            row.content = content
            row.edits += 1
            session.flush()
    earlier = _receipt_of(session, row)
    return earlier.done if earlier is not None else None


def submit_report(
    session: Session,
    data: ReportInput,
    station_id: int | None,
    client: str,
    now: datetime,
    rates: Sequence[tuple[int, int]] = (),
    reported_closed_min: int = staff_service.REPORTED_CLOSED_MIN,
    request_key: str | None = None,
) -> Submitted:
    """Store a report (with its first event, "new"), or merge it into the same client's
    identical open report of the last 24 hours (``repeats`` + 1, same tracking code;
    its version and ``updated_at`` unchanged). A new "closed" report may mark its
    station reported closed (``reported_closed_min`` different clients in 24 hours).

    ``request_key``, the form's one-time key, makes a send repeatable: a key already
    used answers that send's receipt and changes nothing (from any client, whatever
    the limits). Two sends of one key at once: on PostgreSQL the second fails with an
    ``IntegrityError`` on the key once the first commits (its caller then sends
    again, or reads :func:`sent_report`); SQLite write sessions are serial already.
    A key already used whose send now says something else (the rider edited the form
    after its answer was lost) adds the changes to that report as the reporter's note,
    and its receipt says so (``edited``): never a second report, never a silent loss.

    Raises :class:`NoSuchStation` for a station report on no live station,
    :class:`InvalidReport` for a pin in no district served here and
    :class:`RateLimited` when the client has sent too many (merges never count)."""
    if request_key is not None:
        # Locked on PostgreSQL: two edited sends of one key at once add one note each.
        row = session.get(ReportRequest, request_key, with_for_update=True)
        again = _send_again(session, row, data, now) if row is not None else None
        if again is not None:
            return again
    done, report_id = _store(session, data, station_id, client, now, rates, reported_closed_min)
    if request_key is not None:
        session.add(
            ReportRequest(
                key=request_key,
                report_id=report_id,
                merged=done.merged,
                created_at=now,
                content=sent_content(data),
            )
        )
        session.flush()
    return done


def _store(
    session: Session,
    data: ReportInput,
    station_id: int | None,
    client: str,
    now: datetime,
    rates: Sequence[tuple[int, int]],
    reported_closed_min: int,
) -> tuple[Submitted, int]:
    station = None
    if data.kind != "demand":
        station = session.get(Station, station_id) if station_id else None
        if station is None or station.deleted_at is not None:
            raise NoSuchStation(station_id)
    mark = fingerprint(data, station_id if station else None)
    same = session.scalars(
        select(Report)
        .where(
            Report.fingerprint == mark,
            Report.client_hash == client,
            Report.created_at > now - MERGE_WINDOW,
            Report.status.in_(OPEN_STATUSES),
        )
        .order_by(Report.id.desc())
        .limit(1)
    ).first()
    if same is not None:
        # In SQL, not through the ORM: a repeat neither bumps the report's version (an
        # administrator's If-Match stays good) nor fails when one is changing it.
        values: dict[str, object] = {"repeats": Report.repeats + 1}
        if data.phone and not same.phone:
            values["phone"] = data.phone
        session.execute(
            update(Report).where(Report.id == same.id).values(**values),
            execution_options={"synchronize_session": False},
        )
        return Submitted(same.tracking_code, same.status, merged=True), same.id
    district_code = _district_of(session, data, station)
    if station is None and district_code is None:
        raise InvalidReport(
            [
                FieldError(
                    "lat",
                    "this point is in no district served here: move the pin into a district",
                    message_zh="纬度：这个位置不在本系统服务的区县内，请把标记移到区县范围内",
                )
            ]
        )
    _check_rate(session, client, rates, now)
    report = Report(
        tracking_code=_unused_code(session),
        kind=data.kind,
        station_id=station.id if station else None,
        district_code=district_code,
        needs=list(data.needs),
        lat=data.lat,
        lon=data.lon,
        text=data.text,
        phone=data.phone,
        lang=data.lang,
        status="new",
        client_hash=client,
        fingerprint=mark,
        repeats=0,
        created_at=now,
        updated_at=now,
    )
    report.events.append(ReportEvent(created_at=now, from_status=None, to_status="new"))
    session.add(report)
    session.flush()
    if station is not None and data.kind == "closed":
        # Enough different couriers saying "closed" mark the station reported closed
        # (ranked after open ones) until staff or an administrator confirm it.
        staff_service.note_closed_report(session, station.id, now, minimum=reported_closed_min)
    return Submitted(report.tracking_code, report.status, merged=False), report.id


# -- the reporter's view --------------------------------------------------------------------
def public_report(session: Session, code: str) -> PublicReport | None:
    """The report with tracking ``code`` as its reporter may see it, or ``None``."""
    report = session.scalars(select(Report).where(Report.tracking_code == code)).first()
    if report is None:
        return None
    station = session.get(Station, report.station_id) if report.station_id else None
    replies = tuple(
        PublicReply(event.created_at, event.to_status, event.reply)
        for event in report.events
        if event.reply.strip()
    )
    return PublicReport(
        tracking_code=report.tracking_code,
        kind=report.kind,
        status=report.status,
        created_at=report.created_at,
        updated_at=report.updated_at,
        station_name=station.name if station else None,
        # a deleted station keeps its name here, but has no page to link to
        station_code=station.code if station and station.deleted_at is None else None,
        needs=tuple(report.needs),
        text=report.text,
        replies=replies,
    )
