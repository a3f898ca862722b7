"""Request-level guards: input that no database can hold is refused before any view
runs, so it is a 400 or 404 instead of a driver error.

- **Ids in URLs.** Every ``<int:...>`` in a route is bounded to the 32-bit ids both
  backends use (:data:`MAX_ID`): a longer or larger number is read as
  :data:`NO_SUCH_ID`, which no row has, so the view answers its usual 404 instead of
  the database failing (PostgreSQL: integer out of range; SQLite cannot even bind an
  int beyond 64 bits). The route still matches, so the method decides as usual (no
  405 for a PATCH to a huge id), and a 5,000-digit id is never converted.
- **NUL characters** in the path, the query string or a URL-encoded form field are a 400:
  PostgreSQL text cannot hold them. Under ``/api/`` the error names the parameter (or
  ``path``), as the API's other errors do.
- **URL-encoded forms** are at most :data:`MAX_FORM_BYTES` and :data:`MAX_FORM_FIELDS`
  (a 413 before they are parsed). Werkzeug applies its form limits to multipart bodies
  only; a URL-encoded one is parsed whole up to the app's 20 MiB, and 2 million empty
  fields took 7 s of a core to parse, for anyone, on any POST (this guard parses the form
  before a view or a login check runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from stationmap.station_fields import FIELD_EN, FIELD_ZH
from stationmap.web.errors import ApiError
from stationmap.web.i18n import tr

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every backend
NO_SUCH_ID = 0  # ids start at 1 on both backends
NUL_MESSAGE = (
    "请求中含有空字符（NUL, \\0），请删除后重试。",
    "The request contains a NUL character (\\0); remove it and try again.",
)
# Forms are checked when URL-encoded (every admin form but the upload). A multipart
# body is left to its view, which sets its own size limit before the body is read.
_FORM_TYPE = "application/x-www-form-urlencoded"
# The largest real URL-encoded form is the import confirmation with its 10,000
# "overwrite" boxes at most (about 240 kB); every other form has a few dozen fields.
MAX_FORM_BYTES = 1024 * 1024
MAX_FORM_FIELDS = 20_000
FORM_TOO_LARGE_MESSAGE = (
    "表单太大（超过 1 MiB 或 20000 项），请刷新页面后重试。",
    "The form is too large (over 1 MiB or 20,000 fields); reload the page and try again.",
)


class BoundedIntConverter(IntegerConverter):
    """werkzeug's ``int`` converter, reading a number beyond :data:`MAX_ID` (or longer
    than it) as :data:`NO_SUCH_ID`."""

    def to_python(self, value: str) -> Any:
        if len(value.lstrip("-")) > len(str(MAX_ID)):
            return NO_SUCH_ID
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_SUCH_ID


def _holding_nul(pairs: Iterable[tuple[str, str]], otherwise: str | None) -> str | None:
    """The name of the first pair whose name or value holds a NUL (without the NUL),
    else ``otherwise``."""
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "")[:40]
    return otherwise


def _refuse(status: int, message: tuple[str, str], field: str) -> NoReturn:
    """Refuse in English with the field named (the API), or in the page's language."""
    if request.path.startswith("/api/"):  # the API's errors name their field
        code = "bad_request" if status == 400 else "body_too_large"
        raise ApiError(status, code, message[1], field)
    abort(status, tr(*message))


def _nul_in_form_field(field: str) -> NoReturn:
    """A page's form with a NUL in ``field``: refused naming the field (a station
    field by the name the form shows) and how to get rid of an invisible character."""
    zh, en = FIELD_ZH.get(field, field), FIELD_EN.get(field, field)
    abort(
        400,
        tr(
            f"请求中含有空字符（NUL, \\0），位于“{zh}”一栏：请清空该栏后重新输入。",
            f"The request contains a NUL character (\\0) in the field “{en}”: clear the "
            "field and type it again.",
        ),
    )


def _bound_form() -> None:
    """Refuse a URL-encoded body beyond :data:`MAX_FORM_BYTES` or
    :data:`MAX_FORM_FIELDS` before anything parses it; the body read here is kept for
    the parser."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        _refuse(413, FORM_TOO_LARGE_MESSAGE, "body")
    request.max_content_length = MAX_FORM_BYTES  # a body sent without a length
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        _refuse(413, FORM_TOO_LARGE_MESSAGE, "body")
    if body.count(b"&") >= MAX_FORM_FIELDS:
        _refuse(413, FORM_TOO_LARGE_MESSAGE, "body")


def _refuse_nul() -> None:
    query = request.query_string
    where = None
    if "\x00" in request.path:
        where = "path"
    elif b"%00" in query or b"\x00" in query:
        where = _holding_nul(request.args.items(multi=True), "query")
    elif request.method == "POST" and request.mimetype == _FORM_TYPE:
        _bound_form()
        where = _holding_nul(request.form.items(multi=True), None)
        if where is not None and not request.path.startswith("/api/"):
            _nul_in_form_field(where)
    if where is not None:
        _refuse(400, NUL_MESSAGE, where)


def init_app(app: Flask) -> None:
    """Install the guards; call before any blueprint is registered (routes bind their
    converters when they are added)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_nul)
