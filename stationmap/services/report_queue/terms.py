"""The queue's vocabulary: states and the moves between them, their words, the
limits, the errors a change meets, and the filter a listing takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stationmap.models import (
    REPORT_KINDS,
    REPORT_STATUSES,
)
from stationmap.report_fields import KIND_TERMS

OPEN_STATUSES = ("new", "assigned", "in_progress")
CLOSED_STATUSES = ("resolved", "rejected")
# Where each state may go (besides staying, with a reply or a note).
NEXT: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "in_progress", "resolved", "rejected"}),
    "assigned": frozenset({"assigned", "in_progress", "resolved", "rejected"}),
    "in_progress": frozenset({"assigned", "resolved", "rejected"}),
    "resolved": frozenset(),
    "rejected": frozenset(),
}
REOPEN_TO = "in_progress"  # a superadmin only
#: Each state as administrators read it (zh, en): the pages and every message use these
#: words, never the codes (which only the API's ``code`` fields and parameters carry).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "new": ("新报告", "New"),
    "assigned": ("已分派", "Assigned"),
    "in_progress": ("处理中", "In progress"),
    "resolved": ("已解决", "Resolved"),
    "rejected": ("不予处理", "Rejected"),
}
# The kinds in the words the reporter chose them by.
KIND_WORDS: dict[str, tuple[str, str]] = {t.code: (t.zh, t.en) for t in KIND_TERMS}
MAX_REPLY = 2000
MAX_NOTE = 2000
MAX_BULK = 200
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# The kinds whose resolution is a change to the station, made in the editor.
EDITOR_KINDS = ("location", "amenity")


class QueueError(Exception):
    """A change or a query refused; ``status`` is the HTTP status a view answers,
    ``field`` the input at fault, the messages say why in both languages."""

    status = 422
    code = "invalid_value"

    def __init__(
        self, field: str | None, message_zh: str, message_en: str, message_api: str | None = None
    ) -> None:
        super().__init__(message_en)
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en
        # For an API client, where the values it may send are codes: the English
        # message unless the codes themselves are the answer ("one of new, …").
        self.message_api = message_api or message_en

    def text(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


def quoted(table: dict[str, tuple[str, str]], code: str) -> tuple[str, str]:
    """A state's (or kind's) words as a message quotes them: ("“处理中”", '"In progress"')."""
    zh, en = table.get(code, (code, code))
    return f"“{zh}”", f'"{en}"'


def one_of(field: str, table: dict[str, tuple[str, str]], allowed: Sequence[str]) -> QueueError:
    return QueueError(
        field,
        "只能是 " + "、".join(table.get(c, (c, c))[0] for c in allowed),
        "must be one of " + ", ".join(table.get(c, (c, c))[1] for c in allowed),
        f"{field} must be one of {', '.join(allowed)}",
    )


class ReportNotFound(QueueError):
    status = 404
    code = "not_found"


class ReadOnly(QueueError):
    status = 403
    code = "forbidden"


class StaleReport(QueueError):
    """The report changed since the user read it (``current``: its version now)."""

    status = 412
    code = "precondition_failed"

    def __init__(self, tracking_code: str, current: int | None, expected: int) -> None:
        now = f"（现为第 {current} 版）" if current is not None else ""
        now_en = f" (now version {current}, not {expected})" if current is not None else ""
        super().__init__(
            "version",
            f"报告 {tracking_code} 已被他人修改{now}，请刷新后重试。",
            f"report {tracking_code} changed meanwhile{now_en}; read it again",
        )
        self.current = current


@dataclass(frozen=True)
class Change:
    """What a user asks of one report (or of several, in bulk). ``status`` None keeps
    the state; ``assignee`` is a username (for ``assigned``)."""

    status: str | None = None
    assignee: str | None = None
    reply: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReportFilter:
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    district: str | None = None  # with the districts below it
    older_than_hours: float | None = None
    station: str | None = None  # a station code
    unanswered: bool = False  # no reply yet
    limit: int = DEFAULT_LIMIT
    after_id: int = 0


def check_filter(flt: ReportFilter) -> None:
    """Raise :class:`QueueError` naming the field for a value no report can have."""
    for name, values, allowed, table in (
        ("status", flt.statuses, REPORT_STATUSES, STATUS_WORDS),
        ("kind", flt.kinds, REPORT_KINDS, KIND_WORDS),
    ):
        unknown = [v for v in values if v not in allowed]
        if unknown:
            error = one_of(name, table, allowed)
            error.message_api = (
                f"unknown {name} {', '.join(u[:20] for u in unknown)}; one of {', '.join(allowed)}"
            )
            raise error
    if flt.older_than_hours is not None and not 0 <= flt.older_than_hours <= 24 * 3650:
        raise QueueError(
            "older_than",
            "须在 0 到 87600 小时之间",
            "must be 0 to 87600 hours",
            "older_than must be 0-87600 hours",
        )
