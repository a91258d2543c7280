"""The upload template: an empty first sheet with the headers, and a sheet of notes.

The first sheet holds no example row: a template uploaded unchanged must not create a record (an
example that looks real, uploaded by someone who did not delete it, became a patent). Examples
and what each column takes are on the notes sheet, which the importer never reads.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.text import join_list
from patents.importing.columns import COLUMNS, Column, header_label
from patents.importing.rows import (
    CHOICES,
    NUMBER_COLUMNS,
    bound_text,
    choice_labels,
    number_rule,
)

# Columns Excel must keep as typed: a number typed into a General cell loses an application
# number's ".0" check digit and an industry code's leading zero (0111).
TEXT_COLUMNS = frozenset({"application_no", "industry", "publication_no", "contact_phone"})
DATE_COLUMNS = frozenset({"application_date", "grant_date"})
LIST_COLUMNS = frozenset({"patentees", "inventors", "ipc_other"})


def _what_to_enter(column: Column) -> str:
    key = column.key
    if key == "application_no":
        return _("12 digits, a dot and the check digit (older numbers: 8 digits)")
    if key in NUMBER_COLUMNS:
        rule = number_rule(key)
        bounds = {"min": bound_text(rule.low), "max": bound_text(rule.high)}
        if rule.places == 0:
            return _("A whole number from %(min)s to %(max)s") % bounds
        return _("A number from %(min)s to %(max)s") % bounds
    if key in DATE_COLUMNS:
        return _("A date such as 2021-03-15, not in the future")
    if key in CHOICES:
        choices = {"choices": join_list(choice_labels(key))}
        if key == "deal_forms":
            return _("One or more of: %(choices)s; separate them with ；") % choices
        return _("One of: %(choices)s") % choices
    if key in LIST_COLUMNS:
        return _("Separate several with ；")
    if key == "is_fiscally_funded":
        return _("Yes or no (是 or 否)")
    return ""


def _instructions() -> list[str]:
    return [
        _("Enter one patent per row on the first sheet, from its second row."),
        _(
            "Re-uploading updates the records with the same application number. Every column "
            "in your file replaces what is stored: an empty cell clears that field (an empty "
            "deal forms cell withdraws every deal form). To keep a field as it is, leave its "
            "column out of the file. Admitted records whose content changes go back to "
            "university review."
        ),
        _(
            "Keep the application number column formatted as text, so that Excel keeps the dot "
            "and the check digit (202110123456.7)."
        ),
        _("The examples below are for reference only and are not imported."),
    ]


def build_template(language: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    with translation.override(language):
        sheet.title = _("Inventory")
        sheet.append([header_label(column.key, language) for column in COLUMNS])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(COLUMNS, start=1):
            sheet.cell(row=1, column=index).font = Font(bold=column.required)
            if column.key in TEXT_COLUMNS:
                sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        notes = workbook.create_sheet(_("Notes"))
        for line in _instructions():
            notes.append([line])
        notes.append([])
        # Not _("Required"): that msgid is shared with documents to hand in ("应交").
        notes.append([_("Column"), _("Must be filled in"), _("Example"), _("What to enter")])
        for column in COLUMNS:
            required = _("yes") if column.required else ""
            label = header_label(column.key, language)
            notes.append([label, required, column.example, _what_to_enter(column)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
