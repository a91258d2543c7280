"""Typical cases: the bureau proposes from a recorded deal, the university agrees, the bureau
publishes; published cases are public; everyone else is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dashboards import cases
from dashboards.models import CaseStatus, TypicalCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def zj_deal(activity):  # a Zhejiang university's patent licensed to a Zhejiang enterprise
    return activity.deals[0]


@pytest.fixture
def gd_deal(activity):
    return activity.deals[3]


@pytest.fixture
def zju_admin(zj_deal):
    from accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(organisation=zj_deal.university, role=Role.ADMIN)


def propose(client, deal, **data):  # type: ignore[no-untyped-def]
    fields = {"title": "锂电池隔膜许可", "summary": "许可后实现量产。", **data}
    return client.post(reverse("dashboards:case_propose", args=[deal.pk]), fields)


def test_bureau_proposes_university_agrees_bureau_publishes(client, bureau_zj, zju_admin, zj_deal):
    client.force_login(bureau_zj)
    assert propose(client, zj_deal).status_code == 302
    case = TypicalCase.objects.get(deal=zj_deal)
    assert (case.status, case.province_id, case.proposed_by) == ("proposed", "330000", bureau_zj)
    # Not public before it is published.
    client.logout()
    assert client.get(reverse("dashboards:public_case", args=[case.pk])).status_code == 404
    # The bureau cannot publish before the university agrees.
    client.force_login(bureau_zj)
    client.post(reverse("dashboards:case_publish", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED
    client.force_login(zju_admin)
    assert client.post(reverse("dashboards:case_agree", args=[case.pk])).status_code == 302
    client.force_login(bureau_zj)
    client.post(reverse("dashboards:case_publish", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED and case.published_by == bureau_zj
    client.logout()
    listing = client.get(reverse("dashboards:public_cases")).content.decode()
    assert "锂电池隔膜许可" in listing
    detail = client.get(reverse("dashboards:public_case", args=[case.pk]))
    assert detail.status_code == 200 and "许可后实现量产。" in detail.content.decode()


def test_publishing_before_agreement_is_refused_with_the_message(bureau_zj, zj_deal):
    case = cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_zj)
    with pytest.raises(ValidationError) as error:
        cases.publish_case(case=case, by=bureau_zj)
    assert error.value.messages == [
        "A case can be published only after the university has agreed, and only once."
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and case.published_at is None


def test_empty_texts_are_refused_and_nothing_is_written(client, bureau_zj, zj_deal):
    with pytest.raises(ValidationError) as error:
        cases.propose_case(deal=zj_deal, title=" ", summary="", by=bureau_zj)
    assert error.value.message_dict == {
        "title": ["Give the case a title."],
        "summary": ["Describe the case for the public page."],
    }
    client.force_login(bureau_zj)
    assert propose(client, zj_deal, title="").status_code == 200
    assert not TypicalCase.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("title", 200), ("summary", 3000)])
def test_overlong_texts_are_refused_by_the_page_and_the_service(
    client, bureau_zj, zj_deal, field, limit
):
    text = ("许可后实现量产" * limit)[: limit + 1]
    too_long = f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    client.force_login(bureau_zj)
    response = propose(client, zj_deal, **{field: text})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [too_long]}
    texts = {"title": "锂电池隔膜许可", "summary": "许可后实现量产。", field: text}
    with pytest.raises(ValidationError) as error:
        cases.propose_case(deal=zj_deal, by=bureau_zj, **texts)
    assert error.value.message_dict == {field: [too_long]}
    assert not TypicalCase.objects.exists()


def test_a_summary_of_exactly_the_limit_is_kept(client, bureau_zj, zj_deal):
    summary = ("许可后实现量产" * 3000)[:3000]
    client.force_login(bureau_zj)
    assert propose(client, zj_deal, summary=summary).status_code == 302
    assert TypicalCase.objects.get().summary == summary


def test_a_deal_is_proposed_only_once(bureau_zj, zj_deal):
    cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_zj)
    with pytest.raises(ValidationError) as error:
        cases.propose_case(deal=zj_deal, title="t2", summary="s2", by=bureau_zj)
    assert error.value.messages == ["This deal is already a typical case."]
    assert TypicalCase.objects.count() == 1


def test_another_provinces_bureau_gets_404(client, bureau_zj, bureau_gd, zj_deal):
    client.force_login(bureau_gd)
    assert propose(client, zj_deal).status_code == 404
    case = cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_zj)
    for name in ("dashboards:case_agree", "dashboards:case_publish"):
        assert client.post(reverse(name, args=[case.pk])).status_code == 404
    assert "t" not in [c.title for c in cases.cases_for(bureau_gd)]
    # The service refuses too, whoever calls it.
    with pytest.raises(PermissionDenied):
        cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_gd)
    assert TypicalCase.objects.get() == case


def test_bureau_cannot_propose_a_deal_of_another_provinces_patent(client, bureau_zj, gd_deal):
    # Zhejiang's bureau sees this deal (the enterprise is Zhejiang's) but the patent is
    # Guangdong's: only Guangdong's bureau may propose it.
    client.force_login(bureau_zj)
    assert propose(client, gd_deal).status_code == 404
    assert not TypicalCase.objects.exists()


def test_wrong_roles_are_refused(
    client, bureau_zj, univ_a_staff, univ_b_staff, enterprise_user, zj_deal
):
    case = cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_zj)
    # Staff (not the administrator) of the owning university may see but not agree: 403.
    client.force_login(univ_a_staff)
    assert univ_a_staff.organisation_id == zj_deal.university_id
    assert client.post(reverse("dashboards:case_agree", args=[case.pk])).status_code == 403
    assert client.post(reverse("dashboards:case_publish", args=[case.pk])).status_code == 403
    assert propose(client, zj_deal).status_code == 403
    # Another university: not its case.
    client.force_login(univ_b_staff)
    assert client.post(reverse("dashboards:case_agree", args=[case.pk])).status_code == 404
    client.force_login(enterprise_user)
    assert client.get(reverse("dashboards:cases")).status_code == 403
    assert client.post(reverse("dashboards:case_agree", args=[case.pk])).status_code == 404
    # The bureau may not agree in the university's place.
    client.force_login(bureau_zj)
    assert client.post(reverse("dashboards:case_agree", args=[case.pk])).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED


def test_anonymous_is_sent_to_sign_in(client, bureau_zj, zj_deal):
    case = cases.propose_case(deal=zj_deal, title="t", summary="s", by=bureau_zj)
    for url in (
        reverse("dashboards:cases"),
        reverse("dashboards:case_propose", args=[zj_deal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(reverse("dashboards:case_agree", args=[case.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
