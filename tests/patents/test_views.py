"""HTML pages: happy paths and refusals (other institution → 404, wrong role → 403)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from patents.models import Patent, PatentChange, ReviewStatus, SpotCheck
from patents.services import spotchecks
from tests.factories import PatentFactory
from tests.forms import rendered_values
from tests.patents.factories import indexed_patent

pytestmark = pytest.mark.django_db


def test_inventory_lists_own_records_with_review_buttons(
    client, univ_a_staff, draft, foreign_patent
):
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:inventory")).content.decode()
    assert f'data-testid="patent-row-{draft.pk}"' in page
    assert f'data-testid="patent-row-{foreign_patent.pk}"' not in page
    for action in ("submit", "approve", "return"):
        assert f'name="action" value="{action}"' in page


def test_enterprise_gets_403_on_inventory_and_404_on_records(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    assert client.get(reverse("patents:inventory")).status_code == 403
    assert client.get(reverse("patents:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("patents:edit", args=[draft.pk])).status_code == 404
    assert (
        client.post(reverse("patents:review", args=[draft.pk]), {"action": "submit"}).status_code
        == 404
    )
    assert client.get(reverse("patents:new")).status_code == 403
    assert client.post(reverse("patents:bulk_review"), {"action": "submit"}).status_code == 403


def test_other_university_gets_404(client, univ_b_staff, draft):
    client.force_login(univ_b_staff)
    for name in ("patents:detail", "patents:edit"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    response = client.post(reverse("patents:review", args=[draft.pk]), {"action": "submit"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.review_status == ReviewStatus.DRAFT


def test_college_staff_of_another_college_gets_404(client, other_college_staff, draft):
    client.force_login(other_college_staff)
    assert client.get(reverse("patents:detail", args=[draft.pk])).status_code == 404


def test_bureau_may_read_its_province_but_not_edit(client, bureau_zj, bureau_gd, draft):
    client.force_login(bureau_gd)
    assert client.get(reverse("patents:detail", args=[draft.pk])).status_code == 404
    client.force_login(bureau_zj)
    assert client.get(reverse("patents:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("patents:edit", args=[draft.pk])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, draft):
    for url in (
        reverse("patents:inventory"),
        reverse("patents:detail", args=[draft.pk]),
        reverse("patents:library"),
        reverse("patents:spotcheck_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_detail_shows_history_and_the_buttons_the_user_may_use(
    client, inventor, college_staff, draft
):
    client.force_login(inventor)
    client.post(reverse("patents:review", args=[draft.pk]), {"action": "submit"})
    page = client.get(reverse("patents:detail", args=[draft.pk])).content.decode()
    assert 'id="patent-history"' in page and "Draft → College review" in page
    assert 'id="review-approve"' not in page  # an inventor never approves
    client.force_login(college_staff)
    page = client.get(reverse("patents:detail", args=[draft.pk])).content.decode()
    assert 'id="review-approve"' in page and 'id="review-return"' in page


#: A change as the history stores it: field names and stored values, of each kind the page shows.
STORED_CHANGE = {
    "review_status": ["draft", "college_review"],
    "action": "submit",
    "legal_status": ["pending", "valid"],
    "offers_transfer": [False, True],
    "patentees": [["浙江大学"], ["浙江大学", "杭州新锂能源科技有限公司"]],
}


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "Review status: Draft → College review",
                "Review: Submit for review",
                "Legal status: Pending → Valid",
                "Offers transfer: no → yes",
                "Patentees: 浙江大学 → 浙江大学, 杭州新锂能源科技有限公司",
            ],
        ),
        (
            "zh-hans",
            [
                "审核状态: 草稿 → 学院审核",
                "审核: 提交审核",
                "法律状态: 审中 → 有效",
                "可转让: 否 → 是",
                "专利权人: 浙江大学 → 浙江大学、杭州新锂能源科技有限公司",
            ],
        ),
    ],
)
def test_history_names_fields_and_values_in_the_readers_language(
    client, univ_a_staff, draft, language, lines
):
    PatentChange.objects.create(
        patent=draft, changed_by=univ_a_staff, source="review", changes=STORED_CHANGE
    )
    client.force_login(univ_a_staff)
    url = reverse("patents:detail", args=[draft.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    history = page[page.index('id="patent-history"') :]
    for line in lines:
        assert f"<div>{line}</div>" in history
    for stored in ("review_status", "college_review", "submit", "offers_transfer", "False", "['"):
        assert stored not in history


def test_history_names_a_college_not_its_key(client, univ_a_staff, draft, materials_college):
    PatentChange.objects.create(
        patent=draft,
        changed_by=univ_a_staff,
        source="form",
        changes={"department": [None, materials_college.pk]},
    )
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:detail", args=[draft.pk])).content.decode()
    history = page[page.index('id="patent-history"') :]
    assert f"<div>College: — → {materials_college.name}</div>" in history


def test_inventor_posting_approve_gets_403(client, inventor, draft):
    draft.review_status = ReviewStatus.COLLEGE_REVIEW
    draft.save()
    client.force_login(inventor)
    response = client.post(reverse("patents:review", args=[draft.pk]), {"action": "approve"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.review_status == ReviewStatus.COLLEGE_REVIEW


def test_invalid_review_step_shows_the_reason(client, univ_a_staff, draft):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("patents:review", args=[draft.pk]), {"action": "approve"}, follow=True
    )
    assert (
        f"{draft.application_no} is “Draft”: it cannot be approved now."
        in response.content.decode()
    )
    assert not PatentChange.objects.exists()


def test_admitted_record_not_in_force_says_it_is_not_published_and_why(
    client, univ_a_staff, enterprise_user, zhejiang_university
):
    pending = PatentFactory(
        organisation=zhejiang_university, review_status="admitted", legal_status="pending"
    )
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:detail", args=[pending.pk])).content.decode()
    assert "Admitted, not published: legal status Pending" in page
    assert "Admitted to the library" not in page
    assert reverse("patents:library_detail", args=[pending.pk]) not in page
    inventory = client.get(reverse("patents:inventory")).content.decode()
    assert 'title="legal status Pending">Admitted, not published</span>' in inventory
    # ... which is what enterprises see:
    client.force_login(enterprise_user)
    assert client.get(reverse("api:library-detail", args=[pending.pk])).status_code == 404


def test_published_record_says_admitted_and_links_to_the_library(
    client, univ_a_staff, zhejiang_university
):
    published = PatentFactory(organisation=zhejiang_university, review_status="admitted")
    client.force_login(univ_a_staff)
    page = client.get(reverse("patents:detail", args=[published.pk])).content.decode()
    assert "Admitted to the library" in page and "not published" not in page
    assert reverse("patents:library_detail", args=[published.pk]) in page


def test_admitting_a_pending_record_warns_it_will_not_be_published(
    client, univ_a_staff, zhejiang_university
):
    pending = PatentFactory(
        organisation=zhejiang_university,
        review_status=ReviewStatus.UNIVERSITY_REVIEW,
        legal_status="pending",
    )
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("patents:review", args=[pending.pk]), {"action": "approve"}, follow=True
    )
    page = response.content.decode()
    assert "Review step recorded." in page
    assert (
        f"{pending.application_no} is admitted, but it will not be published in the library "
        "(legal status Pending): only valid patents with conversion prospects are."
    ) in page
    pending.refresh_from_db()
    assert pending.review_status == ReviewStatus.ADMITTED


def test_bulk_submit_from_the_inventory(client, univ_a_staff, zhejiang_university):
    patents = PatentFactory.create_batch(2, organisation=zhejiang_university)
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("patents:bulk_review"),
        {"action": "submit", "ids": [p.pk for p in patents]},
        follow=True,
    )
    assert "2 records updated." in response.content.decode()
    assert set(Patent.objects.values_list("review_status", flat=True)) == {"university_review"}


def test_create_and_edit_a_record_through_the_form(client, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("patents:new"),
        {
            "application_no": "2021101234567",
            "title": "一种锂电池隔膜的制备方法",
            "legal_status": "valid",
            "ipc_main": "H01M 50/403",
            # Typed on a Chinese keyboard: full-width semicolons, as good as the ASCII ones.
            "inventors": "张伟；李娜; 王芳",
        },
    )
    patent = Patent.objects.get()
    assert response.status_code == 302
    assert patent.application_no == "202110123456.7"
    assert patent.inventors == ["张伟", "李娜", "王芳"]
    response = client.post(
        reverse("patents:edit", args=[patent.pk]),
        {
            "application_no": patent.application_no,
            "title": "一种改进的锂电池隔膜",
            "legal_status": "valid",
            "version": patent.version,
        },
    )
    assert response.status_code == 302
    patent.refresh_from_db()
    assert patent.title == "一种改进的锂电池隔膜"


def test_form_shows_the_exact_error_and_writes_nothing(client, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("patents:new"),
        {"application_no": "202110123456.8", "title": "x", "legal_status": "valid"},
    )
    assert response.status_code == 200
    assert (
        "“202110123456.8” fails its check digit: it should end in .7." in response.content.decode()
    )
    assert not Patent.objects.exists()


def test_library_page_search_and_detail(client, enterprise_user, zhejiang_university):
    patent = indexed_patent(
        organisation=zhejiang_university,
        title="一种锂电池隔膜的制备方法",
        review_status=ReviewStatus.ADMITTED,
        offers_open_licence=True,
        open_licence_fee_basis="lump_sum",
        open_licence_fee_amount=50000,
        open_licence_period_years=3,
        contact_name="技术转移中心",
    )
    draft = PatentFactory(organisation=zhejiang_university)
    client.force_login(enterprise_user)
    page = client.get(reverse("patents:library"), {"q": "隔膜"}).content.decode()
    assert f'data-testid="patent-row-{patent.pk}"' in page
    assert 'id="library-q"' in page and 'id="library-search"' in page
    detail = client.get(reverse("patents:library_detail", args=[patent.pk])).content.decode()
    assert 'id="open-licence-terms"' in detail and "技术转移中心" in detail
    assert "浙江测试大学" in detail and 'id="patent-extras"' in detail
    assert client.get(reverse("patents:library_detail", args=[draft.pk])).status_code == 404


def test_lists_on_patent_pages_are_separated_as_the_readers_language_does(
    client, enterprise_user, univ_a_staff, zhejiang_university
):
    patent = indexed_patent(
        organisation=zhejiang_university,
        review_status=ReviewStatus.ADMITTED,
        inventors=["张伟", "李娜"],
        offers_ordinary_licence=True,
    )
    pending = PatentFactory(
        organisation=zhejiang_university,
        review_status=ReviewStatus.ADMITTED,
        legal_status="pending",
        inventory_category="",
    )
    client.force_login(enterprise_user)
    pages = {
        language: [
            client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for url in (
                reverse("patents:library") + "?sort=newest",
                reverse("patents:library_detail", args=[patent.pk]),
            )
        ]
        for language in ("zh-hans", "en")
    }
    assert '<td class="small">转让、普通许可</td>' in pages["zh-hans"][0]
    assert '<td class="small">Transfer, Ordinary licence</td>' in pages["en"][0]
    assert '<dd class="col-sm-9">张伟、李娜</dd>' in pages["zh-hans"][1]
    assert '<dd class="col-sm-9">张伟, 李娜</dd>' in pages["en"][1]
    client.force_login(univ_a_staff)
    detail = reverse("patents:detail", args=[pending.pk])
    chinese = client.get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "法律状态为审中、未填写盘点分类" in chinese


def test_spot_check_pages(client, bureau_zj, bureau_gd, univ_a_staff, zhejiang_university):
    PatentFactory.create_batch(4, organisation=zhejiang_university, review_status="admitted")
    client.force_login(bureau_zj)
    response = client.post(
        reverse("patents:spotcheck_list"),
        {"institution": zhejiang_university.pk, "sample_percent": 50},
    )
    check = SpotCheck.objects.get()
    assert response.status_code == 302 and check.items.count() == 2
    item = check.items.first()
    client.post(
        reverse("patents:spotcheck_mark", args=[check.pk, item.pk]),
        {"result": "failed", "reason": "联系人缺失"},
    )
    page = client.get(reverse("patents:spotcheck_detail", args=[check.pk])).content.decode()
    assert 'data-testid="pass-rate">0.0%' in page
    client.force_login(bureau_gd)
    assert client.get(reverse("patents:spotcheck_detail", args=[check.pk])).status_code == 404
    response = client.post(
        reverse("patents:spotcheck_mark", args=[check.pk, item.pk]), {"result": "passed"}
    )
    assert response.status_code == 404
    client.force_login(univ_a_staff)
    assert client.get(reverse("patents:spotcheck_list")).status_code == 403


def test_bureau_cannot_start_a_check_of_another_province(client, bureau_gd, zhejiang_university):
    PatentFactory(organisation=zhejiang_university, review_status="admitted")
    client.force_login(bureau_gd)
    response = client.post(
        reverse("patents:spotcheck_list"),
        {"institution": zhejiang_university.pk, "sample_percent": 50},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not SpotCheck.objects.exists()
    assert spotchecks.sample_size(1, 1) == 1


def test_home_shows_inventory_counts(client, college_staff, zhejiang_university, materials_college):
    PatentFactory(
        organisation=zhejiang_university,
        department=materials_college,
        review_status=ReviewStatus.COLLEGE_REVIEW,
    )
    client.force_login(college_staff)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-my-queue">1<' in page
    assert reverse("patents:inventory") in page


def test_saving_an_untouched_record_in_chinese_keeps_its_dates(client, univ_a_staff):
    """Chinese pages format dates as 2022/01/28, which a browser's date picker shows as empty
    and submits empty: the form must render ISO dates whatever the language."""
    patent = PatentFactory(
        organisation=univ_a_staff.organisation,
        application_date=datetime.date(2022, 1, 28),
        grant_date=datetime.date(2023, 6, 28),
    )
    client.force_login(univ_a_staff)
    url = reverse("patents:edit", args=[patent.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        response = client.post(url, rendered_values(page), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    patent.refresh_from_db()
    assert (patent.application_date, patent.grant_date) == (
        datetime.date(2022, 1, 28),
        datetime.date(2023, 6, 28),
    )
