from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailFrequency


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(label=_("E-mail me"), choices=EmailFrequency.choices)
