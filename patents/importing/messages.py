"""Row-error messages, kept as a code plus parameters so each viewer reads them in their language.

`render(code, params)` formats the message in the active language; the stored ImportRowError
.message is the uploader's rendering (for the CSV report and the API), and pages re-render.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.text import join_list
from patents.numbers import normalise_ipc, parse_application_number

TEMPLATES: dict[str, str | Promise] = {
    "required": _("This cell must not be empty."),
    "duplicate": _(
        "Application number %(value)s already appears in row %(first_row)s of this file; "
        "this row was ignored."
    ),
    "bad_date": _("“%(value)s” is not a date: write it as 2021-03-15."),
    "date_order": _("The grant date %(value)s is before the application date."),
    "number_lost_check_digit": _(
        "“%(value)s” has no check digit: Excel stored this application number as a number and "
        "dropped the dot and the digit after it. Format the column as text, type the number in "
        "full (e.g. 202110123456.7) and upload again."
    ),
    "number_in_scientific_notation": _(
        "“%(value)s” is in Excel's scientific notation: the last digits of the application "
        "number were lost when the file was saved. Format the column as text, type the numbers "
        "in full (e.g. 202110123456.7) and save again."
    ),
    "template_example": _(
        "This is the example row of the upload template, not a patent: it was not imported. "
        "Delete it from your file."
    ),
    "future_date": _("“%(value)s” is a date in the future."),
    "before_patent_law": _(
        "“%(value)s” is before %(first)s, when China's Patent Law came into force: no Chinese "
        "patent application is older."
    ),
    "date_after_number_year": _(
        "The application date %(value)s is later than %(year)s, the filing year in the "
        "application number: the number is allotted when the application is filed, so one of "
        "the two is wrong."
    ),
    "bad_choice": _("“%(value)s” is not one of: %(choices)s."),
    "bad_integer": _("“%(value)s” is not a whole number."),
    "bad_decimal": _("“%(value)s” is not a number."),
    "negative": _("“%(value)s” must not be negative: the allowed range is %(min)s to %(max)s."),
    "out_of_range": _("“%(value)s” is out of range: the allowed range is %(min)s to %(max)s."),
    # No longer produced (out_of_range says it with the field's own bounds); kept so that the
    # errors of earlier uploads still render.
    "maturity_range": _("Technology maturity is a whole number from 1 to 9 (TRL), not %(value)s."),
    "too_long": _("This value has %(length)s characters; the limit is %(limit)s."),
    "bad_email": _("“%(value)s” is not an e-mail address."),
    "bad_boolean": _("“%(value)s” is neither yes nor no."),
    "unknown_department": _("“%(value)s” is not a college of your institution."),
    "other_department": _(
        "This patent belongs to another college (%(department)s); college staff may only update "
        "their own college's patents."
    ),
    "unknown_industry": _("“%(value)s” is not a GB/T 4754 industry code."),
    "formula": _(
        "This cell holds a formula (%(formula)s). Panhuo reads values only and never evaluates "
        "formulas: replace it with its value and upload again."
    ),
}


def _parser_message(code: str, value: str) -> str:
    """Messages of patents.numbers are produced by its parsers; ask them again in this language."""
    try:
        if code == "bad_application_no":
            parse_application_number(value)
        else:
            normalise_ipc(value)
    except ValueError as exc:
        return str(exc)
    return ""


def _in_language(texts: dict[str, list[str]]) -> list[str]:
    """The texts in the active language (or its base language, or any there is)."""
    language = get_language() or ""
    for code in (language, language.split("-")[0]):
        for stored, found in texts.items():
            if stored == code or stored.split("-")[0] == code:
                return found
    return next(iter(texts.values()), [])


def render(code: str, params: dict[str, Any]) -> str:
    if code == "record_rule":  # records.check_record's messages, kept in every language
        return " ".join(_in_language(params["rules"]))
    if code in ("bad_application_no", "bad_ipc"):
        return _parser_message(code, str(params.get("value", ""))) or str(params.get("message"))
    if code == "bad_choice":
        from patents.importing.rows import choice_labels  # the labels in the active language

        params = {**params, "choices": join_list(choice_labels(params["field"]))}
    return str(TEMPLATES[code]) % params
