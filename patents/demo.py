"""Demo patents for the demo universities (idempotent: keyed by owner + application number)."""

from __future__ import annotations

import itertools

from accounts.models import Department, Organisation
from patents.models import InventoryCategory, LegalStatus, Patent, ReviewStatus, ValueGrade
from patents.search import build_search_text
from patents.synthetic import OPEN_LICENCE_YEARS, generate
from refdata.models import Industry


def _grade(maturity: int) -> str:
    return ValueGrade.A if maturity >= 7 else ValueGrade.B if maturity >= 5 else ValueGrade.C


def load_patents(owners: list[Organisation], *, per_owner: int = 80) -> int:
    known_industries = set(Industry.objects.values_list("code", flat=True))
    created = 0
    for owner_index, owner in enumerate(owners):
        departments: list[Department | None] = [*owner.departments.all()] or [None]
        records = generate(per_owner, seed=100 + owner_index, serial_start=owner_index * 10_000)
        statuses = itertools.cycle(
            [ReviewStatus.ADMITTED] * 6 + [ReviewStatus.UNIVERSITY_REVIEW, ReviewStatus.DRAFT]
        )
        for index, record in enumerate(records):
            forms = set(record.deal_forms)
            _, was_created = Patent.objects.get_or_create(
                organisation=owner,
                application_no=record.application_no,
                defaults={
                    "department": departments[index % len(departments)],
                    "patent_type": "invention"
                    if record.application_no[4] == "1"
                    else "utility_model",
                    "title": record.title,
                    "abstract": record.abstract,
                    "ipc_main": record.ipc_main,
                    "ipc_subclass": record.ipc_main[:4],
                    "patentees": [owner.name],
                    "inventors": record.inventors,
                    "application_date": record.application_date,
                    "grant_date": record.grant_date,
                    "legal_status": LegalStatus(record.legal_status),
                    "inventory_category": InventoryCategory.HAS_PROSPECTS
                    if index % 5
                    else InventoryCategory.NO_CLEAR_PROSPECTS,
                    "maturity": record.maturity,
                    # A self-grade that follows maturity, so the library can be screened by it.
                    "value_grade": _grade(record.maturity),
                    "industry_id": record.industry_code
                    if record.industry_code in known_industries
                    else None,
                    "application_field": record.application_field,
                    # Searchable like imported records; target products are not set in the demo.
                    "search_text": build_search_text(
                        [record.title, record.abstract, record.application_field, ""]
                    ),
                    "offers_transfer": "transfer" in forms,
                    "offers_ordinary_licence": "ordinary_licence" in forms,
                    "offers_open_licence": "open_licence" in forms,
                    "offers_investment": "investment" in forms,
                    "open_licence_fee_basis": "lump_sum" if "open_licence" in forms else "",
                    "open_licence_fee_amount": 50000 if "open_licence" in forms else None,
                    "open_licence_period_years": OPEN_LICENCE_YEARS
                    if "open_licence" in forms
                    else None,
                    "contact_name": "技术转移中心",
                    "contact_email": "ttc@demo.panhuo.localhost",
                    "review_status": next(statuses),
                },
            )
            created += was_created
    return created
