"""Telling a district's group chat of new reports and of reports left unanswered.

A district's administrator (or a superadmin) sets a webhook (:class:`DistrictNotify`):
a 企业微信 (WeCom) or 钉钉 (DingTalk) group robot, or any URL taking JSON. Nothing is
sent while a reporter waits: :func:`enqueue_due` finds the reports to announce and puts
one message each in the outbox, and :func:`deliver_due` posts what is due outside any
transaction, retrying a failure with exponential back-off (1, 2, 4 … minutes, at most
6 hours apart) until :data:`MAX_ATTEMPTS`. ``stationmap send-notifications`` runs both
once (or in a loop); the app can run them in a background thread.

Bodies are plain text (``msgtype: text``), never markdown or HTML, so a reporter's text
reaches the chat as the characters they typed, JSON-encoded.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationmap.models import (
    NOTIFY_FORMATS,
    District,
    DistrictNotify,
    NotificationOutbox,
    Report,
    Station,
)
from stationmap.report_fields import KIND_TERMS
from stationmap.services.editing import in_scope
from stationmap.services.notify_target import checked_target, opener_for, target_error
from stationmap.services.report_queue import OPEN_STATUSES, QueueError, ReadOnly, ReportNotFound
from stationmap.services.stations import utc_now
from stationmap.services.users import Principal

MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
LEASE = timedelta(minutes=2)  # a claimed message is not claimed again meanwhile
TIMEOUT_S = 5.0
MAX_URL = 500
MAX_UNANSWERED_HOURS = 720
MAX_TEXT = 500  # of the reporter's text in a message
BATCH = 50

KIND_ZH = {t.code: t.zh for t in KIND_TERMS}

# post(url, body) -> None when delivered, else what went wrong.
Poster = Callable[[str, dict[str, Any]], str | None]


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes."""
    factor: int = 2 ** max(0, attempts - 1)
    return min(FIRST_DELAY * factor, MAX_DELAY)


# -- settings ----------------------------------------------------------------------------
@dataclass(frozen=True)
class NotifySetting:
    district_code: str
    name: str
    url: str
    format: str
    unanswered_hours: int | None


def settings_in_scope(session: Session, codes: frozenset[str] | None) -> list[NotifySetting]:
    """Each county-level district in scope with its webhook ("" when none)."""
    stmt = select(District.code, District.name).where(District.level == "county")
    if codes is not None:
        stmt = stmt.where(District.code.in_(sorted(codes)))
    configured = {row.district_code: row for row in session.scalars(select(DistrictNotify))}
    out = []
    for code, name in session.execute(stmt.order_by(District.code)):
        row = configured.get(code)
        out.append(
            NotifySetting(
                code,
                name,
                row.url if row else "",
                row.format if row else "wecom",
                row.unanswered_hours if row else None,
            )
        )
    return out


def _check_url(url: str, local_ok: bool) -> str:
    value = url.strip()
    if len(value) > MAX_URL:
        raise QueueError(
            "url", f"网址不能超过 {MAX_URL} 个字符", f"url is over {MAX_URL} characters"
        )
    if not value.startswith(("https://", "http://")) or not value.isprintable() or " " in value:
        raise QueueError(
            "url",
            "网址须以 https:// 或 http:// 开头，且不含空格",
            "url must start with https:// or http:// and hold no spaces",
        )
    if (refused := target_error(value, local_ok)) is not None:
        raise QueueError("url", *refused)
    return value


def save_setting(
    session: Session,
    district_code: str,
    url: str,
    fmt: str,
    unanswered_hours: str,
    me: Principal,
    now: datetime | None = None,
    *,
    local_ok: bool = False,
) -> None:
    """Set (or, with an empty ``url``, remove) the district's webhook. Raises
    :class:`QueueError` naming the field. ``local_ok``: the URL may point at this
    machine or a private network (``STATIONMAP_NOTIFY_LOCAL``)."""
    if not me.scope.can_write:
        raise ReadOnly(None, "您的账户只能查看，不能修改。", "this account is read-only")
    if not in_scope(me.scope.codes, district_code) or session.get(District, district_code) is None:
        raise ReportNotFound("district", "没有这个区县，或不在您负责的范围内", "no such district")
    now = now or utc_now()
    row = session.get(DistrictNotify, district_code)
    if not url.strip():
        if row is not None:
            session.delete(row)
        return
    value = _check_url(url, local_ok)
    if fmt not in NOTIFY_FORMATS:
        raise QueueError(
            "format",
            f"格式只能是 {'、'.join(NOTIFY_FORMATS)}",
            f"format must be one of {', '.join(NOTIFY_FORMATS)}",
        )
    hours: int | None = None
    if unanswered_hours.strip():
        text = unanswered_hours.strip()
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_UNANSWERED_HOURS:
            raise QueueError(
                "unanswered_hours",
                f"须为 1 到 {MAX_UNANSWERED_HOURS} 的整数小时，或留空",
                f"unanswered_hours must be a whole number 1-{MAX_UNANSWERED_HOURS}, or empty",
            )
        hours = int(text)
    if row is None:
        row = DistrictNotify(district_code=district_code, created_at=now)
        session.add(row)
    row.url, row.format, row.unanswered_hours = value, fmt, hours
    row.updated_at, row.updated_by = now, me.username[:100]


