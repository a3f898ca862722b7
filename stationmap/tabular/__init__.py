"""Station tables in and out: CSV, XLSX and GeoJSON files. Pure: no Flask, no database.

:func:`read_rows` turns an uploaded file into a :class:`Table` of rows keyed by
:data:`stationmap.station_fields.FIELDS`, each with its sheet, row and column letters
(:meth:`TableRow.locate` puts them on an error about the row), and notes on what was
skipped (:func:`read_table`: just ``(row_number, {field: raw value})`` pairs). It checks
the *file* (encoding, headers, zip bombs, XML entities, size caps), not the values: that is
:func:`stationmap.station_fields.parse_station`'s job. :func:`write_table` writes the
same fields so that export -> import gives back the same stations.

Reading normalises cells: text loses surrounding whitespace, line breaks become ``\\n``,
an empty cell is ``None``. Writing guards against formula injection: a text cell that
starts with ``= + - @``, a tab or a carriage return gets a leading ``'`` (as does one
that starts with ``'`` and one of those, or ``''``); reading removes exactly that ``'``.

The modules: :mod:`~stationmap.tabular.columns` (what both sides share),
:mod:`~stationmap.tabular.reading`, :mod:`~stationmap.tabular.sheets` (the stored
cells of each sheet, with the caps; legacy ``.xls`` workbooks, and web-page tables and Excel
2003 XML workbooks named ``.xls``, in :mod:`~stationmap.tabular.xls_sheets`,
:mod:`~stationmap.tabular.html_sheets` and :mod:`~stationmap.tabular.xml_sheets`),
:mod:`~stationmap.tabular.layout` (header row, office columns, merged cells, total rows),
:mod:`~stationmap.tabular.guards` (the format by content, the zip and XML checks of XLSX
uploads) and :mod:`~stationmap.tabular.writing`.
"""

from stationmap.tabular.columns import Format, TableError
from stationmap.tabular.guards import detect_format
from stationmap.tabular.layout import Table, TableRow
from stationmap.tabular.reading import read_rows, read_table
from stationmap.tabular.sheets import MAX_READ_SECONDS
from stationmap.tabular.writing import template_xlsx, write_table

__all__ = [
    "MAX_READ_SECONDS",
    "Format",
    "Table",
    "TableError",
    "TableRow",
    "detect_format",
    "read_rows",
    "read_table",
    "template_xlsx",
    "write_table",
]
