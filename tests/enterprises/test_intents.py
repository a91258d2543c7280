from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enterprises import services
from enterprises.models import CooperationIntent, Deal, IntentStatus
from enterprises.services import intents as intent_services
from notifications.models import Notification
from tests.enterprises.factories import IntentFactory

pytestmark = pytest.mark.django_db

NOT_VERIFIED = (
    "Your enterprise has not been verified by its provincial IP bureau yet, so it cannot "
    "declare cooperation intents."
)


def _declare(client, patent, **data):
    payload = {"kinds": ["licence", "joint_research"], "message": "希望洽谈许可。"}
    payload.update(data)
    return client.post(reverse("enterprises:declare_intent", args=[patent.pk]), payload)


def test_verified_enterprise_declares_and_owning_staff_are_notified(
    client,
    verified_enterprise,
    enterprise_user,
    library_patent,
    univ_a_staff,
    univ_a_admin,
    college_staff,
    inventor,
    univ_b_staff,
    settings,
):
    settings.INTENT_ANSWER_WORKING_DAYS = 10
    client.force_login(enterprise_user)
    response = _declare(client, library_patent)
    intent = CooperationIntent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:intent_detail", args=[intent.pk])
    assert intent.kinds == ["licence", "joint_research"]
    assert intent.status == IntentStatus.DECLARED
    assert intent.answer_due == intent_services.answer_due_for(intent.declared_at.date())
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"alice", "anna", "cora"}  # not the inventor, not university B


def test_unverified_enterprise_is_refused_with_message_and_nothing_written(
    client, pending_enterprise_user, library_patent
):
    client.force_login(pending_enterprise_user)
    page = client.get(reverse("enterprises:declare_intent", args=[library_patent.pk]))
    assert page.status_code == 403
    assert NOT_VERIFIED in page.content.decode()
    response = _declare(client, library_patent)
    assert response.status_code == 403
    assert not CooperationIntent.objects.exists()
    assert not Notification.objects.exists()


