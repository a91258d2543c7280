from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.models import User
from notifications import selectors, services
from notifications.forms import PreferenceForm


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rows = selectors.notifications_for(user)
    show = request.GET.get("show", "all")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    form = PreferenceForm(
        initial={"email_frequency": services.preference_for(user).email_frequency}
    )
    return render(
        request, "notifications/inbox.html", {"page": page, "show": show, "preference_form": form}
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the link to the subject."""
    user: User = request.user  # type: ignore[assignment]
    notification = get_object_or_404(selectors.notifications_for(user), pk=pk)
    services.mark_read(notification=notification, user=user)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_email_frequency(
            user=request.user,  # type: ignore[arg-type]
            frequency=form.cleaned_data["email_frequency"],
        )
        messages.success(request, _("Your e-mail preference is saved."))
    else:
        messages.error(request, _("Choose how often to receive e-mail."))
    return redirect("notifications:inbox")


@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers, without a session or token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (link scanners must not unsubscribe anyone); POST, from
    that button or a mail provider's one-click, unsubscribes."""
    try:
        user, scope = services.read_unsubscribe_token(token)
    except ValidationError as exc:
        return render(
            request, "notifications/unsubscribe.html", {"error": exc.messages[0]}, status=400
        )
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"done": done, "scope": scope, "email": user.email, "token": token},
    )
