"""Report notifications against a local HTTP receiver: a district's webhook set on the
admin page, WeCom / DingTalk / JSON bodies with the reporter's text as plain text,
retry with back-off after a 500, giving up, the failures on the dashboard, and the
unanswered reminder."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import NotificationOutbox
from stationmap.services import report_notify
from tests.integration.admin_support import (
    SAIHAN,
    XINCHENG,
    login,
    make_user,
    page_csrf,
    station_in,
)
from tests.integration.report_queue_support import admin_client, make_report

XSS = "<script>alert(1)</script> **粗体** [链接](http://evil.example) <img src=x onerror=alert(2)>"


class Receiver:
    """An HTTP server on 127.0.0.1 recording each POST body and answering with the
    next of ``answers`` (status, body), the last one repeated."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.answers: list[tuple[int, bytes]] = [(200, b'{"errcode":0,"errmsg":"ok"}')]
        self.location = ""  # sent with each answer when set (a redirect)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                status, body = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def xc(app):
    """A logged-in district admin of 新城区 and its CSRF token."""
    return admin_client(app, "xc", "district_admin", (XINCHENG,))


def _configure(client, csrf, url, fmt="wecom", hours="", district=XINCHENG):
    return client.post(
        f"/admin/reports/notify/{district}",
        data={"csrf_token": csrf, "url": url, "format": fmt, "unanswered_hours": hours},
    )


def _run(app, now=None):
    database = state(app).db
    post = report_notify.poster(state(app).settings.notify_local)
    return report_notify.run_once(database.write_session, "http://stations.example", now, post)


def _outbox(app):
    with state(app).db.session() as session:
        return list(session.scalars(select(NotificationOutbox).order_by(NotificationOutbox.id)))


def test_a_new_report_reaches_a_wecom_robot_as_plain_text(app, xc, receiver):
    client, csrf = xc
    assert _configure(client, csrf, receiver.url).status_code == 303
    station = station_in(app, XINCHENG)
    report = make_report(app, station, text=XSS, hours_ago=0)
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    [body] = receiver.bodies
    assert body["msgtype"] == "text" and set(body) == {"msgtype", "text"}
    content = body["text"]["content"]
    assert XSS in content  # the characters as typed: no markup made of them, none escaped
    assert report.tracking_code in content and station.code in content
    assert f"{state(app).settings.public_url}/admin/reports/{report.id}" in content
    # Run again: each report is announced once.
    app.test_cli_runner().invoke(args=["send-notifications"])
    assert len(receiver.bodies) == 1


def test_dingtalk_and_generic_json_bodies(app, xc, receiver):
    client, csrf = xc
    _configure(client, csrf, receiver.url, fmt="dingtalk")
    make_report(app, station_in(app, XINCHENG), hours_ago=0, text="第一")
    _run(app)
    assert receiver.bodies[-1]["msgtype"] == "text"
    assert "第一" in receiver.bodies[-1]["text"]["content"]
    _configure(client, csrf, receiver.url, fmt="json")
    report = make_report(app, station_in(app, XINCHENG), hours_ago=0, text=XSS)
    _run(app)
    body = receiver.bodies[-1]
    assert body["event"] == "new_report"
    assert body["report"]["tracking_code"] == report.tracking_code
    assert body["report"]["text"] == XSS


def test_a_500_is_retried_with_back_off_and_shown_until_delivered(app, xc, receiver):
    client, csrf = xc
    _configure(client, csrf, receiver.url)
    report = make_report(app, station_in(app, XINCHENG), hours_ago=0)
    receiver.answers = [(500, b"busy"), (200, b'{"errcode":0}')]
    start = datetime.now(UTC) + timedelta(seconds=1)
    added, first = _run(app, start)
    assert added == 1 and (first.sent, first.retrying) == (0, 1)
    [row] = _outbox(app)
    assert row.attempts == 1 and "500" in row.last_error
    assert row.next_attempt_at == start + timedelta(minutes=1)
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="notify-failures"' in page and report.tracking_code in page and "HTTP 500" in page
    _added, early = _run(app, start + timedelta(seconds=30))
    assert early.sent == 0 and len(receiver.bodies) == 1  # not due yet
    _added, later = _run(app, start + timedelta(seconds=61))
    assert later.sent == 1 and len(receiver.bodies) == 2
    assert _outbox(app)[0].sent_at is not None
    assert 'id="notify-failures"' not in client.get("/admin/").get_data(as_text=True)


