"""Errors: the API's ``{"error": {"code", "message", "field"}}`` and the error page.

Database errors are told apart (:func:`database_error_status`): only a lost connection
or an operational failure (server down, "database is locked" after the busy timeout,
a pool timeout) is a 503 with ``Retry-After``; a constraint violation is a 409; any
other database error is a bug (input that should have been refused before it reached
the database), answered with a logged 500. Every 409 and 500 is logged with a request
id that the response carries too (``X-Request-Id`` and the body), so an administrator
can quote it and an operator find the log line.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask.globals import request_ctx
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from stationmap.services.stations import CodesExhausted
from stationmap.web.i18n import current_lang

DB_DOWN_MESSAGE = "数据库暂时不可用，请稍后再试。The database is unavailable; try again shortly."
CONFLICT_MESSAGE = (
    "这项修改与刚刚保存的数据冲突，请刷新后重试。"
    "The change conflicts with data saved meanwhile; reload and try again."
)
INTERNAL_MESSAGE = "出错了，请稍后再试。Something went wrong."
REQUEST_ID_HEADER = "X-Request-Id"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(
    message: str, field: str | None = None, code: str = "invalid_parameter"
) -> ApiError:
    return ApiError(400, code, message, field)


def unprocessable(message: str, field: str | None = None, code: str = "invalid_value") -> ApiError:
    return ApiError(422, code, message, field)


def not_found(message: str = "not found", field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", message, field)


def error_page(status: int, title: str, message: str, login_url: str | None = None) -> Response:
    """The HTML error page, or plain text when the request never got a URL adapter: a
    Host header Werkzeug refuses ("a..b", a 300-character name) is answered 400 before
    routing, and the page's ``url_for`` links cannot be built for it. ``login_url``
    adds a "log in again" link."""
    if request_ctx.url_adapter is None:
        response = Response(f"{status} {title}\n{message}\n", status=status)
        response.content_type = "text/plain; charset=utf-8"
        return response
    return Response(
        render_template(
            "error.html", status=status, title=title, message=message, login_url=login_url
        ),
        status=status,
    )


def _json_error(error: ApiError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def database_error_status(exc: BaseException) -> int:
    """The status a database error is answered with: 503 for a lost connection or an
    operational failure (worth retrying), 409 for a constraint violation, and 500 for
    the rest (``DataError``, ``ProgrammingError`` and the like: input or code the
    database refused, never "unavailable")."""
    if isinstance(exc, DisconnectionError | PoolTimeoutError):
        return 503
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return 503
    if isinstance(exc, OperationalError | InterfaceError):
        return 503
    if isinstance(exc, IntegrityError):
        return 409
    return 500


def _with_request_id(response: Response, request_id: str) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _logged_failure(app: Flask, status: int, exc: BaseException) -> Response:
    """A 409 or 500 answer, logged with a fresh request id that the answer repeats."""
    request_id = secrets.token_hex(8)
    what = "conflict" if status == 409 else "unhandled error"
    app.logger.error(
        "%s (request id %s) on %s %s: %s",
        what,
        request_id,
        request.method,
        request.path,
        exc,
        exc_info=exc if status != 409 else None,
    )
    if _wants_json():
        code, message = (
            ("conflict", "the change conflicts with data saved meanwhile; read again and retry")
            if status == 409
            else ("internal_error", "internal error")
        )
        error = ApiError(status, code, f"{message} (request id {request_id})")
        body = error.body()
        body["error"]["request_id"] = request_id
        response = jsonify(body)
        response.status_code = status
    else:
        title = "Conflict" if status == 409 else "Internal error"
        message = CONFLICT_MESSAGE if status == 409 else INTERNAL_MESSAGE
        response = error_page(status, title, f"{message}（请求编号 request id: {request_id}）")
    return _with_request_id(response, request_id)


def _unavailable(app: Flask, exc: BaseException) -> Response:
    app.logger.error("database unavailable: %s", exc)
    if _wants_json():
        response = _json_error(
            ApiError(503, "database_unavailable", "the database is unavailable; try again shortly")
        )
    else:
        response = error_page(503, "Service unavailable", DB_DOWN_MESSAGE)
    response.headers["Retry-After"] = "5"
    return response


#: A page's words for the HTTP errors raised without a message of their own (a link to
#: a station that is gone, a page that never was ...), in place of Werkzeug's English:
#: status -> (title, message), each (Chinese, English).
PAGE_WORDS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    400: (
        ("请求有误", "Bad request"),
        (
            "请求无法识别：请返回上一页重试。",
            "The request could not be read: go back and try again.",
        ),
    ),
    403: (
        ("无权访问", "Forbidden"),
        ("您没有查看此页面的权限。", "You are not allowed to see this page."),
    ),
    404: (
        ("找不到页面", "Not found"),
        (
            "找不到这个页面：链接可能已失效，或驿站已撤销。请回首页查找附近的驿站。",
            "There is no such page: the link may be out of date, or the station gone. "
            "Go back to the home page to find stations near you.",
        ),
    ),
    405: (
        ("请求方式不支持", "Method not allowed"),
        ("此页面不接受这种请求。", "This page does not take this kind of request."),
    ),
    413: (
        ("内容太大", "Too large"),
        ("提交的内容太大。", "What was sent is too large."),
    ),
    422: (
        ("无法处理", "Cannot be done"),
        ("提交的内容无法处理：请返回上一页检查后重试。", "This cannot be done: go back and check."),
    ),
    429: (
        ("请求太频繁", "Too many requests"),
        ("请求太频繁，请稍后再试。", "Too many requests: wait a moment and try again."),
    ),
    500: (
        ("服务器出错", "Server error"),
        ("服务器出错，请稍后再试。", "The server failed: try again later."),
    ),
}


def _page_words(exc: HTTPException, status: int) -> tuple[str, str]:
    """The page's title and message in the page's language (:data:`PAGE_WORDS`); the
    exception's own message where it was raised with one."""
    words = PAGE_WORDS.get(status)
    if words is None:
        return exc.name, exc.description or exc.name
    english = current_lang() == "en"
    (title_zh, title_en), (message_zh, message_en) = words
    title, message = (title_en, message_en) if english else (title_zh, message_zh)
    if exc.description and exc.description != type(exc).description:
        message = exc.description
    return title, message


_HTTP_FIELDS = {404: "path", 405: "method"}


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _json_error)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            # What the request got wrong when no view was reached: the address (no
            # route: /api/v1/stations/abc) or the method; and a 405 keeps its Allow.
            field = _HTTP_FIELDS.get(status)
            response = _json_error(ApiError(status, code, exc.description or exc.name, field))
        else:
            response = error_page(status, *_page_words(exc, status))
        # The exception's own headers (Allow on a 405, WWW-Authenticate ...) stay.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeoutError)
    def _database_error(exc: Exception) -> Any:
        status = database_error_status(exc)
        if status == 503:
            return _unavailable(app, exc)
        return _logged_failure(app, status, exc)

    @app.errorhandler(CodesExhausted)
    def _codes_exhausted(exc: CodesExhausted) -> Any:
        # A district with every serial of 0001-899999 used: nothing the user can fix.
        message = (
            f"district {exc.prefix} has used every station serial (0001-899999); "
            "ask the system administrator"
        )
        if _wants_json():
            return _json_error(ApiError(409, "codes_exhausted", message, "code"))
        return error_page(
            409,
            "Conflict",
            f"区县 {exc.prefix} 的驿站序号（0001–899999）已用完，请联系系统管理员。{message}",
        )

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        return _logged_failure(app, 500, exc)