# -- the outbox ---------------------------------------------------------------------------
def enqueue_due(session: Session, now: datetime | None = None) -> int:
    """Put in the outbox one ``new`` message per report made since its district's
    webhook was set, and one ``unanswered`` message per open report without a reply
    after the district's hours; each at most once. Returns how many were added."""
    now = now or utc_now()
    added = 0
    for setting in list(session.scalars(select(DistrictNotify))):
        base = select(Report.id).where(
            Report.district_code == setting.district_code,
            Report.created_at >= setting.created_at,
        )
        wanted = [("new", base)]
        if setting.unanswered_hours:
            wanted.append(
                (
                    "unanswered",
                    base.where(
                        Report.status.in_(OPEN_STATUSES),
                        Report.first_reply_at.is_(None),
                        Report.created_at <= now - timedelta(hours=setting.unanswered_hours),
                    ),
                )
            )
        for event, stmt in wanted:
            done = select(NotificationOutbox.report_id).where(NotificationOutbox.event == event)
            for report_id in session.scalars(stmt.where(Report.id.not_in(done)).limit(500)):
                session.add(
                    NotificationOutbox(
                        district_code=setting.district_code,
                        report_id=report_id,
                        event=event,
                        created_at=now,
                        attempts=0,
                        next_attempt_at=now,
                        last_error="",
                    )
                )
                added += 1
    session.flush()
    return added


