"""How an office lays out its station list: finding the header row under title and filler
rows, mapping its columns, carrying merged cells down, splitting a 坐标 cell, skipping
total and note rows: :func:`read_grids` gives a :class:`Table` of :class:`TableRow`.

Every note and error names its sheet, its row as the spreadsheet shows it and its
column letter, in Chinese (``message_zh``) and English (``message``).

The modules: :mod:`~stationmap.tabular.layout.header_names` (what a column header names,
and the map a coordinate header names), :mod:`~stationmap.tabular.layout.header` (finding
the header row), :mod:`~stationmap.tabular.layout.header_datum` (the datum the headers
name, checked on each row), :mod:`~stationmap.tabular.layout.column_map` (the columns
read, and the header's problems), :mod:`~stationmap.tabular.layout.coordinates` (a 坐标
cell split), :mod:`~stationmap.tabular.layout.skipped_rows` (rows that are no station),
:mod:`~stationmap.tabular.layout.record` (one row's values by field),
:mod:`~stationmap.tabular.layout.table` (what reading gives) and
:mod:`~stationmap.tabular.layout.grids` (reading the sheets).
"""

from stationmap.tabular.layout.grids import read_grids
from stationmap.tabular.layout.header_names import COORDINATES, datum_header, header_target
from stationmap.tabular.layout.table import Table, TableRow

__all__ = [
    "COORDINATES",
    "Table",
    "TableRow",
    "datum_header",
    "header_target",
    "read_grids",
]
