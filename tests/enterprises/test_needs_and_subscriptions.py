from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from enterprises import services
from enterprises.models import PatentSubscription, TechnologyNeed, TopicSubscription
from notifications.models import Notification
from patents.models import ChangeSource, PatentChange
from tests.enterprises.factories import LibraryPatentFactory, TechnologyNeedFactory
from tests.forms import rendered_values

pytestmark = pytest.mark.django_db


def test_enterprise_publishes_a_need(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:need_create"),
        {
            "title": "耐高温隔膜",
            "description": "需要150℃不收缩的隔膜工艺。",
            "keywords": "隔膜，耐高温, 锂电池",
            "ipc_codes": "h01m, H01M 50/403",
            "industries": ["38"],
            "preferred_deal_forms": ["transfer", "exclusive_licence"],
            "budget_min": "50",
            "budget_max": "200",
            "status": "open",
        },
    )
    assert response.status_code == 302
    need = TechnologyNeed.objects.get()
    assert need.keywords == ["隔膜", "耐高温", "锂电池"]
    assert need.ipc_codes == ["H01M", "H01M 50/403"]
    assert need.enterprise == enterprise_user.organisation
    assert list(need.industries.values_list("code", flat=True)) == ["38"]


def test_need_with_bad_ipc_and_inverted_budget_is_refused_and_nothing_written(
    client, enterprise_user
):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:need_create"),
        {
            "title": "x",
            "description": "y",
            "ipc_codes": "电池",
            "budget_min": "300",
            "budget_max": "200",
            "status": "open",
        },
    )
    errors = response.context["form"].errors
    assert errors["ipc_codes"] == ["Not IPC codes: 电池"]
    assert errors["budget_max"] == ["The upper end of the budget is below the lower end."]
    assert not TechnologyNeed.objects.exists()


NEED_DESCRIPTION = ("需要150℃不收缩的隔膜工艺" * 400)[:5000]  # the limit


