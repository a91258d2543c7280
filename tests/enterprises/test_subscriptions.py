"""Topic subscriptions: what they may filter on, how they read, and that they feed matching."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises import services
from enterprises.models import TopicSubscription
from enterprises.services.subscriptions import topic_matches
from matching.models import MatchRun, RunKind
from matching.profiles import enterprise_profiles
from tests.enterprises.factories import LibraryPatentFactory

pytestmark = pytest.mark.django_db


def _profile_rematches(enterprise) -> int:
    return MatchRun.objects.filter(kind=RunKind.PROFILE, subject_id=enterprise.pk).count()


def test_topic_keywords_and_filters_feed_the_matching_profile(enterprise_user):
    services.save_topic_subscription(
        user=enterprise_user,
        name="隔膜",
        keywords="隔膜，涂覆 隔膜",
        filters={"ipc_subclass": "h01m", "industry": "38", "province": "330000"},
        frequency="daily",
    )
    (profile,) = enterprise_profiles([enterprise_user.organisation_id])
    assert profile["keywords"] == []  # no need of its own: the topic's keywords are the topic's
    assert profile["topics"] == [{"name": "隔膜", "keywords": ["涂覆", "隔膜"]}]
    assert profile["ipc"] == ["H01M"]
    assert profile["industry_codes"] == ["38"]


def test_creating_editing_and_removing_a_topic_rematches_the_profile(
    client, enterprise_user, enterprise
):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/subscriptions/",
        {"name": "隔膜", "keywords": "隔膜", "frequency": "daily"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert _profile_rematches(enterprise) == 1
    pk = response.json()["id"]
    client.patch(f"/api/subscriptions/{pk}/", {"keywords": "涂覆"}, content_type="application/json")
    assert _profile_rematches(enterprise) == 2
    client.post(reverse("enterprises:topic_delete", args=[pk]))
    assert not TopicSubscription.objects.exists()
    assert _profile_rematches(enterprise) == 3


def test_unfollowing_a_patent_rematches_the_profile(
    client, enterprise_user, enterprise, library_patent
):
    sub = services.subscribe_patent(user=enterprise_user, patent=library_patent, frequency="daily")
    client.force_login(enterprise_user)
    client.post(reverse("enterprises:patent_subscription_delete", args=[sub.pk]))
    assert _profile_rematches(enterprise) == 2


@pytest.mark.parametrize(
    ("filters", "errors"),
    [
        ({"province": "zzz"}, {"province": ["Unknown province: zzz."]}),
        ({"province": "330100"}, {"province": ["Unknown province: 330100."]}),
        (
            {"ipc_subclass": "not-an-ipc"},
            {"ipc_subclass": ["Unknown IPC subclass: NOT-AN-IPC."]},
        ),
        ({"industry": "99"}, {"industry": ["Unknown GB/T 4754 industry: 99."]}),
        ({"industry": ["C"]}, {"industry": ["Give one value for this filter."]}),
        ({"patent_type": "poem"}, {"patent_type": ["Unknown patent type: poem."]}),
    ],
)
def test_api_refuses_a_topic_filter_that_can_never_match(client, enterprise_user, filters, errors):
    client.force_login(enterprise_user)
    response = client.post(
        "/api/subscriptions/",
        {"name": "t", "keywords": "隔膜", "filters": filters, "frequency": "daily"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert not TopicSubscription.objects.exists()
    assert not MatchRun.objects.exists()


def test_web_form_shows_an_unknown_ipc_subclass_on_its_field(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        reverse("enterprises:subscriptions"),
        {"name": "t", "ipc_subclass": "Z99Z", "frequency": "daily", "by_inbox": "on"},
    )
    assert response.context["form"].errors["ipc_subclass"] == ["Unknown IPC subclass: Z99Z."]
    assert not TopicSubscription.objects.exists()


def test_topic_on_an_industry_section_finds_its_patents(enterprise_user, zhejiang_university):
    battery = LibraryPatentFactory(organisation=zhejiang_university, industry_id="3841")
    medicine = LibraryPatentFactory(organisation=zhejiang_university, industry_id="2710")
    LibraryPatentFactory(organisation=zhejiang_university, industry_id="6511")  # software, I
    topic = services.save_topic_subscription(
        user=enterprise_user, name="制造", keywords="", filters={"industry": "C"}, frequency="daily"
    )
    assert set(topic_matches(topic)) == {battery, medicine}
    topic = services.save_topic_subscription(
        user=enterprise_user,
        name="电气",
        keywords="",
        filters={"industry": "38"},
        frequency="daily",
    )
    assert list(topic_matches(topic)) == [battery]


def test_subscriptions_page_shows_filters_by_their_names(client, enterprise_user):
    services.save_topic_subscription(
        user=enterprise_user,
        name="浙江电池",
        keywords="隔膜",
        filters={"province": "330000", "industry": "38", "patent_type": "invention"},
        frequency="daily",
    )
    client.force_login(enterprise_user)
    page = client.get(reverse("enterprises:subscriptions")).content.decode()
    assert "province=330000" not in page and "industry=38" not in page
    assert "Owner&#x27;s province: Zhejiang" in page
    assert "Industry: 38 电气机械和器材制造业" in page
    assert "Patent type: Invention" in page


def test_topic_name_is_not_translated_as_a_persons_name(client, enterprise_user):
    client.force_login(enterprise_user)
    with translation.override("zh-hans"):
        page = client.get(
            reverse("enterprises:subscriptions"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "姓名" not in page
