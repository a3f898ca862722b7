"""Refusals in the report queue name the states in words, in the page's language
("处理中", "In progress"), never as codes (in_progress): on the report's page, in the
queue's bulk form and in the filter; the API's messages read as English while its
``field`` and the values it lists stay the codes a client sends."""

from __future__ import annotations

import html as html_text
import re

import pytest

from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.report_queue_support import admin_client, api_token, make_report

CODES = ("new", "assigned", "in_progress", "resolved", "rejected")


def _errors(page: str) -> str:
    match = re.search(
        r'<div class="error-summary" role="alert" id="errors">(.*?)</div>', page, re.S
    )
    assert match, "no error summary on the page"
    return html_text.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def _no_codes(text: str) -> None:
    found = [code for code in CODES if re.search(rf"(?<![\w\"“]){code}(?![\w\"”])", text)]
    assert found == [], f"status codes in {text!r}"
    assert "in_progress" not in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", "报告不能从“处理中”改为“新报告”"),
        ("en", 'a report cannot go from "In progress" to "New"'),
    ],
)
def test_a_refused_move_on_the_report_page_names_the_states_in_words(app, lang, words):
    client, csrf = admin_client(app, "jia", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG), status="in_progress")
    refused = client.post(
        f"/admin/reports/{report.id}?lang={lang}",
        data={"csrf_token": csrf, "version": "1", "status": "new"},
    )
    assert refused.status_code == 422
    message = _errors(refused.get_data(as_text=True))
    assert words in message
    _no_codes(message)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", "报告已是“已解决”，已结束；只有超级管理员可以重新打开（改为“处理中”）"),
        ("en", 'the report is "Resolved", closed: only a superadmin reopens it (to "In progress")'),
    ],
)
def test_a_refused_bulk_action_names_the_states_in_words(app, lang, words):
    client, csrf = admin_client(app, "jia", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG), status="resolved")
    refused = client.post(
        f"/admin/reports/bulk?lang={lang}",
        data={"csrf_token": csrf, "action": "in_progress", "report": f"{report.id}:1"},
    )
    assert refused.status_code == 422
    message = _errors(refused.get_data(as_text=True))
    assert report.tracking_code in message and words in message
    _no_codes(message)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", "只能是 新报告、已分派、处理中、已解决、不予处理"),
        ("en", "must be one of New, Assigned"),
    ],
)
def test_an_unknown_status_in_the_filter_lists_the_states_in_words(app, lang, words):
    client, _csrf = admin_client(app, "jia", "district_admin", (XINCHENG,))
    page = client.get(f"/admin/reports?status=bogus&lang={lang}")
    assert page.status_code == 400
    message = _errors(page.get_data(as_text=True))
    assert words in message
    _no_codes(message)


def test_the_api_message_reads_as_english_and_lists_codes_only_as_values(app):
    client = app.test_client()
    secret = api_token(app, "api", "district_admin", (XINCHENG,))
    report = make_report(app, station_in(app, XINCHENG), status="in_progress")
    headers = {"Authorization": f"Bearer {secret}", "If-Match": '"1"'}
    url = f"/api/v1/reports/{report.tracking_code}"

    moved = client.patch(url, json={"status": "new"}, headers=headers).get_json()["error"]
    assert moved["field"] == "status"
    assert moved["message"] == 'a report cannot go from "In progress" to "New"'

    unknown = client.patch(url, json={"status": "bogus"}, headers=headers).get_json()["error"]
    assert unknown["field"] == "status"
    assert (
        unknown["message"] == "status must be one of new, assigned, in_progress, resolved, rejected"
    )


@pytest.mark.parametrize(
    ("lang", "age", "reply"),
    [
        ("zh", "时长：须在 0 到 87600 小时之间", "回复：不能超过 2000 个字符"),
        ("en", "Age: must be 0 to 87600 hours", "Reply: at most 2000 characters"),
    ],
)
def test_the_queue_names_its_fields_once_in_words(app, lang, age, reply):
    """The message follows the field's worded name ("Age: …"), not the parameter's
    ("Age: older_than must be …")."""
    client, csrf = admin_client(app, "jia", "district_admin", (XINCHENG,))
    filtered = client.get(f"/admin/reports?older_than=-5&lang={lang}")
    assert age in _errors(filtered.get_data(as_text=True))
    report = make_report(app, station_in(app, XINCHENG))
    long = client.post(
        f"/admin/reports/{report.id}?lang={lang}",
        data={"csrf_token": csrf, "version": "1", "status": "in_progress", "reply": "好" * 2001},
    )
    message = _errors(long.get_data(as_text=True))
    assert reply in message and "older_than" not in message and "reply is" not in message