def test_unverified_enterprise_is_refused_by_the_api(
    client, pending_enterprise_user, library_patent
):
    client.force_login(pending_enterprise_user)
    response = client.post(
        "/api/intents/",
        {"patent": library_patent.pk, "kinds": ["licence"], "message": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": NOT_VERIFIED}
    assert not CooperationIntent.objects.exists()


def test_overlong_message_is_refused_by_the_form_and_the_api(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    response = _declare(client, library_patent, message="长" * 2001)
    assert response.context["form"].errors["message"] == [
        "Ensure this value has at most 2000 characters (it has 2001)."
    ]
    response = client.post(
        "/api/intents/",
        {"patent": library_patent.pk, "kinds": ["licence"], "message": "长" * 2001},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"message": ["Ensure this field has no more than 2000 characters."]}
    assert not CooperationIntent.objects.exists()


def test_university_cannot_declare_intents(client, univ_a_staff, library_patent):
    client.force_login(univ_a_staff)
    response = _declare(client, library_patent)
    assert response.status_code == 403
    assert "Only enterprises can declare cooperation intents." in response.content.decode()
    assert not CooperationIntent.objects.exists()


def test_intent_without_kind_or_message_is_refused_and_nothing_written(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    response = _declare(client, library_patent, kinds=[], message=" ")
    form = response.context["form"]
    assert form.errors["kinds"] == ["Choose at least one kind of cooperation."]
    assert form.errors["message"] == ["Write a message to the university."]
    assert not CooperationIntent.objects.exists()
    assert not Notification.objects.exists()


def test_patent_outside_the_library_is_404(
    client, verified_enterprise, enterprise_user, library_patent
):
    library_patent.review_status = "university_review"
    library_patent.save()
    client.force_login(enterprise_user)
    assert _declare(client, library_patent).status_code == 404


def test_second_open_intent_on_the_same_patent_is_refused(
    client, verified_enterprise, enterprise_user, library_patent
):
    client.force_login(enterprise_user)
    _declare(client, library_patent)
    response = _declare(client, library_patent)
    assert response.context["form"].non_field_errors() == [
        "Your enterprise already has an open intent on this patent."
    ]
    assert CooperationIntent.objects.count() == 1


@pytest.fixture
def intent(verified_enterprise, enterprise_user, library_patent):
    return services.declare_intent(
        patent=library_patent, kinds=["transfer"], message="想受让", by=enterprise_user
    )


def test_university_accepts_and_contacts_are_exchanged(
    client, intent, univ_a_staff, enterprise_user
):
    client.force_login(enterprise_user)
    before = client.get(reverse("enterprises:intent_detail", args=[intent.pk])).content.decode()
    assert "0571-87950000" not in before  # university's contact hidden until accepted
    client.force_login(univ_a_staff)
    before = client.get(reverse("enterprises:intent_detail", args=[intent.pk])).content.decode()
    assert "0571-88888888" not in before
    response = client.post(reverse("enterprises:intent_step", args=[intent.pk, "accept"]))
    assert response.status_code == 302
    intent.refresh_from_db()
    assert intent.status == IntentStatus.ACCEPTED and intent.accepted_at is not None
    assert intent.answered_by == univ_a_staff
    page = client.get(reverse("enterprises:intent_detail", args=[intent.pk])).content.decode()
    assert "0571-88888888" in page  # the enterprise's phone
    client.force_login(enterprise_user)
    page = client.get(reverse("enterprises:intent_detail", args=[intent.pk])).content.decode()
    assert "0571-87950000" in page  # the university's contact
    assert Notification.objects.filter(
        recipient=enterprise_user, event_key=f"intent:{intent.pk}:accepted"
    ).exists()
    assert Notification.objects.filter(
        recipient=univ_a_staff, event_key=f"intent:{intent.pk}:accepted"
    ).exists()


def test_decline_needs_a_reason(client, intent, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("enterprises:intent_step", args=[intent.pk, "decline"]), {"reason": ""}, follow=True
    )
    assert response.context["decline_form"].errors["reason"] == ["Give a reason for declining."]
    assert "Give a reason for declining." in response.content.decode()
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED and intent.declined_at is None


@pytest.mark.parametrize(
    ("step", "party", "field"),
    [("decline", "univ_a_staff", "decline_reason"), ("close", "enterprise_user", "close_reason")],
)
def test_overlong_reason_is_refused_on_its_field_and_by_the_api(
    client, intent, request, step, party, field
):
    client.force_login(request.getfixturevalue(party))
    reason = "已许可他人" * 100 + "。"  # 501 characters
    response = client.post(
        reverse("enterprises:intent_step", args=[intent.pk, step]), {"reason": reason}
    )
    assert response.status_code == 200
    too_long = "Ensure this value has at most 500 characters (it has 501)."
    assert response.context[f"{step}_form"].errors["reason"] == [too_long]
    page = response.content.decode()
    assert too_long in page
    assert f'value="{reason}"' in page  # what was typed is kept, to be shortened
    response = client.post(
        f"/api/intents/{intent.pk}/{step}/", {"reason": reason}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Ensure this field has no more than 500 characters."]}
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED and getattr(intent, field) == ""
    assert not Notification.objects.filter(kind__in=["intent_declined", "intent_closed"]).exists()


def test_a_reason_of_the_full_length_is_kept(client, intent, univ_a_staff):
    client.force_login(univ_a_staff)
    reason = "已许可他人" * 100
    response = client.post(
        f"/api/intents/{intent.pk}/decline/", {"reason": reason}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["decline_reason"] == reason


def test_services_refuse_overlong_text_whoever_calls_them(intent, univ_a_staff, enterprise_user):
    """The form and the API check the limits first; a caller that skips them (a command, another
    service) is refused by the service all the same, and nothing is written."""
    with pytest.raises(ValidationError) as error:
        services.decline_intent(intent=intent, by=univ_a_staff, reason="长" * 501)
    assert error.value.message_dict == {
        "reason": ["Ensure this value has at most 500 characters (it has 501)."]
    }
    with pytest.raises(ValidationError) as error:
        services.close_intent(intent=intent, by=enterprise_user, reason="长" * 501)
    assert error.value.message_dict == {
        "reason": ["Ensure this value has at most 500 characters (it has 501)."]
    }
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED
    with pytest.raises(ValidationError) as error:
        services.declare_intent(
            patent=intent.patent, kinds=["licence"], message="长" * 2001, by=enterprise_user
        )
    assert error.value.message_dict == {
        "message": ["Ensure this value has at most 2000 characters (it has 2001)."]
    }
    assert CooperationIntent.objects.count() == 1


def test_declining_an_intent_answered_meanwhile_says_so(client, accepted, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("enterprises:intent_step", args=[accepted.pk, "decline"]),
        {"reason": "已许可他人"},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("enterprises:intent_detail", args=[accepted.pk]), 302)
    ]
    assert "Only a declared intent can be accepted or declined." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == IntentStatus.ACCEPTED


def test_decline_with_reason_notifies_the_enterprise(client, intent, univ_a_staff, enterprise_user):
    client.force_login(univ_a_staff)
    client.post(
        reverse("enterprises:intent_step", args=[intent.pk, "decline"]), {"reason": "已许可他人"}
    )
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLINED and intent.decline_reason == "已许可他人"
    note = Notification.objects.get(recipient=enterprise_user, kind="intent_declined")
    assert note.title_text == "浙江测试大学 declined the intent: 已许可他人"


def test_enterprise_cannot_answer_its_own_intent(client, intent, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("enterprises:intent_step", args=[intent.pk, "accept"]))
    assert response.status_code == 403
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED


def test_other_university_and_other_enterprise_get_404(
    client, intent, univ_b_staff, other_enterprise_user
):
    for user in (univ_b_staff, other_enterprise_user):
        client.force_login(user)
        assert client.get(reverse("enterprises:intent_detail", args=[intent.pk])).status_code == 404
        step = reverse("enterprises:intent_step", args=[intent.pk, "accept"])
        assert client.post(step).status_code == 404
        assert client.get(f"/api/intents/{intent.pk}/").status_code == 404
        assert client.post(f"/api/intents/{intent.pk}/accept/").status_code == 404
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED


def test_inventor_sees_no_intents(client, intent, inventor):
    client.force_login(inventor)
    assert client.get(reverse("enterprises:intent_detail", args=[intent.pk])).status_code == 404


def test_college_staff_of_another_college_gets_404(client, intent, zhejiang_university):
    from tests.factories import DepartmentFactory, UserFactory

    other = UserFactory(
        organisation=zhejiang_university,
        role="college_staff",
        department=DepartmentFactory(organisation=zhejiang_university, name="医学院"),
    )
    client.force_login(other)
    assert client.get(reverse("enterprises:intent_detail", args=[intent.pk])).status_code == 404


def test_bureau_sees_but_cannot_answer(client, intent, bureau_zj):
    client.force_login(bureau_zj)
    assert client.get(reverse("enterprises:intent_detail", args=[intent.pk])).status_code == 200
    assert client.post(f"/api/intents/{intent.pk}/accept/").status_code == 403


@pytest.mark.parametrize("step", ["decline", "close"])
@pytest.mark.parametrize("reason", ["", "太长" * 300])
def test_who_may_not_decline_or_close_is_refused_whatever_the_reason(
    client, intent, bureau_zj, step, reason
):
    """The refusal does not depend on what was typed: an empty or over-long reason from the
    bureau gets the same 403, not the form back with a length error."""
    client.force_login(bureau_zj)
    url = reverse("enterprises:intent_step", args=[intent.pk, step])
    assert client.post(url, {"reason": reason}).status_code == 403
    intent.refresh_from_db()
    assert intent.status == IntentStatus.DECLARED


def test_full_flow_through_the_api(client, intent, univ_a_staff, enterprise_user):
    client.force_login(univ_a_staff)
    assert client.post(f"/api/intents/{intent.pk}/accept/").json()["status"] == "accepted"
    assert client.post(f"/api/intents/{intent.pk}/negotiate/").json()["status"] == "negotiating"
    client.force_login(enterprise_user)
    response = client.post(
        f"/api/intents/{intent.pk}/sign/",
        {
            "kind": "transfer",
            "contract_date": timezone.localdate().isoformat(),
            "amount": "500000.00",
            "registration_no": "ZL-2026-330000-0001",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    deal = Deal.objects.get()
    assert deal.intent == intent and deal.university == intent.patent.organisation
    assert deal.amount == 500000
    intent.refresh_from_db()
    assert intent.status == IntentStatus.SIGNED and intent.signed_at is not None
    assert intent.negotiating_at is not None
    assert client.get("/api/deals/").json()["results"][0]["registration_no"] == (
        "ZL-2026-330000-0001"
    )


def test_licence_deal_without_licence_type_is_refused_and_nothing_written(
    client, intent, univ_a_staff
):
    client.force_login(univ_a_staff)
    client.post(f"/api/intents/{intent.pk}/accept/")
    response = client.post(
        f"/api/intents/{intent.pk}/sign/",
        {"kind": "licence", "contract_date": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"licence_type": ["Choose exclusive, ordinary or open licence."]}
    assert not Deal.objects.exists()
    intent.refresh_from_db()
    assert intent.status == IntentStatus.ACCEPTED


@pytest.fixture
def accepted(intent, univ_a_staff):
    return services.accept_intent(intent=intent, by=univ_a_staff)


def _sign(client, intent, **data):
    payload = {"kind": "transfer", "contract_date": timezone.localdate().isoformat(), **data}
    return client.post(f"/api/intents/{intent.pk}/sign/", payload, content_type="application/json")


def test_contract_dated_before_the_intent_is_refused(client, accepted, enterprise_user):
    client.force_login(enterprise_user)
    declared = timezone.localdate(accepted.declared_at)
    response = _sign(client, accepted, contract_date="1800-01-01")
    assert response.status_code == 400
    assert response.json() == {
        "contract_date": [
            f"The contract date cannot be before the intent was declared ({declared.isoformat()})."
        ]
    }
    assert not Deal.objects.exists()


def test_overlong_registration_number_is_refused(client, accepted, enterprise_user):
    client.force_login(enterprise_user)
    response = _sign(client, accepted, registration_no="9" * 51)
    assert response.status_code == 400
    assert response.json() == {
        "registration_no": ["Ensure this field has no more than 50 characters."]
    }
    assert not Deal.objects.exists()


def test_amount_beyond_the_stored_digits_is_refused_on_the_page_and_the_api(
    client, accepted, enterprise_user
):
    client.force_login(enterprise_user)
    response = _sign(client, accepted, amount="1e15")
    assert response.status_code == 400
    assert response.json() == {"amount": ["Ensure that there are no more than 14 digits in total."]}
    response = client.post(
        reverse("enterprises:intent_step", args=[accepted.pk, "sign"]),
        {"kind": "transfer", "contract_date": timezone.localdate().isoformat(), "amount": "1e15"},
        follow=True,
    )
    assert "Ensure that there are no more than 14 digits in total." in response.content.decode()
    assert not Deal.objects.exists()
    accepted.refresh_from_db()
    assert accepted.status == IntentStatus.ACCEPTED


def test_deal_cannot_be_recorded_before_acceptance(client, intent, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(
        f"/api/intents/{intent.pk}/sign/",
        {"kind": "transfer", "contract_date": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == ["Only an accepted or negotiating intent can be signed."]
    assert not Deal.objects.exists()


def test_enterprise_withdraws_its_intent(client, intent, enterprise_user):
    client.force_login(enterprise_user)
    client.post(reverse("enterprises:intent_step", args=[intent.pk, "close"]), {"reason": "撤回"})
    intent.refresh_from_db()
    assert intent.status == IntentStatus.CLOSED and intent.close_reason == "撤回"


def test_anonymous_is_refused_everywhere(client, intent):
    # SessionAuthentication comes first, so DRF answers 403 (no WWW-Authenticate challenge).
    assert client.get("/api/intents/").status_code == 403
    response = client.get(reverse("enterprises:intents"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_intent_list_is_scoped(client, intent, univ_b_staff, univ_a_staff):
    IntentFactory()  # someone else's
    client.force_login(univ_a_staff)
    assert [row["id"] for row in client.get("/api/intents/").json()["results"]] == [intent.pk]
    client.force_login(univ_b_staff)
    assert client.get("/api/intents/").json()["results"] == []


def test_overdue_flag_is_computed_from_the_due_day(intent):
    assert not intent.is_overdue(intent.answer_due)
    assert intent.is_overdue(intent.answer_due + datetime.timedelta(days=1))


def test_kinds_of_an_intent_are_listed_as_the_readers_language_does(
    client, verified_enterprise, enterprise_user, library_patent
):
    intent = services.declare_intent(
        patent=library_patent,
        kinds=["licence", "joint_research"],
        message="希望洽谈许可。",
        by=enterprise_user,
    )
    client.force_login(enterprise_user)
    for url in (
        reverse("enterprises:intents"),
        reverse("enterprises:intent_detail", args=[intent.pk]),
    ):
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "许可、联合研发" in chinese, url
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Licence, Joint research" in english, url
