"""HTML views: validate, call one service or selector, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgKind, User
from enterprises import forms, selectors, services
from enterprises.models import CooperationIntent, IntentStatus, TechnologyNeed, Verification
from enterprises.services.intents import ensure_may_declare
from patents.selectors import library_for


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_enterprise(user: User) -> None:
    if user.org_kind != OrgKind.ENTERPRISE:
        raise PermissionDenied


def _apply(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (field errors where the field exists)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def register(request: HttpRequest) -> HttpResponse:
    """Public sign-up: the enterprise, its profile (pending) and its first admin."""
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile = services.register_enterprise(**data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            login(request, profile.organisation.members.get())
            messages.success(
                request,
                _("Registered. Your provincial IP bureau will verify your enterprise."),
            )
            return redirect("home")
    return render(request, "enterprises/register.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_enterprise(user)
    enterprise = get_object_or_404(selectors.profiles_for(user), organisation=user.organisation)
    initial = {
        "industries": enterprise.industries.all(),
        "size": enterprise.size,
        "tags": enterprise.tags,
        "description": enterprise.description,
        "contact_name": enterprise.contact_name,
        "contact_phone": enterprise.contact_phone,
        "contact_email": enterprise.contact_email,
        "show_as_likely_taker": enterprise.show_as_likely_taker,
    }
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not user.is_org_admin:
            raise PermissionDenied
        if form.is_valid():
            services.update_profile(profile=enterprise, by=user, **form.cleaned_data)
            messages.success(request, _("Profile saved."))
            return redirect("enterprises:profile")
    return render(request, "enterprises/profile.html", {"form": form, "profile": enterprise})


@login_required
def verification(request: HttpRequest) -> HttpResponse:
    """The provincial bureau's list of registrations to verify."""
    user = _user(request)
    if not (user.is_bureau or user.is_national):
        raise PermissionDenied
    profiles = selectors.profiles_for(user).prefetch_related("industries")
    return render(
        request,
        "enterprises/verification.html",
        {
            "pending": profiles.filter(verification_status=Verification.PENDING),
            "decided": profiles.exclude(verification_status=Verification.PENDING)[:50],
            "reason_field": forms.VerificationForm().fields["reason"],
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = get_object_or_404(selectors.profiles_for(user), pk=pk)
    form = forms.VerificationForm(request.POST)
    if not form.is_valid():
        # The page lists every pending registration, each with its own small form: what was
        # wrong is said in a message above the list.
        if "decision" in form.errors:
            messages.error(request, _("Choose to verify or reject."))
        else:
            messages.error(request, " ".join(map(str, form.errors["reason"])))
        return redirect("enterprises:verification")
    try:
        services.verify_enterprise(
            profile=enterprise,
            by=user,
            approve=form.cleaned_data["decision"] == "verify",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded for %(name)s.") % {"name": enterprise})
    return redirect("enterprises:verification")


# --- needs ----------------------------------------------------------------------------------


@login_required
def needs(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.needs_for(user).prefetch_related("industries")
    can_publish = user.org_kind == OrgKind.ENTERPRISE
    readers = {*selectors.NEED_READERS, OrgKind.ENTERPRISE, OrgKind.IP_BUREAU}
    if user.org_kind not in readers and not user.is_national:
        raise PermissionDenied
    return render(request, "enterprises/needs.html", {"needs": rows, "can_publish": can_publish})


@login_required
def need_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    _require_enterprise(user)
    need: TechnologyNeed | None = None
    initial: dict[str, Any] = {}
    if pk is not None:
        need = get_object_or_404(
            selectors.needs_for(user).filter(enterprise_id=user.organisation_id), pk=pk
        )
        initial = {
            "title": need.title,
            "description": need.description,
            "keywords": ", ".join(need.keywords),
            "ipc_codes": ", ".join(need.ipc_codes),
            "industries": need.industries.all(),
            "preferred_deal_forms": need.preferred_deal_forms,
            "budget_min": need.budget_min,
            "budget_max": need.budget_max,
            "region_preference": need.region_preference,
            "deadline": need.deadline,
            "status": need.status,
        }
    form = forms.NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if need is None:
                services.create_need(by=user, **form.cleaned_data)
            else:
                services.update_need(need=need, by=user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Need saved."))
            return redirect("enterprises:needs")
    return render(request, "enterprises/need_form.html", {"form": form, "need": need})


# --- subscriptions --------------------------------------------------------------------------


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_enterprise(user)
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_topic_subscription(
                user=user,
                name=data["name"],
                keywords=data["keywords"],
                filters=form.filters(),
                frequency=data["frequency"],
                by_inbox=data["by_inbox"],
                by_email=data["by_email"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("enterprises:subscriptions")
    context = {
        "form": form,
        "topics": selectors.with_filter_labels(selectors.topic_subscriptions_for(user)),
        "patent_subscriptions": selectors.patent_subscriptions_for(user),
    }
    return render(request, "enterprises/subscriptions.html", context)


@login_required
@require_POST
def unsubscribe_topic(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    topic = get_object_or_404(selectors.topic_subscriptions_for(user), pk=pk)
    services.delete_subscription(subscription=topic, user=user)
    messages.success(request, _("Subscription removed."))
    return redirect("enterprises:subscriptions")


@login_required
@require_POST
def unsubscribe_patent(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    sub = get_object_or_404(selectors.patent_subscriptions_for(user), pk=pk)
    services.delete_subscription(subscription=sub, user=user)
    messages.success(request, _("Subscription removed."))
    return redirect("enterprises:subscriptions")


# --- a library patent from the enterprise's side ---------------------------------------------


@login_required
def patent(request: HttpRequest, pk: int) -> HttpResponse:
    """A library patent with the enterprise's actions (also included on the library page)."""
    user = _user(request)
    item = get_object_or_404(library_for(user).select_related("organisation"), pk=pk)
    return render(request, "enterprises/patent.html", {"patent": item})


@login_required
@require_POST
def subscribe_patent(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(library_for(user), pk=pk)
    form = forms.PatentSubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how often to hear about it."))
        return redirect("enterprises:patent", pk=pk)
    try:
        services.subscribe_patent(user=user, patent=item, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You follow this patent."))
    return redirect("enterprises:patent", pk=pk)


@login_required
def declare_intent(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(library_for(user).select_related("organisation"), pk=pk)
    try:
        ensure_may_declare(user)
    except PermissionDenied as exc:
        return render(
            request, "enterprises/refused.html", {"reason": str(exc), "patent": item}, status=403
        )
    # Say which kinds an earlier deal rules out before the enterprise picks one.
    ruled_out, why = services.ruled_out_intent_kinds(patent=item, by=user)
    form = forms.IntentForm(request.POST or None, ruled_out=ruled_out, why=why)
    if request.method == "POST" and form.is_valid():
        try:
            intent = services.declare_intent(patent=item, by=user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, _("Intent sent to %(university)s.") % {"university": item.organisation}
            )
            return redirect("enterprises:intent_detail", pk=intent.pk)
    return render(request, "enterprises/intent_form.html", {"form": form, "patent": item})


@login_required
@require_POST
def accept_open_licence(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(library_for(user), pk=pk)
    try:
        services.accept_open_licence(patent=item, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("enterprises:patent", pk=pk)
    messages.success(request, _("Open licence taken on the published terms."))
    return redirect("enterprises:deals")


@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(library_for(user), pk=pk)
    try:
        # Say so before showing a form that would be refused on Save.
        services.ensure_may_rate(by=user, patent=item)
    except PermissionDenied as exc:
        context = {"reason": str(exc), "patent": item}
        return render(request, "enterprises/refused.html", context, status=403)
    existing = selectors.ratings_for(user).filter(patent=item).first()
    initial = (
        {"score": existing.score, "reasons": existing.reasons, "comment": existing.comment}
        if existing
        else {}
    )
    form = forms.RatingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_prospects(patent=item, by=user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Rating saved."))
            return redirect("enterprises:patent", pk=pk)
    return render(request, "enterprises/rating_form.html", {"form": form, "patent": item})


# --- intents ------------------------------------------------------------------------------


@login_required
def intents(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = selectors.intents_for(user)
    status = request.GET.get("status", "")
    if status in IntentStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "enterprises/intents.html",
        {"intents": rows[:200], "status": status, "statuses": IntentStatus.choices},
    )


@login_required
def intent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intent = get_object_or_404(selectors.intents_for(_user(request)), pk=pk)
    return _intent_page(request, intent)


def _intent_page(
    request: HttpRequest, intent: CooperationIntent, **bound_forms: Form
) -> HttpResponse:
    """The intent, and the forms of its next steps: blank, or as submitted with their errors."""
    user = _user(request)
    context = {
        "intent": intent,
        "is_enterprise": user.organisation_id == intent.enterprise_id,
        "may_answer": services.may_answer(user, intent),
        "enterprise_profile": getattr(intent.enterprise, "enterprise_profile", None),
        "decline_form": forms.DeclineForm(),
        "close_form": forms.CloseForm(),
        "deal_form": forms.DealRecordForm(),
        "deal": getattr(intent, "deal", None),
        # After a hand-over no deal can be recorded: say so instead of a form that is refused.
        "handed_over": services.handed_over_notice(intent.patent),
        **bound_forms,
    }
    return render(request, "enterprises/intent_detail.html", context)


#: The steps that take a reason: the form that reads it and the service that takes it.
#: step -> (its form, its service, who may take it: checked before the form, so a refusal is
#: a 403 whatever was typed)
REASON_STEPS: dict[
    str, tuple[type[Form], Callable[..., CooperationIntent], Callable[..., None]]
] = {
    "decline": (forms.DeclineForm, services.decline_intent, services.ensure_answerer),
    "close": (forms.CloseForm, services.close_intent, services.ensure_party),
}


@login_required
@require_POST
def intent_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One transition of an intent: accept, decline, negotiate, close or sign."""
    user = _user(request)
    intent = get_object_or_404(selectors.intents_for(user), pk=pk)
    if step in REASON_STEPS:
        return _step_with_reason(request, intent, step)
    if step == "sign":
        return _sign(request, intent)
    try:
        if step == "accept":
            services.accept_intent(intent=intent, by=user)
        elif step == "negotiate":
            services.start_negotiation(intent=intent, by=user)
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Intent updated."))
    return redirect("enterprises:intent_detail", pk=pk)


def _step_with_reason(request: HttpRequest, intent: CooperationIntent, step: str) -> HttpResponse:
    """Decline or close, with the reason given; who may do it is checked before the reason."""
    form_class, service, ensure_may = REASON_STEPS[step]
    ensure_may(_user(request), intent)
    return _step_with_form(
        request,
        intent,
        f"{step}_form",
        form_class(request.POST),
        lambda data: service(intent=intent, by=_user(request), reason=data["reason"]),
    )


def _sign(request: HttpRequest, intent: CooperationIntent) -> HttpResponse:
    """Record the signed deal: a deal an earlier one rules out is refused on its field."""
    return _step_with_form(
        request,
        intent,
        "deal_form",
        forms.DealRecordForm(request.POST),
        lambda data: services.record_deal(intent=intent, by=_user(request), **data),
    )


def _step_with_form(
    request: HttpRequest,
    intent: CooperationIntent,
    form_name: str,
    form: Form,
    run: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """A step that takes a form. A refused field is shown on the form, with what was typed; a
    refused step (the intent moved on meanwhile) is said in a message, as for the other steps."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, " ".join(exc.messages))
                return redirect("enterprises:intent_detail", pk=intent.pk)
            _apply(form, exc)
        else:
            messages.success(request, _("Intent updated."))
            return redirect("enterprises:intent_detail", pk=intent.pk)
    return _intent_page(request, intent, **{form_name: form})


# --- deals and ratings -------------------------------------------------------------------------


@login_required
def deals(request: HttpRequest) -> HttpResponse:
    rows = selectors.deals_for(_user(request))
    return render(request, "enterprises/deals.html", {"deals": rows[:500]})


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """Enterprises: their ratings. Universities: reasons per patent and over the inventory."""
    user = _user(request)
    if user.org_kind == OrgKind.ENTERPRISE:
        return render(
            request, "enterprises/ratings_own.html", {"ratings": selectors.ratings_for(user)}
        )
    if not (user.organisation and user.organisation.owns_patents) and not (
        user.is_bureau or user.is_national
    ):
        raise PermissionDenied
    rows = selectors.ratings_for(user)
    context = {
        "per_patent": selectors.ratings_by_patent(rows),
        "totals": selectors.reason_counts(rows),
        "count": rows.count(),
    }
    return render(request, "enterprises/ratings_received.html", context)