def test_delivery_gives_up_after_the_last_attempt(app, xc, receiver):
    client, csrf = xc
    _configure(client, csrf, receiver.url, fmt="dingtalk")
    make_report(app, station_in(app, XINCHENG), hours_ago=0)
    receiver.answers = [(200, b'{"errcode":310000,"errmsg":"keywords not in content"}')]
    now = datetime.now(UTC) + timedelta(seconds=1)
    for attempt in range(1, report_notify.MAX_ATTEMPTS + 1):
        _added, done = _run(app, now)
        assert done.sent == 0
        # 1, 2, 4 … minutes after each failure, at most 6 hours.
        now += min(timedelta(minutes=2 ** (attempt - 1)), timedelta(hours=6))
    [row] = _outbox(app)
    assert row.attempts == report_notify.MAX_ATTEMPTS and row.failed_at is not None
    assert "errcode 310000" in row.last_error
    assert len(receiver.bodies) == report_notify.MAX_ATTEMPTS
    _run(app, now + timedelta(days=1))
    assert len(receiver.bodies) == report_notify.MAX_ATTEMPTS
    page = client.get("/admin/").get_data(as_text=True)
    assert "已放弃" in page and "errcode 310000" in page


def test_a_report_unanswered_for_the_districts_hours_is_announced_again(app, xc, receiver):
    client, csrf = xc
    _configure(client, csrf, receiver.url, hours="2")
    report = make_report(app, station_in(app, XINCHENG), hours_ago=0)
    answered = make_report(app, station_in(app, XINCHENG), hours_ago=0)
    now = datetime.now(UTC) + timedelta(seconds=1)
    _run(app, now)
    assert len(receiver.bodies) == 2
    with state(app).db.write_session() as session:
        from stationmap.models import Report

        session.get(Report, answered.id).first_reply_at = now
    _run(app, now + timedelta(hours=1))
    assert len(receiver.bodies) == 2
    _run(app, now + timedelta(hours=2, minutes=1))
    assert len(receiver.bodies) == 3
    content = receiver.bodies[-1]["text"]["content"]
    assert content.startswith("【报告未回复】") and report.tracking_code in content


def test_reports_made_before_the_webhook_or_elsewhere_are_not_sent(app, xc, receiver):
    client, csrf = xc
    make_report(app, station_in(app, XINCHENG), hours_ago=1)
    _configure(client, csrf, receiver.url)
    make_report(app, station_in(app, SAIHAN), hours_ago=0)
    _run(app, datetime.now(UTC) + timedelta(seconds=1))
    assert receiver.bodies == []


def test_webhook_settings_name_the_field_and_keep_to_scope(app, xc):
    client, csrf = xc
    bad = _configure(client, csrf, "ftp://example.com/x")
    assert bad.status_code == 422 and "网址" in bad.get_data(as_text=True)
    hours = _configure(client, csrf, "https://example.com/x", hours="soon")
    assert hours.status_code == 422 and "未回复提醒" in hours.get_data(as_text=True)
    other = _configure(client, csrf, "https://example.com/x", district=SAIHAN)
    assert other.status_code == 404
    page = client.get("/admin/reports/notify?lang=en").get_data(as_text=True)
    assert "Report notifications" in page and f"notify-{SAIHAN}" not in page
    make_user(app, "look", "viewer", (XINCHENG,))
    viewer = app.test_client()
    login(viewer, "look")
    refused = _configure(viewer, page_csrf(viewer), "https://example.com/x")
    assert refused.status_code == 403


def test_retry_delays_double_up_to_six_hours():
    minutes = [report_notify.retry_delay(n).total_seconds() / 60 for n in range(1, 12)]
    assert minutes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]