@pytest.mark.parametrize("route", ["page", "api", "service"])
def test_an_overlong_need_description_is_refused_and_nothing_written(
    client, enterprise_user, route
):
    description = NEED_DESCRIPTION + "。"
    too_long = "Ensure this value has at most 5000 characters (it has 5001)."
    client.force_login(enterprise_user)
    need = {"title": "耐高温隔膜", "description": description, "status": "open"}
    if route == "page":
        response = client.post(reverse("enterprises:need_create"), need)
        assert response.context["form"].errors == {"description": [too_long]}
    elif route == "api":
        response = client.post("/api/needs/", need, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {
            "description": ["Ensure this field has no more than 5000 characters."]
        }
    else:
        with pytest.raises(ValidationError) as error:
            services.create_need(
                by=enterprise_user,
                keywords=[],
                ipc_codes=[],
                industries=[],
                preferred_deal_forms=[],
                **need,
            )
        assert error.value.message_dict == {"description": [too_long]}
    assert not TechnologyNeed.objects.exists()


def test_a_need_description_of_exactly_the_limit_is_kept(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:need_create"),
        {"title": "耐高温隔膜", "description": NEED_DESCRIPTION, "status": "open"},
    )
    assert response.status_code == 302
    assert TechnologyNeed.objects.get().description == NEED_DESCRIPTION


def test_needs_are_visible_to_universities_but_not_other_enterprises(
    client, verified_enterprise, enterprise_user, univ_b_staff, other_enterprise_user
):
    need = TechnologyNeedFactory(enterprise=enterprise_user.organisation)
    client.force_login(univ_b_staff)
    assert need.title in client.get(reverse("enterprises:needs")).content.decode()
    assert client.get(f"/api/needs/{need.pk}/").status_code == 200
    client.force_login(other_enterprise_user)
    assert need.title not in client.get(reverse("enterprises:needs")).content.decode()
    assert client.get(f"/api/needs/{need.pk}/").status_code == 404
    assert client.get(reverse("enterprises:need_edit", args=[need.pk])).status_code == 404


def test_university_cannot_edit_needs(client, verified_enterprise, enterprise_user, univ_a_staff):
    need = TechnologyNeedFactory(enterprise=enterprise_user.organisation)
    client.force_login(univ_a_staff)
    assert client.get(reverse("enterprises:need_edit", args=[need.pk])).status_code == 403
    response = client.patch(
        f"/api/needs/{need.pk}/", {"title": "hijack"}, content_type="application/json"
    )
    assert response.status_code == 403
    need.refresh_from_db()
    assert need.title != "hijack"


def test_appraisal_institution_gets_403_on_needs(client):
    from tests.factories import OrganisationFactory, UserFactory

    client.force_login(UserFactory(organisation=OrganisationFactory(kind="appraisal_institution")))
    assert client.get(reverse("enterprises:needs")).status_code == 403


def test_needs_api_creates_and_edits(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/needs/",
        {
            "title": "视觉检测",
            "description": "产线缺陷检测",
            "ipc_codes": ["G06T"],
            "preferred_deal_forms": ["ordinary_licence"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(
        f"/api/needs/{pk}/", {"status": "fulfilled"}, content_type="application/json"
    )
    assert response.json()["status"] == "fulfilled"
    assert TechnologyNeed.objects.get().ipc_codes == ["G06T"]


def test_topic_subscription_finds_new_library_patents_once(client, enterprise_user, library_patent):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:subscriptions"),
        {
            "name": "隔膜",
            "keywords": "隔膜",
            "ipc_subclass": "h01m",
            "frequency": "immediate",
            "by_inbox": "on",
        },
    )
    assert response.status_code == 302
    topic = TopicSubscription.objects.get()
    assert topic.filters == {"ipc_subclass": "H01M"}
    assert not topic.by_email
    fresh = LibraryPatentFactory(organisation=library_patent.organisation, title="新型隔膜涂层")
    LibraryPatentFactory(
        organisation=library_patent.organisation, title="图像识别方法", ipc_subclass="G06T"
    )
    TopicSubscription.objects.update(checked_at=library_patent.updated_at)
    assert services.check_topic_subscriptions() == 1
    assert services.check_topic_subscriptions() == 0
    note = Notification.objects.get(recipient=enterprise_user)
    assert note.event_key == f"topic:{topic.pk}:patent:{fresh.pk}"
    assert note.email_status == "none"  # the topic asked for the inbox only


def test_topic_without_keywords_or_filters_is_refused(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:subscriptions"), {"name": "空", "frequency": "daily", "by_inbox": "on"}
    )
    assert response.context["form"].errors["keywords"] == ["Give keywords or at least one filter."]
    assert not TopicSubscription.objects.exists()


def test_patent_subscription_reports_changes(client, enterprise_user, library_patent):
    client.force_login(enterprise_user)
    client.post(
        reverse("enterprises:subscribe_patent", args=[library_patent.pk]),
        {"frequency": "daily", "by_inbox": "on", "by_email": "on"},
    )
    sub = PatentSubscription.objects.get()
    change = PatentChange.objects.create(
        patent=library_patent, source=ChangeSource.FORM, changes={"title": ["a", "b"]}
    )
    assert services.check_patent_subscriptions() == 1
    note = Notification.objects.get(recipient=enterprise_user)
    assert note.event_key == f"patentsub:{sub.pk}:change:{change.pk}"
    assert (note.email_frequency, note.email_status) == ("daily", "pending")


def test_subscriptions_are_private_and_for_enterprises(
    client, enterprise_user, other_enterprise_user, univ_a_staff
):
    topic = services.save_topic_subscription(
        user=enterprise_user, name="t", keywords="隔膜", filters={}, frequency="daily"
    )
    client.force_login(other_enterprise_user)
    assert client.get(f"/api/subscriptions/{topic.pk}/").status_code == 404
    assert client.post(reverse("enterprises:topic_delete", args=[topic.pk])).status_code == 404
    client.force_login(univ_a_staff)
    assert client.get(reverse("enterprises:subscriptions")).status_code == 403
    response = client.post("/api/subscriptions/", {"name": "x", "keywords": "y"})
    assert response.status_code == 403
    assert TopicSubscription.objects.count() == 1


def test_saving_an_untouched_need_in_chinese_keeps_its_deadline(client, enterprise_user):
    need = TechnologyNeedFactory(
        enterprise=enterprise_user.organisation, deadline=datetime.date(2027, 6, 30)
    )
    client.force_login(enterprise_user)
    url = reverse("enterprises:need_edit", args=[need.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        response = client.post(url, rendered_values(page), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.deadline == datetime.date(2027, 6, 30)


def test_saving_an_untouched_need_keeps_industries_set_through_the_api(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/needs/",
        {"title": "发电机组", "description": "小型发电机组设计", "industries": ["381", "3811"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    need = TechnologyNeed.objects.get()
    url = reverse("enterprises:need_edit", args=[need.pk])
    response = client.post(url, rendered_values(client.get(url).content.decode()))
    assert response.status_code == 302
    assert sorted(need.industries.values_list("code", flat=True)) == ["381", "3811"]


def test_need_form_accepts_any_industry_the_api_accepts(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:need_create"),
        {
            "title": "发电机组",
            "description": "小型发电机组设计",
            "industries": ["3811"],
            "status": "open",
        },
    )
    assert response.status_code == 302
    assert list(TechnologyNeed.objects.get().industries.values_list("code", flat=True)) == ["3811"]


def test_negative_or_oversized_budget_is_refused_by_the_api_and_the_form(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/needs/",
        {"title": "隔膜", "description": "耐高温隔膜", "budget_min": "-5"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"budget_min": ["Ensure this value is greater than or equal to 0."]}
    response = client.post(
        reverse("enterprises:need_create"),
        {"title": "隔膜", "description": "耐高温隔膜", "budget_max": "1e13", "status": "open"},
    )
    assert response.context["form"].errors["budget_max"] == [
        "Ensure that there are no more than 12 digits in total."
    ]
    assert not TechnologyNeed.objects.exists()


def test_lists_on_the_needs_page_are_separated_as_the_readers_language_does(
    client, verified_enterprise, enterprise_user, univ_a_staff
):
    TechnologyNeedFactory(
        enterprise=enterprise_user.organisation,
        keywords=["隔膜", "锂电池"],
        ipc_codes=["H01M", "H01M 50/403"],
    )
    client.force_login(univ_a_staff)
    url = reverse("enterprises:needs")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<td>隔膜、锂电池</td><td>H01M、H01M 50/403</td>" in chinese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>隔膜, 锂电池</td><td>H01M, H01M 50/403</td>" in english


def test_need_edit_form_gives_back_the_keywords_it_shows_and_takes_chinese_separators(
    client, enterprise_user
):
    """The edit form shows keywords joined by ", " in every language: a value to edit, which the
    form splits again on commas of either width and the enumeration comma alike."""
    need = TechnologyNeedFactory(
        enterprise=enterprise_user.organisation,
        keywords=["隔膜", "锂电池"],
        ipc_codes=["H01M", "H01M 50/403"],
    )
    client.force_login(enterprise_user)
    url = reverse("enterprises:need_edit", args=[need.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        values = rendered_values(page)
        assert (values["keywords"], values["ipc_codes"]) == ("隔膜, 锂电池", "H01M, H01M 50/403")
        assert client.post(url, values, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 302
        need.refresh_from_db()
        assert (need.keywords, need.ipc_codes) == (["隔膜", "锂电池"], ["H01M", "H01M 50/403"])
        values.update(keywords="隔膜、锂电池，耐高温", ipc_codes="H01M、H01M 50/403，H01G")
        assert client.post(url, values, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 302
    need.refresh_from_db()
    assert need.keywords == ["隔膜", "锂电池", "耐高温"]
    assert need.ipc_codes == ["H01M", "H01M 50/403", "H01G"]


def test_bad_ipc_codes_are_listed_as_the_readers_language_does(client, enterprise_user):
    client.force_login(enterprise_user)
    data = {"title": "x", "description": "y", "ipc_codes": "电池, 隔膜", "status": "open"}
    with translation.override("zh-hans"):
        response = client.post(
            reverse("enterprises:need_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.context["form"].errors["ipc_codes"] == ["不是有效的 IPC 分类号：电池、隔膜"]
    assert not TechnologyNeed.objects.exists()
