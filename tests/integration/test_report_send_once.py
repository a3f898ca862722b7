"""One tap, one report: a report form carries a one-time key, and the same form sent
again (the first answer lost on the way back to a phone whose signal dropped, the rider
tapping 提交报告 once more) gets the first receipt, not a second report, even from
another address (the phone moved from Wi-Fi to mobile data) and past the report limit.
Sent by the page's script, the answer is a redirect to that receipt; sent as a plain
form (no script), the receipt itself, as before. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.report_support import (
    demand_fields,
    form_fields,
    receipt_code,
    report_count,
    report_row,
)

BY_SCRIPT = {"X-Requested-With": "fetch"}
KEY_RE = re.compile(r'name="request_key" value="([^"]*)"')


def test_the_form_carries_a_fresh_random_key_each_time_it_is_shown(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    keys = {form_fields(client, path)["request_key"] for _ in range(3)}
    keys.add(form_fields(client, "/demand")["request_key"])
    assert len(keys) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", key) for key in keys), keys


def test_a_plain_form_sent_twice_with_its_key_stores_one_report(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**form_fields(client, path), "kind": "closed", "text": "门锁了"}
    first = client.post(path, data=fields, environ_base={"REMOTE_ADDR": "10.9.0.1"})
    # The answer never reached the phone, which has moved to mobile data meanwhile.
    again = client.post(path, data=fields, environ_base={"REMOTE_ADDR": "10.9.7.7"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert receipt_code(first) == receipt_code(again)
    assert report_count(app) == 1
    row = report_row(app, receipt_code(first))
    assert (row.kind, row.text, row.repeats) == ("closed", "门锁了", 0)
    # A new form (a new key) is a new send: the usual merge of identical reports.
    fresh = {**form_fields(client, path), "kind": "closed", "text": "门锁了"}
    client.post(path, data=fresh, environ_base={"REMOTE_ADDR": "10.9.0.1"})
    assert report_count(app) == 1 and report_row(app, receipt_code(first)).repeats == 1


def test_a_form_sent_by_the_script_is_redirected_to_its_receipt_and_the_repeat_too(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**form_fields(client, path), "kind": "other", "text": "饮水机不出水"}
    first = client.post(path, data=fields, headers=BY_SCRIPT)
    assert first.status_code == 303
    receipt_url = first.headers["Location"]
    assert receipt_url == f"/report/sent/{fields['request_key']}"
    again = client.post(path, data=fields, headers=BY_SCRIPT)
    assert (again.status_code, again.headers["Location"]) == (303, receipt_url)
    assert report_count(app) == 1
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200
    assert receipt.headers["Referrer-Policy"] == "no-referrer"
    assert receipt.headers["Cache-Control"] == "no-store"
    code = receipt_code(receipt)
    assert report_row(app, code).text == "饮水机不出水"
    html = receipt.get_data(as_text=True)
    assert f'href="/r/{code}"' in html and f'href="/s/{station.code}"' in html
    english = client.get(receipt_url + "?lang=en").get_data(as_text=True)
    assert "Report received" in english and code in english


def test_a_repeat_past_the_limit_still_gets_its_receipt(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**form_fields(client, path), "kind": "other", "text": "第一份"}
    code = receipt_code(client.post(path, data=fields))
    for i in range(5):  # the limit is 6 in 10 minutes
        more = {**form_fields(client, path), "kind": "other", "text": f"问题 {i}"}
        assert client.post(path, data=more).status_code == 200
    assert client.post(path, data=fields).status_code == 200
    assert receipt_code(client.post(path, data=fields)) == code
    assert report_count(app) == 6


def test_a_demand_sent_twice_with_its_key_stores_one(app, client):
    fields = demand_fields(client)
    first = client.post("/demand", data=fields, environ_base={"REMOTE_ADDR": "10.9.1.1"})
    again = client.post("/demand", data=fields, environ_base={"REMOTE_ADDR": "10.9.2.2"})
    assert receipt_code(first) == receipt_code(again) and report_count(app) == 1


def test_an_unknown_or_malformed_receipt_key_is_a_404(app, client):
    assert client.get("/report/sent/" + "A" * 22).status_code == 404
    assert client.get("/report/sent/<script>").status_code == 404


def test_a_malformed_key_is_ignored_and_the_form_still_sends(app, client):
    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**form_fields(client, path), "kind": "closed", "request_key": "x" * 500}
    response = client.post(path, data=fields, headers=BY_SCRIPT)
    assert response.status_code == 200 and report_count(app) == 1
    # The form shown again after an error keeps its own key (nothing was stored).
    fields = {**form_fields(client, path), "kind": "nonsense"}
    shown = client.post(path, data=fields).get_data(as_text=True)
    assert KEY_RE.search(shown).group(1) == fields["request_key"]


def test_two_sends_of_one_key_at_once_answer_the_first_receipt(app, client, monkeypatch):
    """Two sends of one key at the same moment (PostgreSQL): the second's key row fails
    on the first's once it commits; its answer is the first receipt, not an error."""
    from sqlalchemy.exc import IntegrityError

    from stationmap.services import reports as report_service

    station = station_in(app, XINCHENG)
    path = f"/s/{station.code}/report"
    fields = {**form_fields(client, path), "kind": "other", "text": "同时发送"}
    first = client.post(path, data=fields, headers=BY_SCRIPT)

    def lost_the_race(*args, **kwargs):
        raise IntegrityError("INSERT INTO report_request", {}, Exception("duplicate key"))

    monkeypatch.setattr(report_service, "submit_report", lost_the_race)
    again = client.post(path, data=fields, headers=BY_SCRIPT)
    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    # A conflict on anything but a key already stored is still the app's conflict.
    other = {**form_fields(client, path), "kind": "other", "text": "另一份"}
    assert client.post(path, data=other).status_code == 409
    assert report_count(app) == 1
