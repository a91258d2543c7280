"""CSV and XLSX files of the dashboard tables, safe to open in a spreadsheet.

Any text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is prefixed with an apostrophe; numbers are written as numbers, the same way down a column:
counts as whole numbers, sums (yuan, days) with two decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from dashboards.metrics import METRICS
from dashboards.selectors import Figure, TableData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | Decimal | None
WHOLE = Decimal(1)
CENTS = Decimal("0.01")


def neutralise(value: object) -> Cell:
    """A cell value that no spreadsheet will evaluate."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def quantity(metric: str, value: Decimal | int | None) -> Decimal | None:
    """A metric's value as its column holds it in every row. Stored figures carry two decimals
    ("80.00") while a key without a figure reads 0: counts are written as whole numbers, sums
    to the cent."""
    if value is None:
        return None
    return Decimal(value).quantize(WHOLE if METRICS[metric].is_count else CENTS)


def table_rows(data: TableData) -> list[list[Cell]]:
    """Header and body rows of one table, exactly as the page shows them."""
    header: list[object] = [data.dimension_label, _("Key")]
    header += [_header(f) for f in data.headers]
    rows: list[list[Cell]] = [[neutralise(h) for h in header]]
    for row in data.rows:
        cells = [quantity(s, v) for s, v in zip(data.table.metrics, row.cells, strict=True)]
        rows.append([neutralise(v) for v in [row.label, row.key, *cells, *row.ratios]])
    return rows


def _header(figure: Figure) -> str:
    return f"{figure.label} ({figure.unit})" if figure.is_ratio and figure.unit else figure.label


def to_csv(rows: Iterable[list[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    # The BOM lets spreadsheet programs detect UTF-8 (Chinese names).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number(cell: Decimal) -> int | float:
    # A whole number (a count, quantized without decimals) stays an integer in the sheet.
    exponent = cell.as_tuple().exponent
    return int(cell) if isinstance(exponent, int) and exponent >= 0 else float(cell)


def _fill(sheet: Worksheet, rows: Iterable[list[Cell]]) -> None:
    for row in rows:
        sheet.append([_number(c) if isinstance(c, Decimal) else c for c in row])


def to_xlsx(sheets: Iterable[tuple[str, Iterable[list[Cell]]]]) -> bytes:
    """A workbook with one sheet per (title, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        # Sheet titles are limited to 31 characters and may not contain []:*?/\ .
        safe = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
        _fill(workbook.create_sheet(safe), rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
