"""Issue 3's story end to end in Chromium: upload with bad rows, read the errors, fix and
re-upload, review through college and university, and an enterprise finds the patent by a
Chinese keyword in the library."""

from __future__ import annotations

import pytest

from accounts.models import OrgKind, Role
from patents.models import Patent
from tests.factories import (
    DepartmentFactory,
    OrganisationFactory,
    UserFactory,
    application_no,
)
from tests.fixtures.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "申请号,专利名称,法律状态,盘点分类,所属学院,发明人\n"
GOOD_1 = f"{application_no(11)},一种锂电池隔膜的制备方法,有效,有转化前景,材料学院,张伟\n"
GOOD_2 = f"{application_no(12)},一种污水处理膜组件,有效,有转化前景,材料学院,李娜\n"
BAD_NUMBER = "202110000011.0,一种错误申请号的专利,有效,有转化前景,材料学院,王芳\n"


def _upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.goto("/patents/imports/new/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-submit")
    page.wait_for_selector("#import-progress")
    page.locator("[data-testid=import-status]", has_text="Done").wait_for(timeout=30_000)


def _review(page, patent: Patent, action: str) -> None:
    page.goto(f"/patents/{patent.pk}/")
    page.click(f"#review-{action}")
    page.wait_for_selector("[data-testid=review-status]")


def test_upload_fix_review_and_find_in_library(page, tmp_path):
    university = OrganisationFactory(kind=OrgKind.UNIVERSITY, name="浙江测试大学")
    college = DepartmentFactory(organisation=university, name="材料学院")
    UserFactory(username="alice", organisation=university, role=Role.STAFF)
    UserFactory(
        username="carol", organisation=university, department=college, role=Role.COLLEGE_STAFF
    )
    enterprise = OrganisationFactory(kind=OrgKind.ENTERPRISE, name="测试企业")
    UserFactory(username="erin", organisation=enterprise, role=Role.ADMIN)

    # 1. An upload with a bad row: the good row is saved, the bad one is listed with its reason.
    sign_in(page, "alice")
    _upload(page, tmp_path, "inventory.csv", HEADER + GOOD_1 + BAD_NUMBER)
    errors = page.locator("#import-errors")
    assert "202110000011.0" in errors.inner_text()
    assert "check digit" in errors.inner_text()
    assert Patent.objects.count() == 1

    # 2. Fix the file (the bad row corrected) and upload again: nothing duplicated.
    _upload(page, tmp_path, "inventory-fixed.csv", HEADER + GOOD_1 + GOOD_2)
    assert not page.locator("#import-errors tbody tr").count()
    assert Patent.objects.count() == 2
    separator = Patent.objects.get(title="一种锂电池隔膜的制备方法")

    # 3. Review: submit from the inventory (bulk), college approves, university admits.
    page.goto("/patents/")
    page.check(f"[data-testid=patent-row-{separator.pk}] input[name=ids]")
    page.click("#bulk-submit")
    assert (
        "College review" in page.locator(f"[data-testid=review-status-{separator.pk}]").inner_text()
    )
    page.context.clear_cookies()
    sign_in(page, "carol")
    _review(page, separator, "approve")
    assert page.locator("[data-testid=review-status]").inner_text() == "University review"
    page.context.clear_cookies()
    sign_in(page, "alice")
    _review(page, separator, "approve")
    assert page.locator("[data-testid=review-status]").inner_text() == "Admitted to the library"

    # 4. An enterprise finds it in the library by a Chinese keyword.
    page.context.clear_cookies()
    sign_in(page, "erin")
    page.goto("/patents/library/")
    page.fill("#library-q", "隔膜")
    page.click("#library-search")
    row = page.locator(f"[data-testid=patent-row-{separator.pk}]")
    assert "一种锂电池隔膜的制备方法" in row.inner_text()
    assert page.locator("#library-results tbody tr").count() == 1  # the other is not admitted
    row.locator("a").click()
    assert page.locator("[data-testid=patent-title]").inner_text() == "一种锂电池隔膜的制备方法"
    assert "浙江测试大学" in page.locator("[data-testid=owner]").inner_text()
