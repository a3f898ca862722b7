"""Every database error class SQLAlchemy has is given a written-out answer.

``test_hostile_input.DATABASE_ERRORS`` states the status each database error must get
(503 with Retry-After for a lost connection or an operational failure; 409 for a
constraint violation; a logged 500 with a request id for the rest) and checks the app
answers so. This keeps that table complete: a ``DBAPIError`` subclass without a row
there (a new SQLAlchemy release, or one forgotten) fails here instead of being answered
by whatever branch it happens to fall into.
"""

from __future__ import annotations

import inspect

from sqlalchemy import exc as sa_exc

from tests.integration.test_hostile_input import DATABASE_ERRORS


def test_every_dbapi_error_class_has_a_stated_status() -> None:
    classes = {
        cls
        for cls in vars(sa_exc).values()
        if inspect.isclass(cls) and issubclass(cls, sa_exc.DBAPIError)
    }
    covered = {type(make()) for _name, make, _status in DATABASE_ERRORS}
    assert classes - covered == set()
    assert len(classes) >= 9


def test_the_policy_table_says_what_the_issue_asked_for() -> None:
    """Only connection and operational failures are "unavailable"; an IntegrityError is
    a conflict, a DataError a bug, never "database unavailable"."""
    status = {type(make()): s for name, make, s in DATABASE_ERRORS if "invalidated" not in name}
    assert status[sa_exc.OperationalError] == status[sa_exc.InterfaceError] == 503
    assert status[sa_exc.IntegrityError] == 409
    assert status[sa_exc.DataError] == 500
