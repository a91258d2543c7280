"""Exports carry the page's numbers and never a live formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from dashboards.exports import neutralise, table_rows, to_csv, to_xlsx
from dashboards.selectors import TableData, TableRow, figure
from dashboards.tables import TABLES

pytestmark = pytest.mark.django_db

ZJ = "330000"


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_and_numbers_are_kept():
    assert neutralise("浙江测试大学") == "浙江测试大学"
    assert neutralise(Decimal("3")) == Decimal("3")
    assert neutralise(None) is None


def test_a_malicious_institution_name_cannot_run_in_either_format():
    table = TABLES["inventory_by_institution"]
    data = TableData(table, [figure(s, {}) for s in (*table.metrics, *table.ratios)])
    data.rows.append(TableRow("1", '=cmd|"/c calc"!A1', [Decimal(1)] * 5, [None, None]))
    rows = table_rows(data)
    text = to_csv(rows).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text.splitlines()[1])))[0] == '\'=cmd|"/c calc"!A1'
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx([("t", rows)]))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def _number(value: object) -> float | None:
    return None if value in (None, "") else float(value)  # type: ignore[arg-type]


def _page_table(client, slug):
    sections = client.get(reverse("dashboards:province", args=[ZJ])).context["sections"]
    return next(t for s in sections for t in s["tables"] if t.table.slug == slug)


def test_csv_and_xlsx_carry_the_same_numbers_as_the_page(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    page = _page_table(client, "inventory_by_institution")
    expected = [
        [row.label, row.key, *[_number(v) for v in [*row.cells, *row.ratios]]] for row in page.rows
    ]
    assert any(None in row for row in expected)  # a ratio without denominator stays empty
    response = client.get(reverse("dashboards:export", args=[ZJ, page.table.slug, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "Institution"
    assert [[r[0], r[1], *map(_number, r[2:])] for r in lines[1:]] == expected
    response = client.get(reverse("dashboards:export", args=[ZJ, page.table.slug, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == expected


def test_monthly_report_has_a_sheet_per_section_with_the_months_entries(
    client, bureau_zj, refreshed
):
    client.force_login(bureau_zj)
    response = client.get(reverse("dashboards:monthly_report", args=[ZJ, "2026-10"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Inventory", "Demand", "Conversion", "Responsiveness", "Evaluation"]
    rows = list(book["Inventory"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Figure", "To date", "In 2026-10")
    assert rows[1][:3] == ("Patents inventoried", 8, 4)
    assert rows[7][:1] == ("Inventory by institution",)


def test_monthly_report_rejects_a_bad_month(client, bureau_zj, refreshed):
    client.force_login(bureau_zj)
    assert client.get(reverse("dashboards:monthly_report", args=[ZJ, "2026-13"])).status_code == 404


def _csv(client, slug: str) -> list[list[str]]:
    response = client.get(reverse("dashboards:export", args=[ZJ, slug, "csv"]))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_counts_are_exported_as_whole_numbers_and_amounts_to_the_cent(
    client, bureau_zj, refreshed_activity
):
    client.force_login(bureau_zj)
    inventory = _csv(client, "inventory_by_institution")
    assert inventory[1][:7] == ["浙江测试大学", inventory[1][1], "6", "4", "3", "3", "2"]
    assert inventory[2][:7] == ["宁波测试大学", inventory[2][1], "2", "1", "1", "0", "0"]
    xlsx = client.get(reverse("dashboards:export", args=[ZJ, "inventory_by_institution", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [type(cell.value) for cell in sheet[2][2:7]] == [int] * 5
    deals = sorted(_csv(client, "deals_by_kind")[1:], key=lambda row: row[1])
    assert [row[1:] for row in deals] == [
        ["licence", "1", "100000.00"],
        ["open_licence", "1", "0.00"],
        ["transfer", "1", "500000.00"],
    ]
