"""Demo appraisal records: the demo institution qualified, three appraisers, two valuations of
library patents. Idempotent: keyed by organisation, appraiser name and report number."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Organisation, OrgKind, User
from evaluation import services
from evaluation.models import (
    AppraisalInstitution,
    Appraiser,
    CertificateKind,
    Degree,
    DegreeField,
    Employment,
    InstitutionKind,
    InstitutionStatus,
    TrainingRecord,
    Valuation,
    ValuationMethod,
    ValuationPurpose,
)
from patents.models import IN_LIBRARY, Patent

DEMO_INSTITUTION = "浙江中衡专利资产评估有限公司"

APPRAISERS = [
    ("陈静", Degree.MASTER, DegreeField.ACCOUNTING, Decimal(6)),
    ("刘洋", Degree.BACHELOR, DegreeField.ENGINEERING, Decimal(4)),
    ("王磊", Degree.BACHELOR, DegreeField.ECONOMICS, Decimal(3)),
]


def load_evaluation(*, today: datetime.date | None = None) -> int:
    """Make the demo institution qualified with three appraisers; return valuations created."""
    today = today or timezone.localdate()
    organisation = Organisation.objects.filter(
        name=DEMO_INSTITUTION, kind=OrgKind.APPRAISAL_INSTITUTION
    ).first()
    if organisation is None:
        return 0
    institution, _ = AppraisalInstitution.objects.get_or_create(
        organisation=organisation,
        defaults={
            "kind": InstitutionKind.FULL_TIME,
            "domicile": "浙江省杭州市西湖区文三路90号",
            "legal_representative": "郑国华",
            "status": InstitutionStatus.QUALIFIED,
            "certificate_no": "浙知专评〔2025〕001号",
            "certificate_date": datetime.date(2025, 6, 18),
            "documents_complete_on": datetime.date(2025, 4, 21),
            "decided_on": datetime.date(2025, 6, 18),
        },
    )
    signers = []
    for serial, (name, degree, field, years) in enumerate(APPRAISERS, start=1):
        appraiser, created = Appraiser.objects.get_or_create(
            institution=institution,
            name=name,
            defaults={
                "employment": Employment.FULL_TIME,
                "degree": degree,
                "degree_field": field,
                "years_asset_appraisal": years,
                "certificate_kind": CertificateKind.EXAMINATION,
                "certificate_no": f"ZJPAE-2025-{serial:04d}",
                "certificate_date": datetime.date(2025, 3, 15),
                "registration_no": f"浙评备-{serial:04d}",
                "joined_on": datetime.date(2024, 9, 1),
            },
        )
        if created:
            TrainingRecord.objects.create(
                appraiser=appraiser,
                completed_on=datetime.date(2025, 11, 20),
                title="专利资产评估继续教育",
                hours=16,
            )
        signers.append(appraiser)
    return _load_valuations(institution, signers, today)


def _load_valuations(
    institution: AppraisalInstitution, signers: list[Appraiser], today: datetime.date
) -> int:
    by = User.objects.filter(organisation=institution.organisation, is_active=True).first()
    patents = list(Patent.objects.filter(IN_LIBRARY).order_by("pk")[:2])
    if by is None:
        return 0
    specs = [
        (ValuationPurpose.TRANSFER, ValuationMethod.INCOME, Decimal("1860000.00")),
        (ValuationPurpose.PLEDGE, ValuationMethod.COST, Decimal("920000.00")),
    ]
    created = 0
    for index, (patent, (purpose, method, value)) in enumerate(zip(patents, specs, strict=False)):
        report_no = f"中衡评报字〔{today.year}〕第{index + 1:03d}号"
        if Valuation.objects.filter(institution=institution, report_no=report_no).exists():
            continue
        value_date = today - datetime.timedelta(days=30 * (index + 1))
        # Through the service, so the demo obeys the same rules as the pages.
        services.record_valuation(
            institution=institution,
            patents=[patent],
            appraisers=signers[:2],
            purpose=purpose,
            method=method,
            value=value,
            value_date=value_date,
            valid_until=None,
            report_no=report_no,
            report=ContentFile(b"%PDF-1.4 demo valuation report", name=f"report-{index + 1}.pdf"),
            by=by,
        )
        created += 1
    return created
