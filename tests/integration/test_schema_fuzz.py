"""A schema-driven fuzzer (schemathesis) against /api/openapi.json: no 5xx, and every
response fits the documented schema, status codes and content types.

The check that every schema-valid request is accepted is left out: some rules cannot be
written in OpenAPI (a bbox's minimum latitude must not exceed its maximum, each of its
four numbers has its own range), and the API rightly answers those with 422.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from stationmap import state
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
    app = _make_app(f"sqlite:///{path}", folder)
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
