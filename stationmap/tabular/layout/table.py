"""What reading gives: a :class:`Table` of :class:`TableRow`, and the notes about it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from stationmap.station_fields import FieldError
from stationmap.tabular.datum_hint import DatumHint
from stationmap.tabular.sheets import Grid


@dataclass(frozen=True)
class TableRow:
    """One station row: ``values`` keyed by field, where it came from (``number`` as the
    spreadsheet shows it, ``sheet``, ``columns``: field -> column letter), the reader's
    ``notes`` and ``errors`` about it."""

    number: int
    values: dict[str, object]
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[FieldError, ...] = ()
    errors: tuple[FieldError, ...] = ()

    def with_values(self, values: dict[str, object]) -> TableRow:
        """This row with other ``values``: ``dataclasses.replace`` costs more than the
        rest of a plain row's bookkeeping in a 100,000-row import, so the fields are
        passed here, beside their declaration."""
        return TableRow(self.number, values, self.sheet, self.columns, self.notes, self.errors)

    def locate(self, error: FieldError) -> FieldError:
        """``error`` (from checking this row's values) with this row's number, sheet and
        the column its field came from."""
        return replace(
            error,
            row=error.row if error.row is not None else self.number,
            sheet=error.sheet if error.sheet is not None else self.sheet,
            column=error.column if error.column is not None else self.columns.get(error.field),
        )

    def errors_with(self, errors: Iterable[FieldError]) -> list[FieldError]:
        """The reader's errors and ``errors`` located, without a second error about a
        field, or a cell, the reader already refused (a bad 坐标 cell gives lon and lat)."""
        fields = {e.field for e in self.errors}
        cells = {self.columns.get(e.field) for e in self.errors} - {None}
        kept = [
            e for e in errors if e.field not in fields and self.columns.get(e.field) not in cells
        ]
        return [*self.errors, *(self.locate(e) for e in kept)]


@dataclass
class Table:
    """The station rows of a file and the notes about it: sheets taken and skipped,
    columns ignored, rows skipped, merged cells carried down."""

    rows: list[TableRow] = field(default_factory=list)
    notes: list[FieldError] = field(default_factory=list)
    #: Cells outside the list (titles, notes, 填表说明) that name a coordinate picker.
    datum_hints: list[DatumHint] = field(default_factory=list)


def _note(
    grid: Grid, en: str, zh: str, row: int | None = None, col: int | None = None
) -> FieldError:
    error = grid.error(en, zh, row, col)
    return error.field_error()
