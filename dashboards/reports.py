"""The monthly report of one province (or all): an XLSX workbook with one sheet per section."""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _

from dashboards.exports import Cell, neutralise, quantity, table_rows, to_xlsx
from dashboards.metrics import METRICS
from dashboards.selectors import Values, dashboard

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


def monthly_report(scope: str, month: str, values: Values) -> bytes:
    """Key figures (to date and entered in `month`), then every table of each section.

    Raises Http404 for a month that is not YYYY-MM.
    """
    if not MONTH.match(month):
        raise Http404
    sheets: list[tuple[str, list[list[Cell]]]] = []
    for section in dashboard(scope, values)["sections"]:
        rows: list[list[Cell]] = [
            [
                neutralise(_("Figure")),
                neutralise(_("To date")),
                neutralise(_("In %(month)s") % {"month": month}),
            ]
        ]
        for fig in section["figures"]:
            to_date, in_month = fig.value, None
            if fig.slug in METRICS:
                to_date = quantity(fig.slug, fig.value)
                if "month" in METRICS[fig.slug].dimensions:
                    found = values.get((fig.slug, "month", month))
                    in_month = quantity(fig.slug, found[1] if found else 0)
            rows.append([neutralise(fig.label), neutralise(to_date), neutralise(in_month)])
        for table in section["tables"]:
            rows += [[None], [neutralise(str(table.table.title))], *table_rows(table)]
        sheets.append((str(section["section"].title), rows))
    return to_xlsx(sheets)
