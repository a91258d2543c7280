"""A bureau admin opens the dashboard, drills into a figure, exports the table and reads it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dashboards import services

# The known data of the dashboard tests, as a fixture here too.
from tests.dashboards.conftest import activity as activity
from tests.dashboards.conftest import world as world
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_admin_drills_and_exports_the_same_numbers(page, world, activity, bureau_zj):
    services.refresh_statistics()
    sign_in(page, bureau_zj.username)
    page.click('[data-nav="dashboards:index"]')
    page.wait_for_url("**/dashboards/330000/")
    assert page.get_by_test_id("drill-library_patents").inner_text() == "4"

    table = page.get_by_test_id("table-inventory_by_institution")
    cell = table.locator(f'a[data-metric="library_patents"][data-key="{world.zju.pk}"]')
    assert cell.inner_text() == "3"
    cell.click()
    page.wait_for_url("**/drill/library_patents/**")
    assert page.get_by_test_id("drill-count").inner_text().endswith("3")
    assert page.get_by_test_id("drill-table").locator("tbody tr").count() == 3

    page.go_back()
    with page.expect_download() as download:
        page.get_by_test_id("export-inventory_by_institution-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = {row[1]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows[str(world.zju.pk)][2:7] == (6, 4, 3, 3, 2)
    assert rows[str(world.nbu.pk)][2:5] == (2, 1, 1)

    # The conversion section: from the transfers of the deals-by-kind table to the deal behind
    # (still on the dashboard: the download did not navigate).
    assert page.get_by_test_id("figure-conversion_rate").inner_text().strip().endswith("50.0%")
    deals = page.get_by_test_id("table-deals_by_kind")
    deals.locator('a[data-metric="deals"][data-key="transfer"]').click()
    page.wait_for_url("**/drill/deals/**")
    assert page.get_by_test_id("drill-table").locator("tbody tr").count() == 1
    assert "广东需求企业" in page.get_by_test_id("drill-table").inner_text()
