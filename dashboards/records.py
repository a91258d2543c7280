"""How the records behind a figure are shown on the drill-down page, in the API and in files:
one list of (column header, value) per kind of record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.text import join_list

Column = tuple[Promise, Callable[[Any], object]]


def _date(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _patent_columns(path: Callable[[Any], Any]) -> list[Column]:
    return [
        (_("Application number"), lambda r: path(r).application_no),
        (_("Title"), lambda r: path(r).title),
        (_("Institution"), lambda r: path(r).organisation.name),
    ]


def _own(record: Any) -> Any:
    return record


def _patent(record: Any) -> Any:
    return record.patent


COLUMNS: dict[str, list[Column]] = {
    "patent": [
        *_patent_columns(_own),
        (_("Inventory category"), lambda r: r.get_inventory_category_display()),
        (_("Review status"), lambda r: r.get_review_status_display()),
    ],
    "spot_check_item": [
        *_patent_columns(_patent),
        (_("Result"), lambda r: r.get_result_display()),
        (_("Checked at"), lambda r: _date(r.checked_at)),
    ],
    "intent": [
        *_patent_columns(_patent),
        (_("Enterprise"), lambda r: r.enterprise.name),
        (_("Kinds"), lambda r: join_list(r.get_kinds_display())),
        (_("Status"), lambda r: r.get_status_display()),
        (_("Declared at"), lambda r: _date(r.declared_at)),
        (_("Answer due"), lambda r: _date(r.answer_due)),
    ],
    "rating": [
        *_patent_columns(_patent),
        (_("Enterprise"), lambda r: r.enterprise.name),
        (_("Score"), lambda r: r.score),
        (_("Reasons"), lambda r: join_list(r.get_reasons_display())),
    ],
    "deal": [
        *_patent_columns(_patent),
        (_("Enterprise"), lambda r: r.enterprise.name),
        (_("Kind"), lambda r: r.get_kind_display()),
        (_("Licence type"), lambda r: r.get_licence_type_display()),
        (_("Amount (yuan)"), lambda r: r.amount),
        (_("Contract date"), lambda r: _date(r.contract_date)),
    ],
    "profile": [
        (_("Enterprise"), lambda r: r.organisation.name),
        (_("Verification"), lambda r: r.get_verification_status_display()),
        (_("Registered at"), lambda r: _date(r.created_at)),
    ],
    "need": [
        (_("Title"), lambda r: r.title),
        (_("Enterprise"), lambda r: r.enterprise.name),
        (_("Status"), lambda r: r.get_status_display()),
        (_("Published at"), lambda r: _date(r.created_at)),
    ],
    "institution": [
        (_("Appraisal institution"), lambda r: r.organisation.name),
        (_("Status"), lambda r: r.get_status_display()),
        (_("Application documents complete on"), lambda r: _date(r.documents_complete_on)),
    ],
    "filing": [
        (_("Appraisal institution"), lambda r: r.institution.organisation.name),
        (_("Reason"), lambda r: r.get_reason_display()),
        (_("Change date"), lambda r: _date(r.changed_on)),
        (_("Filing due"), lambda r: _date(r.due_on)),
    ],
}


def headers(columns: str) -> list[str]:
    return [str(header) for header, _value in COLUMNS[columns]]


def cells(columns: str, record: Any) -> list[object]:
    return [value(record) for _header, value in COLUMNS[columns]]
