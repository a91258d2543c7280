from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop, override

from notifications import services, tasks
from notifications.models import EmailStatus, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(users, key="test:1", **kwargs):
    return services.notify(
        recipients=users,
        kind="test",
        event_key=key,
        title=gettext_noop("%(enterprise)s declared an intent on %(patent)s"),
        params={"enterprise": "测试企业", "patent": "隔膜"},
        link="/enterprises/intents/",
        **kwargs,
    )


def test_same_event_is_recorded_and_mailed_once(univ_a_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_notify([univ_a_staff])) == 1
        assert _notify([univ_a_staff]) == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "测试企业 declared an intent on 隔膜"
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_delivery_task_run_twice_sends_once(univ_a_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = _notify([univ_a_staff])
    assert tasks.deliver_email(note.pk) is False  # already sent by the on-commit run
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENT and note.emailed_at is not None


def test_notification_renders_in_the_readers_language(univ_a_staff):
    (note,) = _notify([univ_a_staff], email=False)
    with override("zh-hans"):
        assert "测试企业" in note.title_text and "declared" not in note.title_text


def test_digest_users_get_one_mail_with_all_pending(univ_a_staff):
    services.set_email_frequency(user=univ_a_staff, frequency="daily")
    _notify([univ_a_staff], key="a")
    _notify([univ_a_staff], key="b")
    assert mail.outbox == []
    assert tasks.send_digests("daily") == 1
    assert tasks.send_digests("daily") == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Panhuo: 2 new notifications"
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"sent"}


def test_users_without_email_or_unsubscribed_get_inbox_only(univ_a_staff):
    no_mail = UserFactory(email=None, organisation=univ_a_staff.organisation)
    services.set_email_frequency(user=univ_a_staff, frequency="never")
    _notify([univ_a_staff, no_mail])
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"none"}
    assert mail.outbox == []


def test_inbox_lists_own_notifications_with_unread_badge(client, univ_a_staff, univ_b_staff):
    _notify([univ_a_staff, univ_b_staff])
    _notify([univ_a_staff], key="test:2")
    client.force_login(univ_a_staff)
    response = client.get(reverse("notifications:inbox"))
    assert len(response.context["page"]) == 2
    assert (
        '<span class="badge bg-warning text-dark" data-testid="nav-badge-notifications:inbox">2'
        in (response.content.decode())
    )


def test_opening_marks_read_and_follows_the_link(client, univ_a_staff):
    (note,) = _notify([univ_a_staff])
    client.force_login(univ_a_staff)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == "/enterprises/intents/"
    note.refresh_from_db()
    assert note.read_at is not None
    unread = client.get(reverse("notifications:inbox") + "?show=unread")
    assert len(unread.context["page"]) == 0


def test_someone_elses_notification_is_404(client, univ_a_staff, univ_b_staff):
    (note,) = _notify([univ_a_staff])
    client.force_login(univ_b_staff)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.get(f"/api/notifications/{note.pk}/").status_code == 404
    assert client.post(f"/api/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_api_lists_unread_and_marks_all_read(client, univ_a_staff):
    _notify([univ_a_staff])
    _notify([univ_a_staff], key="test:2")
    client.force_login(univ_a_staff)
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 2}
    assert len(client.get("/api/notifications/?unread=true").json()["results"]) == 2
    assert client.post("/api/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 0}


def test_anonymous_is_refused(client):
    assert client.get("/api/notifications/").status_code == 403
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_one_click_unsubscribe_stops_email(client, univ_a_staff):
    token = services.unsubscribe_token(user=univ_a_staff)
    url = reverse("notifications:unsubscribe", args=[token])
    assert client.get(url).status_code == 200  # a link scanner's GET changes nothing
    assert services.preference_for(univ_a_staff).email_frequency == "immediate"
    response = client.post(url)  # RFC 8058 one-click, no session, no CSRF token
    assert response.status_code == 200
    assert services.preference_for(univ_a_staff).email_frequency == "never"


def test_unsubscribe_from_one_topic_leaves_other_email(client, enterprise_user):
    from enterprises import services as enterprise_services

    topic = enterprise_services.save_topic_subscription(
        user=enterprise_user, name="t", keywords="隔膜", filters={}, frequency="daily"
    )
    token = services.unsubscribe_token(user=enterprise_user, scope=f"topic:{topic.pk}")
    client.post(reverse("notifications:unsubscribe", args=[token]))
    topic.refresh_from_db()
    assert topic.by_email is False
    assert services.preference_for(enterprise_user).email_frequency == "immediate"


def test_forged_unsubscribe_link_is_refused(client, univ_a_staff):
    token = services.unsubscribe_token(user=univ_a_staff) + "x"
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This unsubscribe link is not valid." in response.content.decode()
    assert services.preference_for(univ_a_staff).email_frequency == "immediate"


def test_preference_form_rejects_unknown_choice(client, univ_a_staff):
    client.force_login(univ_a_staff)
    response = client.post(
        reverse("notifications:preferences"), {"email_frequency": "hourly"}, follow=True
    )
    assert "Choose how often to receive e-mail." in response.content.decode()
    assert services.preference_for(univ_a_staff).email_frequency == "immediate"


def test_email_goes_out_in_the_language_the_user_last_used(
    client, univ_a_staff, django_capture_on_commit_callbacks
):
    client.force_login(univ_a_staff)
    client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    univ_a_staff.refresh_from_db()
    assert univ_a_staff.language == "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        _notify([univ_a_staff])
    (message,) = mail.outbox
    assert "测试企业" in message.subject and "declared" not in message.subject


def test_a_resent_email_carries_the_same_message_id(
    univ_a_staff, django_capture_on_commit_callbacks
):
    """A worker that died after the mail server accepted the message resends it after the stale
    claim expires; the identical Message-ID lets mail systems drop the duplicate."""
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = _notify([univ_a_staff])
    Notification.objects.filter(pk=note.pk).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=timezone.now() - services.STALE_CLAIM * 2,
    )
    assert tasks.deliver_email(note.pk) is True
    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    (other,) = _notify([univ_a_staff], key="test:2", email=False)
    assert services._message_id(univ_a_staff, [other]) != first.extra_headers["Message-ID"]
