"""Report text as riders' phones send it, and text meant to slip through.

- Text that shows nothing: zero-width spaces, joiners, a byte-order mark, Hangul
  fillers. "Other problem" needs words, and these were taken as words (none of them is
  white space to ``str.strip``), so a report the district cannot read was stored, and the
  same text with a zero-width space slipped in counted as a new report instead of being
  merged with the first.
- A textarea's line breaks, sent as CR LF, counted twice against the 1000 characters.
- The English form named the report kinds by their codes when none was chosen."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from stationmap.app_state import state
from stationmap.models import Report
from tests.integration.admin_support import XINCHENG, station_in
from tests.integration.test_report_pages import _send

# Each is invisible on a screen: U+200B zero-width space, U+200C/U+200D zero-width
# (non-)joiner, U+2060 word joiner, U+FEFF byte-order mark, U+00AD soft hyphen,
# U+3164 Hangul filler, U+2800 Braille blank, U+0301 a combining accent on nothing.
INVISIBLE = [
    "\u200b" * 50,
    "\u200c\u200d\u2060\ufeff\u00ad",
    "\u3164\u3164",
    "\u2800 \u2800",
    " \u200b\u0301 ",
]


def _reports(app) -> int:
    with state(app).db.session() as session:
        return session.scalar(select(func.count()).select_from(Report))


@pytest.mark.parametrize(
    "text", INVISIBLE, ids=["zwsp", "joiners-bom-shy", "fillers", "braille", "accent-alone"]
)
def test_an_other_report_of_invisible_text_is_refused_on_text(app, text):
    station = station_in(app, XINCHENG)
    response = app.test_client().post(
        f"/api/v1/stations/{station.id}/reports",
        data=json.dumps({"kind": "other", "text": text}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == "text"
    assert "请写明问题或建议" in error["message"]
    assert _reports(app) == 0


@pytest.mark.parametrize("lang, words", [("zh", "请写明问题或建议"), ("en", "say what is wrong")])
def test_the_form_shows_invisible_text_again_with_the_message(app, client, lang, words):
    station = station_in(app, XINCHENG)
    response = _send(
        client, f"/s/{station.code}/report?lang={lang}", {"kind": "other", "text": "\u200b" * 20}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="err-text"' in html and words in html
    assert _reports(app) == 0


def test_visible_text_with_joiners_is_kept_as_written(app):
    station = station_in(app, XINCHENG)
    family = "厕所门坏了 \U0001f468\u200d\U0001f469\u200d\U0001f467"  # an emoji joined by ZWJ
    response = app.test_client().post(
        f"/api/v1/stations/{station.id}/reports",
        data=json.dumps({"kind": "other", "text": family}),
        content_type="application/json",
    )
    assert response.status_code == 201
    with state(app).db.session() as session:
        assert session.scalars(select(Report.text)).one() == family


def test_a_zero_width_space_slipped_in_does_not_make_a_report_new(app):
    station = station_in(app, XINCHENG)
    client = app.test_client()
    answers = []
    for text in ("饮水机没有水", "饮水\u200b机没有水", "\ufeff饮水机没\u2060有水"):
        response = client.post(
            f"/api/v1/stations/{station.id}/reports",
            data=json.dumps({"kind": "other", "text": text}),
            content_type="application/json",
        )
        answers.append((response.status_code, response.get_json()["merged"]))
    assert answers == [(201, False), (200, True), (200, True)]
    assert _reports(app) == 1


def test_a_thousand_characters_typed_over_ten_lines_are_taken(app, client):
    """A textarea's maxlength counts a line break as one character; the form sends it as
    CR LF. 1000 characters typed (the most the field lets a rider type) were refused as
    "不能超过 1000 个字（现在 1009 个）"."""
    station = station_in(app, XINCHENG)
    typed = "\r\n".join(["字" * 99] * 10) + "字"  # 991 characters and 9 breaks
    assert len(typed.replace("\r\n", "\n")) == 1000
    response = _send(client, f"/s/{station.code}/report", {"kind": "other", "text": typed})
    assert response.status_code == 200, re.findall(
        r'class="field-error"[^>]*>([^<]+)', response.get_data(as_text=True)
    )
    with state(app).db.session() as session:
        assert session.scalars(select(Report.text)).one() == typed.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "lang, words",
    [
        ("zh", "类型：请选择问题类型（已关门、设施缺失或损坏、位置不对、其他）"),
        (
            "en",
            "Problem: choose what is wrong (Closed / not open as listed, Amenity missing or "
            "broken, Wrong location, Other problem or suggestion)",
        ),
    ],
)
def test_a_form_sent_with_nothing_chosen_names_the_choices_in_words(app, client, lang, words):
    station = station_in(app, XINCHENG)
    response = _send(client, f"/s/{station.code}/report?lang={lang}", {"text": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="err-kind">{words}</p>' in html
    assert "closed, amenity" not in html
