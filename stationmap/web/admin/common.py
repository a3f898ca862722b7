"""Helpers the admin views share: the database, the signed-in user and the actor recorded
in a station's history, and the opening-hours note the editor shows."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from stationmap.app_state import state
from stationmap.db import Database
from stationmap.geo.hours import HoursError, describe, parse_hours
from stationmap.geo.hours_office import read_office_hours
from stationmap.services.revisions import Actor
from stationmap.services.users import Principal
from stationmap.web.auth import current
from stationmap.web.i18n import current_lang


def _db() -> Database:
    return state(current_app).db


def _me() -> Principal:
    principal = current()
    assert principal is not None  # the guard in __init__ makes sure
    return principal


def _actor() -> Actor:
    me = _me()
    return Actor(me.user_id, me.username)


def _hours_note(text: str) -> str:
    if not text.strip():
        return ""
    en = current_lang() == "en"
    try:
        reading = read_office_hours(text.strip())
    except HoursError as exc:
        return exc.message if en else exc.message_zh
    note = reading.note_en if en else reading.note_zh
    if reading.opening_hours is None:  # kept as written for a person to decide
        return note
    tz = state(current_app).settings.tz
    now = datetime.now(UTC)
    now_text = describe(parse_hours(reading.opening_hours).state(now, tz), now, current_lang())
    return f"{note}{'. ' if en else '。'}{now_text}" if note else now_text
