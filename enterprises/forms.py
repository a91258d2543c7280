"""HTML input validation only; the services check the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.widgets import DatePicker
from enterprises import selectors
from enterprises.models import (
    CooperationIntent,
    Deal,
    DealKind,
    EnterpriseProfile,
    EnterpriseSize,
    EnterpriseTag,
    Frequency,
    IntentKind,
    LicenceType,
    NeedStatus,
    ProspectRating,
    ProspectScore,
    RatingReason,
    TechnologyNeed,
)
from enterprises.services.needs import split_terms
from patents.models import DealForm, PatentType
from refdata.models import Industry, Region


def model_field(model: type[models.Model], name: str, **kwargs: Any) -> forms.Field:
    """The form field Django makes for a model field, carrying the model field's validators
    as well (formfield() leaves them out): limits such as max_length, max_digits or a minimum
    are defined once, on the model, and the form refuses what the database would."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    formfield = field.formfield(**kwargs)
    assert formfield is not None
    formfield.validators.extend(v for v in field.validators if v not in formfield.validators)
    return formfield


#: The GB/T 4754 levels the web forms list: divisions (2 digits) and groups (3 digits) keep the
#: list usable without a search widget.
LISTED_INDUSTRY_LEVELS = (2, 3)


class _ListedIndustries(ModelChoiceIterator):
    def __init__(self, field: IndustryChoiceField) -> None:
        super().__init__(field)
        self.queryset = field.listed


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    """Accepts every industry the API accepts (`selectors.selectable_industries`) but lists only
    divisions and groups, plus the industries already chosen (see `list_chosen`)."""

    iterator = _ListedIndustries

    def __init__(self, **kwargs: Any) -> None:
        self.listed = Industry.objects.filter(level__in=LISTED_INDUSTRY_LEVELS)
        super().__init__(queryset=selectors.selectable_industries(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"

    def list_chosen(self, chosen: Iterable[Industry | str]) -> None:
        """Also list these, so an industry stored through the API (a 4-digit class, say) shows
        as chosen and an untouched Save keeps it instead of silently dropping it."""
        codes = [item.pk if isinstance(item, Industry) else str(item) for item in chosen]
        self.listed = Industry.objects.filter(Q(level__in=LISTED_INDUSTRY_LEVELS) | Q(pk__in=codes))
        self.widget.choices = self.choices


def _industries() -> IndustryChoiceField:
    return IndustryChoiceField(label=_("Industries (GB/T 4754)"), required=False)


class _ChoosesIndustries(forms.Form):
    """A form with an `industries` field that keeps what is stored and what was submitted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["industries"]
        assert isinstance(field, IndustryChoiceField)
        chosen = list(self.initial.get("industries") or [])
        if self.is_bound:
            chosen += self["industries"].value() or []
        field.list_chosen(chosen)


class RegistrationForm(_ChoosesIndustries):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Region.objects.filter(level=1))
    city = forms.ModelChoiceField(
        label=_("City"), queryset=Region.objects.filter(level=2), required=False
    )
    industries = _industries()
    size = forms.ChoiceField(label=_("Size"), choices=EnterpriseSize.choices)
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=EnterpriseTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"))
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class ProfileForm(_ChoosesIndustries):
    industries = _industries()
    size = forms.ChoiceField(label=_("Size"), choices=EnterpriseSize.choices)
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=EnterpriseTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = model_field(
        EnterpriseProfile, "description", label=_("Description"), widget=forms.Textarea
    )
    contact_name = model_field(EnterpriseProfile, "contact_name", label=_("Contact person"))
    contact_phone = model_field(EnterpriseProfile, "contact_phone", label=_("Contact phone"))
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    show_as_likely_taker = forms.BooleanField(
        label=_("Universities may see us as a likely taker of their patents"), required=False
    )


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("verify", _("Verify")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    reason = model_field(
        EnterpriseProfile,
        "verification_reason",
        label=_("Reason (required to reject)"),
        required=False,
        widget=forms.TextInput,
    )


class TermsField(forms.CharField):
    """Comma- or space-separated terms, returned as a list."""

    def __init__(self, *, on_spaces: bool = True, **kwargs: Any) -> None:
        self.on_spaces = on_spaces
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_terms(super().to_python(value) or "", on_spaces=self.on_spaces)


class NeedForm(_ChoosesIndustries):
    title = model_field(TechnologyNeed, "title", label=_("Title"))
    description = model_field(
        TechnologyNeed, "description", label=_("Description"), widget=forms.Textarea
    )
    keywords = TermsField(label=_("Keywords"), required=False, help_text=_("Separate with commas."))
    ipc_codes = TermsField(
        on_spaces=False,
        label=_("IPC codes"),
        required=False,
        help_text=_("For example H01M or H01M 10/052."),
    )
    industries = _industries()
    preferred_deal_forms = forms.MultipleChoiceField(
        label=_("Preferred deal forms"),
        choices=DealForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_min = model_field(TechnologyNeed, "budget_min", label=_("Budget from (10,000 yuan)"))
    budget_max = model_field(TechnologyNeed, "budget_max", label=_("Budget to (10,000 yuan)"))
    region_preference = forms.ModelChoiceField(
        label=_("Preferred region"), queryset=Region.objects.filter(level=1), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DatePicker())
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)


class TopicForm(forms.Form):
    # Not "Name", which the catalogue translates as a person's name (姓名).
    name = forms.CharField(label=_("Topic name"), max_length=100)
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False)
    ipc_subclass = forms.CharField(label=_("IPC subclass"), max_length=4, required=False)
    patent_type = forms.ChoiceField(
        label=_("Patent type"), choices=[("", "—"), *PatentType.choices], required=False
    )
    province = forms.ModelChoiceField(
        label=_("Owner's province"), queryset=Region.objects.filter(level=1), required=False
    )
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    by_inbox = forms.BooleanField(label=_("In the inbox"), required=False, initial=True)
    by_email = forms.BooleanField(label=_("By e-mail"), required=False, initial=True)

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data
        province = data.get("province")
        return {
            "ipc_subclass": (data.get("ipc_subclass") or "").upper(),
            "patent_type": data.get("patent_type") or "",
            "province": province.code if province else "",
        }


class PatentSubscriptionForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    by_inbox = forms.BooleanField(label=_("In the inbox"), required=False, initial=True)
    by_email = forms.BooleanField(label=_("By e-mail"), required=False, initial=True)


class _KindsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of which some are shown but cannot be ticked (`ruled_out`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ruled_out: set[str] = set()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.ruled_out:
            option["attrs"]["disabled"] = True
        return option


class IntentForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("What would you like to do?"),
        choices=IntentKind.choices,
        widget=_KindsWidget,
        required=False,
    )
    # Not required here: the service says what an empty message lacks.
    message = model_field(
        CooperationIntent, "message", label=_("Message to the university"), required=False
    )

    def __init__(
        self, *args: Any, ruled_out: Iterable[str] = (), why: str = "", **kwargs: Any
    ) -> None:
        """`ruled_out`: the kinds an earlier deal leaves no room for, shown but not offered,
        `why` said above them (the service refuses them with the same words)."""
        super().__init__(*args, **kwargs)
        field = self.fields["kinds"]
        field.widget.ruled_out = set(ruled_out)  # type: ignore[attr-defined]
        # help_text is rendered as HTML; `why` names an enterprise.
        field.help_text = escape(why)


def _intent_reason(field: str, label: str | Promise) -> forms.Field:
    """A step's reason, one line on the intent page, its limit the intent's field's. Not required
    here: declining says what an empty reason lacks (the service)."""
    widget = forms.TextInput(attrs={"placeholder": label})
    return model_field(CooperationIntent, field, label=label, required=False, widget=widget)


class _IntentStepForm(forms.Form):
    """A step's form on the intent page, which holds several: their ids name the step."""

    step: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.step}_%s")
        super().__init__(*args, **kwargs)


class DeclineForm(_IntentStepForm):
    step = "decline"
    reason = _intent_reason("decline_reason", _("Reason for declining"))


class CloseForm(_IntentStepForm):
    step = "close"
    reason = _intent_reason("close_reason", _("Reason for closing"))


class DealRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of deal"), choices=DealKind.choices)
    licence_type = forms.ChoiceField(
        label=_("Licence type"), choices=[("", "—"), *LicenceType.choices], required=False
    )
    contract_date = forms.DateField(label=_("Contract date"), widget=DatePicker(), required=False)
    amount = model_field(Deal, "amount", label=_("Amount (yuan)"))
    registration_no = model_field(
        Deal, "registration_no", label=_("Transfer registration or licence filing number")
    )


class RatingForm(forms.Form):
    # No score is preselected: an untouched Save must not record a 1, which matching reads as
    # "not for us".
    score = forms.TypedChoiceField(
        label=_("Industrialization prospects"),
        choices=[("", _("Choose a score")), *ProspectScore.choices],
        coerce=int,
        help_text=_(
            "How likely is it that this patent is turned into products and brought to market? "
            "1 is poor, 5 excellent."
        ),
        error_messages={"required": _("Choose a score from 1 (poor) to 5 (excellent).")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=RatingReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = model_field(
        ProspectRating, "comment", label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2})
    )
