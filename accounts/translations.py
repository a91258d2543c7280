"""Messages of Django itself that its Simplified Chinese catalogue does not translate.

makemessages reads only this project's files: declaring such a message here puts it in our
catalogue, which Django consults before its own.
"""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

# Django 5.2.x's MinimumLengthValidator words its error with %d where its zh_Hans catalogue
# still holds the older %(min_length)d wording, so the short-password error stayed English.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
