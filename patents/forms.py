"""HTML input for patent records, review steps and spot checks (validation of shape only; the
rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.validators import max_length_of
from accounts.widgets import DatePicker
from patents.models import Patent, SpotCheckItem, SpotCheckResult
from patents.services.records import EDITABLE_FIELDS
from patents.services.review import ReviewAction
from refdata.models import Industry

_LIST_HELP = _("Separate several with semicolons.")


class PatentForm(forms.ModelForm):
    ipc_other = forms.CharField(label=_("other IPC codes"), required=False, help_text=_LIST_HELP)
    patentees = forms.CharField(label=_("patentees"), required=False, help_text=_LIST_HELP)
    inventors = forms.CharField(label=_("inventors"), required=False, help_text=_LIST_HELP)
    application_no = forms.CharField(
        label=_("application number"), max_length=32, help_text=_("e.g. CN202110123456.7")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Patent
        fields = [f for f in EDITABLE_FIELDS if f not in ("ipc_other", "patentees", "inventors")]
        widgets = {
            "application_date": DatePicker(),
            "grant_date": DatePicker(),
            "abstract": forms.Textarea(attrs={"rows": 4}),
            "application_field": forms.Textarea(attrs={"rows": 2}),
            "target_products": forms.Textarea(attrs={"rows": 2}),
            "prospect_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = organisation.departments.all()  # type: ignore[attr-defined]
        self.fields["industry"].queryset = Industry.objects.filter(level=4)  # type: ignore[attr-defined]
        instance = self.instance
        if instance.pk:
            for name in ("ipc_other", "patentees", "inventors"):
                self.initial[name] = "; ".join(getattr(instance, name) or [])
            self.initial["version"] = instance.version

    def _post_clean(self) -> None:
        # The service validates the whole record (and normalises the number and IPC codes);
        # the ModelForm must not re-validate the raw input against the model first.
        pass

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for name in ("ipc_other", "patentees", "inventors"):
            data[name] = data.get(name) or ""
        return data


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices)
    note = forms.CharField(
        label=_("Reason (required when returning)"),
        required=False,
        max_length=max_length_of(Patent, "review_note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkReviewForm(ReviewForm):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; the service checks the ids against what the user sees.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in raw]  # type: ignore[attr-defined]


class SpotCheckForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Institution")
    )
    sample_percent = forms.IntegerField(
        label=_("sample share (%)"), min_value=1, max_value=100, initial=10
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class SpotCheckItemForm(forms.Form):
    result = forms.ChoiceField(
        choices=[(SpotCheckResult.PASSED, _("Passed")), (SpotCheckResult.FAILED, _("Failed"))],
        label=_("result"),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=max_length_of(SpotCheckItem, "reason")
    )
