"""The district's queue of workers' reports: list and filter them within a user's
districts, and move them through their states, each step a :class:`ReportEvent`.

States: ``new`` -> ``assigned`` (to a named administrator whose districts cover the
report's) -> ``in_progress`` -> ``resolved`` | ``rejected``. A report may also go from
``new`` or ``assigned`` straight to ``in_progress``, ``resolved`` or ``rejected``, be
assigned again to someone else, or keep its state with a reply or note only. Only a
superadmin reopens a closed report (to ``in_progress``).

Scope follows the station pages: ``codes`` is the user's district scope (``None``: every
district); a report outside it, or with no district, is "not found" for them exactly as
a missing one. A viewer reads the queue but changes nothing.

Every change is checked against the report's ``version`` (the optimistic lock the
editor and the station API use); a bulk change checks every report first and changes
all or none (the caller's transaction).

The package: :mod:`.terms` (states, words, limits, errors, the filter), :mod:`.reading`
(reports as rows, within a user's districts), :mod:`.lines` (the queue's lines, groups
of alike reports as one) and :mod:`.changes` (moving reports, one, many or a group).
"""

from __future__ import annotations

from stationmap.services.report_queue.changes import (
    GroupChanged,
    apply_bulk,
    apply_change,
    apply_group,
    check_change,
)
from stationmap.services.report_queue.lines import (
    QueueLine,
    list_lines,
)
from stationmap.services.report_queue.reading import (
    ReportRow,
    assignable,
    candidates,
    get_by_code,
    get_scoped,
    list_reports,
    row_of,
    rows_of,
    similar_to,
)
from stationmap.services.report_queue.terms import (
    CLOSED_STATUSES,
    DEFAULT_LIMIT,
    EDITOR_KINDS,
    KIND_WORDS,
    MAX_BULK,
    MAX_LIMIT,
    MAX_NOTE,
    MAX_REPLY,
    NEXT,
    OPEN_STATUSES,
    REOPEN_TO,
    STATUS_WORDS,
    Change,
    QueueError,
    ReadOnly,
    ReportFilter,
    ReportNotFound,
    StaleReport,
    check_filter,
    quoted,
)

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_LIMIT",
    "EDITOR_KINDS",
    "KIND_WORDS",
    "MAX_BULK",
    "MAX_LIMIT",
    "MAX_NOTE",
    "MAX_REPLY",
    "NEXT",
    "OPEN_STATUSES",
    "REOPEN_TO",
    "STATUS_WORDS",
    "Change",
    "GroupChanged",
    "QueueError",
    "QueueLine",
    "ReadOnly",
    "ReportFilter",
    "ReportNotFound",
    "ReportRow",
    "StaleReport",
    "apply_bulk",
    "apply_change",
    "apply_group",
    "assignable",
    "candidates",
    "check_change",
    "check_filter",
    "get_by_code",
    "get_scoped",
    "list_lines",
    "list_reports",
    "quoted",
    "row_of",
    "rows_of",
    "similar_to",
]
