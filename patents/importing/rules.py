"""The cross-field rules of a record (`records.check_record`, as the edit form and the API apply
them) for uploaded rows, reported per row and column like the upload's other row errors.

The rules judge the record as it would be saved: for a new record, the row's values over the
defaults; for an existing one, the row's values over what is stored (a column the file leaves out
keeps its stored value, and the rules still see it). Pure Python: the reading process, which may
not query, checks the rows it believes new (upsert.new_record_errors); the writer the others.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models.base import ModelState
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.text import join_list
from patents.importing import messages
from patents.importing.columns import COLUMNS_BY_KEY, header_label
from patents.models import DEAL_FORM_FIELDS, Patent
from patents.services.records import check_record

#: The fields check_record reads: fetched with existing records, so their rules see them.
RULE_FIELDS = (
    "department_id",
    "patent_type",
    "application_date",
    "grant_date",
    "legal_status",
    "offers_open_licence",
    "offers_exclusive_licence",
    "open_licence_fee_basis",
    "open_licence_fee_amount",
    "open_licence_royalty_rate",
    "open_licence_period_years",
)
_DEAL_FORM_FLAGS = {name: form for form, name in DEAL_FORM_FIELDS.items()}
#: check_record's messages by field, each in every language of the site.
RuleErrors = dict[str, dict[str, list[str]]]


@cache
def _defaults() -> dict[str, Any]:
    return dict(Patent().__dict__)


def _unsaved(values: Mapping[str, Any]) -> Patent:
    """An unsaved Patent with these values (by attname) over the field defaults.

    Built without Patent.__init__: that costs 80 µs for 45 fields (8 s on 100,000 rows), this 3.
    Only check_record reads it, and only its attributes."""
    patent = Patent.__new__(Patent)
    patent.__dict__.update(_defaults())
    patent.__dict__.update(values)
    patent._state = ModelState()
    # The rule "the college belongs to the institution" holds by construction here (the row
    # parser resolves college names among the uploader's institution's colleges only, and a
    # college staff's rows land in their own college), and checking it would load the college:
    # a query per row, which the reading process may not make.
    patent.department_id = None
    return patent


def rule_errors(record: Mapping[str, Any], today: datetime.date) -> RuleErrors:
    """check_record's errors for a record with these field values, {field: {language:
    [messages]}}, in every language of the site: its messages may hold values (dates, years),
    so they cannot be translated later from a msgid; this way each viewer reads them in their
    own language (messages.render)."""
    patent = _unsaved(record)
    errors: dict[str, list[str]] = {}
    check_record(patent, errors, today=today)
    if not errors:
        return {}
    # Rare (a row that breaks a rule): only then pay for the other languages (20 µs each).
    by_field: RuleErrors = {}
    for language, _name in settings.LANGUAGES:
        found: dict[str, list[str]] = {}
        with translation.override(language):
            check_record(patent, found, today=today)
        for field, texts in found.items():
            by_field.setdefault(field, {})[language] = texts
    return by_field


def _column_key(field: str) -> str:
    return "deal_forms" if field in _DEAL_FORM_FLAGS else field


def _shown(key: str, values: Mapping[str, Any]) -> str:
    """The value a column holds, as the error table shows it."""
    if key == "deal_forms":
        offered = [form for flag, form in _DEAL_FORM_FLAGS.items() if values.get(flag)]
        return join_list(form.label for form in offered)
    value = values.get(key)
    return "" if value is None else str(value)


def rule_row_errors(
    row_number: int,
    errors: RuleErrors,
    headers: Mapping[str, str],
    values: Mapping[str, Any],
) -> Iterator[tuple[int, str, str, str, dict[str, Any], str]]:
    """(row, column header, value, code, params, message) per column, as rows.render_errors
    gives them: the column as the file names it, or as the template does, marked as missing from
    the file, if the file has none."""
    by_column: dict[str, dict[str, list[str]]] = {}
    for field, languages in errors.items():
        column_rules = by_column.setdefault(_column_key(field), {})
        for language, texts in languages.items():
            column_rules.setdefault(language, []).extend(texts)
    active = translation.get_language() or settings.LANGUAGE_CODE
    for key, rules in by_column.items():
        if key in headers:
            column = headers[key]
        else:  # a stored value (or, for a new record, none): say so, or it reads as a riddle
            label = header_label(key, active) if key in COLUMNS_BY_KEY else key
            column = _("%(column)s (not in the file)") % {"column": label}
        params = {"rules": rules}
        message = messages.render("record_rule", params)
        yield row_number, column, _shown(key, values), "record_rule", params, message