def _clean_text(text: str) -> str:
    """The reporter's text on one line of plain characters (control characters out),
    cut to :data:`MAX_TEXT`."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " "))
    flat = " ".join(flat.split())
    return flat if len(flat) <= MAX_TEXT else flat[: MAX_TEXT - 1] + "…"


def message_text(
    event: str, report: Report, station: Station | None, district: str, link: str
) -> str:
    """The chat message: plain text, Chinese (the staff's language)."""
    head = "【新报告】" if event == "new" else "【报告未回复】"
    where = f"{station.code} {station.name}" if station is not None else "（无驿站，地图上的位置）"
    lines = [
        f"{head}{district}",
        f"驿站：{where}",
        f"类型：{KIND_ZH.get(report.kind, report.kind)}",
    ]
    if report.needs:
        lines.append(f"涉及：{'、'.join(report.needs)}")
    if report.text.strip():
        lines.append(f"内容：{_clean_text(report.text)}")
    lines.append(f"跟踪码：{report.tracking_code}")
    if link:
        lines.append(f"处理：{link}")
    return "\n".join(lines)


def body_for(fmt: str, event: str, text: str, report: Report, link: str) -> dict[str, Any]:
    """What is posted: WeCom and DingTalk robots take ``{"msgtype": "text", "text":
    {"content": ...}}``; any other URL gets the report's fields as JSON as well."""
    if fmt in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": text}}
    return {
        "event": "new_report" if event == "new" else "unanswered_report",
        "text": text,
        "report": {
            "tracking_code": report.tracking_code,
            "kind": report.kind,
            "status": report.status,
            "district_code": report.district_code,
            "station_id": report.station_id,
            "needs": list(report.needs or []),
            "text": report.text,
            "created_at": report.created_at.isoformat(),
            "url": link,
        },
    }


def post_json(url: str, body: dict[str, Any], *, local_ok: bool = False) -> str | None:
    """POST ``body`` as JSON; None when the receiver took it (2xx, and for a robot an
    ``errcode`` of 0), else what went wrong. The address is checked again first (a
    name may point elsewhere since it was saved) and the post connects to the address
    checked, and a redirect is an error."""
    address, refused = checked_target(url, local_ok)
    if refused is not None:
        return refused[1]
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL checked on saving
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with opener_for(address, url).open(request, timeout=TIMEOUT_S) as response:
            answer = response.read(4096)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        return None
    if isinstance(parsed, dict) and parsed.get("errcode") not in (None, 0):
        return f"errcode {parsed.get('errcode')}: {str(parsed.get('errmsg', ''))[:200]}"
    return None


def poster(local_ok: bool) -> Poster:
    """:func:`post_json` as the deployment allows (``STATIONMAP_NOTIFY_LOCAL``)."""
    return partial(post_json, local_ok=local_ok)


@dataclass(frozen=True)
class Delivery:
    sent: int
    retrying: int
    failed: int


def _claim(
    session: Session, now: datetime, public_url: str
) -> list[tuple[int, str, dict[str, Any]]]:
    rows = list(
        session.scalars(
            select(NotificationOutbox)
            .where(
                NotificationOutbox.sent_at.is_(None),
                NotificationOutbox.failed_at.is_(None),
                NotificationOutbox.next_attempt_at <= now,
            )
            .order_by(NotificationOutbox.next_attempt_at, NotificationOutbox.id)
            .limit(BATCH)
        )
    )
    names = dict(session.execute(select(District.code, District.name)).all())
    out = []
    for row in rows:
        row.next_attempt_at = now + LEASE
        setting = session.get(DistrictNotify, row.district_code)
        report = session.get(Report, row.report_id)
        if setting is None or report is None:
            row.failed_at, row.last_error = now, "webhook removed or report deleted"
            continue
        station = session.get(Station, report.station_id) if report.station_id else None
        link = f"{public_url}/admin/reports/{report.id}" if public_url else ""
        text = message_text(row.event, report, station, names.get(row.district_code, ""), link)
        out.append((row.id, setting.url, body_for(setting.format, row.event, text, report, link)))
    return out


def deliver_due(
    write_session: Callable[[], Any],
    public_url: str = "",
    now: datetime | None = None,
    post: Poster = post_json,
) -> Delivery:
    """Post every message that is due: claimed in one short transaction, posted with
    no transaction open, the outcome written in another. ``write_session`` is the
    database's (a context manager of a committed session)."""
    now = now or utc_now()
    with write_session() as session:
        claimed = _claim(session, now, public_url.rstrip("/"))
    outcomes = {row_id: post(url, body) for row_id, url, body in claimed}
    sent = retrying = failed = 0
    with write_session() as session:
        for row_id, error in outcomes.items():
            row = session.get(NotificationOutbox, row_id)
            if row is None:
                continue
            if error is None:
                row.sent_at, row.last_error = now, ""
                sent += 1
                continue
            row.attempts += 1
            row.last_error = error[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.failed_at = now
                failed += 1
            else:
                row.next_attempt_at = now + retry_delay(row.attempts)
                retrying += 1
    return Delivery(sent, retrying, failed)


def run_once(
    write_session: Callable[[], Any],
    public_url: str = "",
    now: datetime | None = None,
    post: Poster = post_json,
) -> tuple[int, Delivery]:
    """Enqueue what is due, then deliver it: (messages added, delivery)."""
    with write_session() as session:
        added = enqueue_due(session, now)
    return added, deliver_due(write_session, public_url, now, post)


@dataclass(frozen=True)
class Failure:
    district_code: str
    event: str
    tracking_code: str
    report_id: int
    attempts: int
    last_error: str
    next_attempt_at: datetime | None  # None: given up
    failed_at: datetime | None


def failures(session: Session, codes: frozenset[str] | None, limit: int = 20) -> list[Failure]:
    """Messages not delivered after at least one attempt (retrying or given up), in
    scope, newest first."""
    stmt = (
        select(NotificationOutbox, Report.tracking_code)
        .join(Report, Report.id == NotificationOutbox.report_id)
        .where(NotificationOutbox.sent_at.is_(None), NotificationOutbox.attempts > 0)
    )
    if codes is not None:
        stmt = stmt.where(NotificationOutbox.district_code.in_(sorted(codes)))
    out = []
    for row, code in session.execute(stmt.order_by(NotificationOutbox.id.desc()).limit(limit)):
        out.append(
            Failure(
                row.district_code,
                row.event,
                code,
                row.report_id,
                row.attempts,
                row.last_error,
                None if row.failed_at else row.next_attempt_at,
                row.failed_at,
            )
        )
    return out
