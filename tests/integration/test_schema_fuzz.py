"""A schema-driven fuzzer (schemathesis) against /api/openapi.json: no 5xx, and every
response fits the documented schema, status codes and content types.

The check that every schema-valid request is accepted is left out: some rules cannot be
written in OpenAPI (a bbox's minimum latitude must not exceed its maximum, each of its
four numbers has its own range), and the API rightly answers those with 422.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import select

from stationmap.app_state import state
from stationmap.models import Station
from stationmap.services import tokens as token_service
from stationmap.services import users as user_service
from stationmap.web.openapi import build_spec
from tests.conftest import _copy_sqlite, _make_app

OPERATIONS = [
    (path, method) for path, methods in build_spec()["paths"].items() for method in methods
]


@pytest.fixture(scope="module")
def api_schema(sqlite_templates, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    # coverage's own limit (30 a minute) would answer most of the fuzz with 429
    app = _make_app(f"sqlite:///{path}", folder, STATIONMAP_COVERAGE_RATE_LIMIT="off")
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    state(app).db.dispose()


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_api_conforms_to_its_openapi_document(api_schema, path, method):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(
            excluded_checks=[positive_data_acceptance],
            # The WSGI transport does not undo gzip; the app compresses when asked.
            headers={"Accept-Encoding": "identity"},
        )

    check()


# -- what the document forbids ------------------------------------------------------------
# The fuzzer turned round: each case breaks the document (a string where a number goes, a
# missing required field, a value beyond its enum, a body of the wrong type ...), with a
# superadmin's token so the writes reach their checks. The answer is never a 5xx, and a
# refusal is the API's error object naming a field, except where no field is at fault.
_NO_FIELD = {401, 403, 404, 405, 406, 429}


def _can_be_broken(operation: dict[str, Any]) -> bool:
    """Whether the document forbids anything here: a body, or a parameter that is more
    than any string in the path (the vocabularies take nothing; a tracking code, any
    string)."""
    return "requestBody" in operation or any(
        p["in"] != "path" or p["schema"] != {"type": "string"}
        for p in operation.get("parameters", [])
    )


NEGATIVE_OPERATIONS = [
    (path, method)
    for path, methods in build_spec()["paths"].items()
    for method, operation in methods.items()
    if _can_be_broken(operation)
]


@pytest.fixture(scope="module")
def token_headers(api_schema):
    app = api_schema.app
    with state(app).db.write_session() as session:
        user = user_service.create_user(session, "fuzz", "fuzz-password-12", "superadmin")
        secret = token_service.create_token(session, user.id, "fuzz").secret
    return {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}


@pytest.mark.parametrize(("path", "method"), NEGATIVE_OPERATIONS)
def test_api_refuses_what_its_document_forbids_without_failing(
    api_schema, token_headers, path, method
):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers={**token_headers, **(case.headers or {})})
        where = (case.method, case.path, case.path_parameters, case.query, case.body)
        assert response.status_code < 500, (response.status_code, where, response.text[:300])
        if response.status_code >= 400 and response.status_code not in _NO_FIELD:
            error = response.json()["error"]
            assert error["field"] is not None, (response.status_code, where, error)

    check()


# -- the pages: any query string and any headers --------------------------------------
# Pages take few parameters, but a shared link gains whatever a messenger or a person
# appends (WeChat adds ``from=singlemessage``), so every page is fuzzed with arbitrary
# query arguments (``code``, ``_method``, ``_external`` included) and headers.
_ANY_QUERY = {
    "name": "args",
    "in": "query",
    "style": "form",
    "explode": True,
    "schema": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "properties": {
            "lang": {"type": "string"},
            "district": {"type": "string"},
            "code": {"type": "string"},
            "_method": {"type": "string"},
            "_external": {"type": "string"},
            "_anchor": {"type": "string"},
            "_scheme": {"type": "string"},
            "next": {"type": "string"},
            "q": {"type": "string"},
        },
    },
}
# A Host with an "xn--" label that is not valid punycode makes Werkzeug's test client
# fail decoding it after the app has answered (its cookie jar reads the URL back), so
# the fuzzer leaves those out; tests/integration/test_hostile_host.py sends them, and
# other broken hosts, through a real socket.
_HOST = {
    "name": "Host",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "not": {"pattern": "(?i)xn--"}},
}
_HEADERS = [
    _HOST,
    *(
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in ("Cookie", "Accept-Language", "X-Forwarded-For", "If-None-Match")
    ),
]
PAGE_PATHS = (
    "/",
    "/s/{code}",
    "/s/{code}/report",
    "/demand",
    "/r/{code}",
    "/staff/{code}",
    "/admin/login",
    "/admin/",
    "/healthz",
)


def _pages_spec(codes: list[str]) -> dict[str, object]:
    """The pages as an OpenAPI document; ``codes`` are real station codes, so the
    station pages are rendered (not only answered 404) for most examples."""
    code = {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"anyOf": [{"enum": codes}, {"type": "string"}]},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "stationmap pages (test)", "version": "1"},
        "paths": {
            path: {
                "get": {
                    "parameters": [*([code] if "{code}" in path else []), _ANY_QUERY, *_HEADERS],
                    "responses": {"default": {"description": "any page"}},
                }
            }
            for path in PAGE_PATHS
        },
    }


@pytest.fixture(scope="module")
def page_schema(sqlite_templates, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-pages")
    path = folder / "stationmap.sqlite3"
    _copy_sqlite(sqlite_templates[True], path)
    app = _make_app(f"sqlite:///{path}", folder)
    with state(app).db.session() as session:
        codes = list(session.scalars(select(Station.code).limit(5)))
    spec = _pages_spec(codes)
    app.add_url_rule("/_test/pages.json", "test_pages_spec", lambda: spec)
    yield schemathesis.openapi.from_wsgi("/_test/pages.json", app)
    state(app).db.dispose()


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_pages_never_fail_whatever_the_query_string_and_headers(page_schema, path):
    operation = page_schema[path]["GET"]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers={"Accept-Encoding": "identity"})
        assert response.status_code < 500, (case.path, case.query, case.headers)
        assert "Retry-After" not in response.headers

    check()