# The thread is the same on both databases: SQLite only.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_background_thread_delivers_without_the_command(
    backend, sqlite_templates, tmp_path, receiver
):
    from stationmap.web import notifier
    from tests.conftest import _copy_sqlite, _make_app

    path = tmp_path / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    app = _make_app(f"sqlite:///{path}", tmp_path, STATIONMAP_NOTIFY_INTERVAL_S="0.05")
    try:
        client, csrf = admin_client(app, "xc", "district_admin", (XINCHENG,))
        _configure(client, csrf, receiver.url)
        report = make_report(app, station_in(app, XINCHENG), hours_ago=0)
        client.get("/admin/")  # the first request starts the thread
        delivered = threading.Event()
        for _ in range(200):  # up to about 10 s on a busy machine; not a timing assert
            if receiver.bodies:
                delivered.set()
                break
            delivered.wait(0.05)
        assert delivered.is_set()
        assert report.tracking_code in receiver.bodies[0]["text"]["content"]
    finally:
        notifier.stop(app)
        state(app).db.dispose()


def test_a_bad_thread_interval_is_refused(tmp_path):
    from stationmap.config import ConfigError
    from tests.conftest import _make_app

    with pytest.raises(ConfigError, match="STATIONMAP_NOTIFY_INTERVAL_S"):
        _make_app(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path, STATIONMAP_NOTIFY_INTERVAL_S="often")


def test_a_webhook_inside_the_servers_network_is_refused_unless_the_deployer_allows(
    app, xc, receiver
):
    """Any URL made the server post inside its own network (Redis beside it, a cloud's
    metadata, the intranet); the tests' own app allows it, as their receivers are on
    127.0.0.1, so the deployment default is put back here."""
    app_state = state(app)
    app_state.settings = dataclasses.replace(app_state.settings, notify_local=False)
    client, csrf = xc
    for url in (receiver.url, "http://169.254.169.254/latest/meta-data/", "http://10.0.0.8/"):
        page = _configure(client, csrf, url)
        assert page.status_code == 422, url
        text = page.get_data(as_text=True)
        assert "网址指向本机或内部网络地址" in text and "STATIONMAP_NOTIFY_LOCAL=1" in text
    english = client.post(
        f"/admin/reports/notify/{XINCHENG}?lang=en",
        data={"csrf_token": csrf, "url": receiver.url, "format": "json", "unanswered_hours": ""},
    )
    assert "points at this machine or an internal network (127.0.0.1)" in english.get_data(
        as_text=True
    )
    assert _configure(client, csrf, "https://8.8.8.8/hook").status_code == 303
    # Saved while allowed, then the deployment forbids it: the post is not sent.
    app_state.settings = dataclasses.replace(app_state.settings, notify_local=True)
    assert _configure(client, csrf, receiver.url).status_code == 303
    app_state.settings = dataclasses.replace(app_state.settings, notify_local=False)
    make_report(app, station_in(app, XINCHENG), hours_ago=0)
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert receiver.bodies == []
    [row] = _outbox(app)
    assert "127.0.0.1" in row.last_error


def test_a_post_to_an_inside_address_is_not_sent(receiver):
    error = report_notify.post_json(receiver.url, {"a": 1})
    assert error is not None and "127.0.0.1" in error
    assert receiver.bodies == []
    assert report_notify.post_json(receiver.url, {"a": 1}, local_ok=True) is None
    assert receiver.bodies == [{"a": 1}]


def test_a_redirect_is_an_error_not_followed(receiver):
    """A public URL could otherwise send the post on to an inside one."""
    bouncer = Receiver()
    bouncer.answers, bouncer.location = [(302, b"")], receiver.url
    try:
        error = report_notify.post_json(bouncer.url, {"a": 1}, local_ok=True)
    finally:
        bouncer.close()
    assert error is not None and error.startswith("HTTP 302")
    assert bouncer.bodies == [{"a": 1}]
    assert receiver.bodies == []
