"""The patent record: one per patent per owning institution, with the national inventory fields."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patents.numbers import PatentType
from patents.terms import term_end


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    VALID = "valid", _("Valid")
    LAPSED = "lapsed", _("Lapsed (fees unpaid)")
    EXPIRED = "expired", _("Expired")
    INVALIDATED = "invalidated", _("Invalidated")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ABANDONED = "abandoned", _("Abandoned")


class InventoryCategory(models.TextChoices):
    HAS_PROSPECTS = "has_prospects", _("Has conversion prospects")
    NO_CLEAR_PROSPECTS = "no_clear_prospects", _("No clear prospects")
    CONVERTED = "converted", _("Already converted")
    TO_ABANDON = "to_abandon", _("To be abandoned")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COLLEGE_REVIEW = "college_review", _("College review")
    UNIVERSITY_REVIEW = "university_review", _("University review")
    ADMITTED = "admitted", _("Admitted to the library")
    RETURNED = "returned", _("Returned")


class DealForm(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    EXCLUSIVE_LICENCE = "exclusive_licence", _("Exclusive licence")
    ORDINARY_LICENCE = "ordinary_licence", _("Ordinary licence")
    OPEN_LICENCE = "open_licence", _("Open licence")
    INVESTMENT = "investment", _("Investment (equity)")


#: The record's flag for each deal form it may offer.
DEAL_FORM_FIELDS = {
    DealForm.TRANSFER: "offers_transfer",
    DealForm.EXCLUSIVE_LICENCE: "offers_exclusive_licence",
    DealForm.ORDINARY_LICENCE: "offers_ordinary_licence",
    DealForm.OPEN_LICENCE: "offers_open_licence",
    DealForm.INVESTMENT: "offers_investment",
}


class ValueGrade(models.TextChoices):
    A = "A", _("A — high")
    B = "B", _("B — medium")
    C = "C", _("C — low")


class ImplementationStatus(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    SELF_IMPLEMENTED = "self_implemented", _("Implemented by the owner")
    LICENSED = "licensed", _("Licensed")
    TRANSFERRED = "transferred", _("Transferred")
    INVESTED = "invested", _("Invested as equity")
    INDUSTRIALIZED = "industrialized", _("Industrialized")


class OpenLicenceFeeBasis(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum")
    ROYALTY = "royalty", _("Royalty on sales")
    UPFRONT_PLUS_ROYALTY = "upfront_plus_royalty", _("Entry fee plus royalty")


#: The legal status of every patent in the library: it publishes only granted patents in force.
LIBRARY_LEGAL_STATUS = LegalStatus.VALID


#: Why a reviewer returned a record: a few sentences shown on the record (the review forms, the
#: API and the review service read the limit from the field).
REVIEW_NOTE_MAX_LENGTH = 500


class Patent(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="patents",
        verbose_name=_("owning institution"),
        db_index=False,  # the unique (organisation, application_no) index leads with it
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patents",
        verbose_name=_("college"),
    )
    application_no = models.CharField(_("application number"), max_length=16)
    patent_type = models.CharField(_("patent type"), max_length=20, choices=PatentType.choices)
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    ipc_main = models.CharField(_("main IPC"), max_length=32, blank=True)
    ipc_subclass = models.CharField(_("IPC subclass"), max_length=4, blank=True)
    ipc_other = models.JSONField(_("other IPC codes"), default=list, blank=True)
    patentees = models.JSONField(_("patentees"), default=list, blank=True)
    inventors = models.JSONField(_("inventors"), default=list, blank=True)
    application_date = models.DateField(_("application date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    publication_no = models.CharField(_("publication or grant number"), max_length=20, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.VALID
    )
    inventory_category = models.CharField(
        _("inventory category"), max_length=24, choices=InventoryCategory.choices, blank=True
    )
    value_grade = models.CharField(
        _("value self-grade"), max_length=1, choices=ValueGrade.choices, blank=True
    )
    maturity = models.PositiveSmallIntegerField(
        _("technology maturity (TRL 1–9)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    industry = models.ForeignKey(
        "refdata.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("industry"),
        db_index=False,  # equality only: a plain index in Meta, without the LIKE twin
    )
    application_field = models.TextField(_("application field"), blank=True)
    target_products = models.TextField(_("target products"), blank=True)
    prospect_note = models.TextField(_("industrialization prospects"), blank=True)
    offers_transfer = models.BooleanField(_("offers transfer"), default=False)
    offers_exclusive_licence = models.BooleanField(_("offers exclusive licence"), default=False)
    offers_ordinary_licence = models.BooleanField(_("offers ordinary licence"), default=False)
    offers_open_licence = models.BooleanField(_("offers open licence"), default=False)
    offers_investment = models.BooleanField(_("offers investment"), default=False)
    open_licence_fee_basis = models.CharField(
        _("open licence fee basis"), max_length=24, choices=OpenLicenceFeeBasis.choices, blank=True
    )
    open_licence_fee_amount = models.DecimalField(
        _("open licence fee (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    open_licence_royalty_rate = models.DecimalField(
        _("open licence royalty rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    open_licence_payment_method = models.CharField(
        _("open licence payment method"), max_length=200, blank=True
    )
    # A patent's term is at most 20 years, so no licence on it can run longer.
    open_licence_period_years = models.PositiveSmallIntegerField(
        _("open licence period (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    is_fiscally_funded = models.BooleanField(_("from a fiscally funded project"), default=False)
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=24,
        choices=ImplementationStatus.choices,
        blank=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
    )
    review_note = models.TextField(
        _("reason for return"), max_length=REVIEW_NOTE_MAX_LENGTH, blank=True
    )
    # Space-separated segmented words (jieba) of title, abstract and fields, for full-text search.
    search_text = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not indexed: only a (rare) user deletion looks patents up by it.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The upload that created the record, if one did: its history shows the creation as an
    # entry made from the job (who uploaded, when, which file), so an upload of 100,000 records
    # writes no history row per record (patents.selectors.history_of). Protected: the job is
    # part of the audit trail. Not indexed: only deleting a job looks patents up by it.
    created_by_import = models.ForeignKey(
        "patents.ImportJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "application_no"], name="one_record_per_patent_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(maturity__isnull=True) | Q(maturity__gte=1, maturity__lte=9),
                name="maturity_is_trl",
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_status", "legal_status", "inventory_category", "-id"],
                name="patent_library_idx",
            ),
            models.Index(fields=["application_no"], name="patent_application_no_idx"),
            # Every index costs each bulk import; these are the ones queries use. The library
            # index leads with review_status; the IPC one serves both = and LIKE 'G06%'.
            models.Index(fields=["industry"], name="patent_industry_idx"),
            models.Index(
                fields=["ipc_subclass"], opclasses=["varchar_pattern_ops"], name="patent_ipc_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_no} {self.title}"

    @property
    def deal_forms(self) -> list[str]:
        flags = {
            DealForm.TRANSFER: self.offers_transfer,
            DealForm.EXCLUSIVE_LICENCE: self.offers_exclusive_licence,
            DealForm.ORDINARY_LICENCE: self.offers_ordinary_licence,
            DealForm.OPEN_LICENCE: self.offers_open_licence,
            DealForm.INVESTMENT: self.offers_investment,
        }
        return [form for form, offered in flags.items() if offered]

    @property
    def is_in_library(self) -> bool:
        return (
            self.review_status == ReviewStatus.ADMITTED
            and self.legal_status == LIBRARY_LEGAL_STATUS
            and self.inventory_category == InventoryCategory.HAS_PROSPECTS
        )

    @property
    def unpublished_reasons(self) -> list[str]:
        """Why an admitted record is not in the library enterprises see (the rule of
        is_in_library), e.g. ["legal status Pending"]; empty if it is, or if not admitted."""
        if self.review_status != ReviewStatus.ADMITTED:
            return []
        reasons = []
        if self.legal_status != LIBRARY_LEGAL_STATUS:
            reasons.append(
                gettext("legal status %(status)s") % {"status": self.get_legal_status_display()}
            )
        if not self.inventory_category:
            reasons.append(gettext("no inventory category"))
        elif self.inventory_category != InventoryCategory.HAS_PROSPECTS:
            reasons.append(
                gettext("inventory category %(category)s")
                % {"category": self.get_inventory_category_display()}
            )
        return reasons

    @property
    def term_end(self) -> datetime.date | None:
        """The first day the patent is no longer in force (see patents.terms.term_end)."""
        if self.application_date is None:
            return None
        return term_end(self.patent_type, self.application_date)

    @property
    def expiry_date(self) -> datetime.date | None:
        """The last day the patent is in force (see term_end)."""
        end = self.term_end
        return end - datetime.timedelta(days=1) if end else None

    @property
    def ipc_codes(self) -> list[str]:
        return [code for code in [self.ipc_main, *self.ipc_other] if code]


def in_industry(code: str) -> Q:
    """Patents of a GB/T 4754 code at any level: a section letter (C) stands for all its
    divisions, a division, group or class (38, 384, 3841) for the codes it begins."""
    if code.isalpha():
        return Q(industry__section=code)
    return Q(industry__code__startswith=code)


def in_library(prefix: str = "") -> Q:
    """The rule for the convertible patent library, as a query (mirrors Patent.is_in_library);
    `prefix` applies it through a relation, e.g. "patent__"."""
    return Q(
        **{
            f"{prefix}review_status": ReviewStatus.ADMITTED,
            f"{prefix}legal_status": LIBRARY_LEGAL_STATUS,
            f"{prefix}inventory_category": InventoryCategory.HAS_PROSPECTS,
        }
    )


IN_LIBRARY = in_library()
