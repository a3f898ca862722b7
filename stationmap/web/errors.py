"""API errors: ``{"error": {"code", "message", "field"}}`` with 400, 404, 422 or 503."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

DB_DOWN_MESSAGE = "数据库暂时不可用，请稍后再试。The database is unavailable; try again shortly."


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


def _json_error(error: ApiError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _json_error)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        if _wants_json():
            code = (exc.name or "error").lower().replace(" ", "_")
            return _json_error(ApiError(status, code, exc.description or exc.name))
        return render_template(
            "error.html", status=status, title=exc.name, message=exc.description
        ), status

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database_down(exc: Exception) -> Any:
        app.logger.error("database error: %s", exc)
        if _wants_json():
            response = _json_error(
                ApiError(
                    503, "database_unavailable", "the database is unavailable; try again shortly"
                )
            )
        else:
            response = app.make_response(
                (
                    render_template(
                        "error.html",
                        status=503,
                        title="Service unavailable",
                        message=DB_DOWN_MESSAGE,
                    ),
                    503,
                )
            )
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error")
        if _wants_json():
            return _json_error(ApiError(500, "internal_error", "internal error"))
        return render_template(
            "error.html",
            status=500,
            title="Internal error",
            message="出错了，请稍后再试。Something went wrong.",
        ), 500
