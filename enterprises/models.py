"""The demand side: enterprise profiles, their needs and subscriptions, cooperation intents with
universities, prospect ratings and the deals that follow.

Matching reads a profile through plain fields: needs (text, keywords, IPC, industry codes,
preferred deal forms), subscriptions, intents, ratings with reasons and deals.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class EnterpriseTag(models.TextChoices):
    SPECIALISED_SME = "specialised_sme", _("Specialised and innovative SME")
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    IP_ADVANTAGE = "ip_advantage", _("IP advantage enterprise")
    IP_DEMONSTRATION = "ip_demonstration", _("IP demonstration enterprise")
    STATE_OWNED = "state_owned", _("State-owned")
    OTHER = "other", _("Other")


class Verification(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


#: What an enterprise does, on its profile for universities to read: a few paragraphs.
PROFILE_DESCRIPTION_MAX_LENGTH = 2000
#: What technology an enterprise needs: detailed enough to match patents on, still one page.
NEED_DESCRIPTION_MAX_LENGTH = 5000

#: Why the bureau rejected a registration: a few sentences, quoted to the enterprise in its
#: notification and on its profile (the page, the API and the service read the limit from the
#: field).
VERIFICATION_REASON_MAX_LENGTH = 500


class EnterpriseProfile(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="enterprise_profile",
        limit_choices_to={"kind": "enterprise"},
        verbose_name=_("enterprise"),
    )
    industries = models.ManyToManyField(
        "refdata.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    size = models.CharField(_("size"), max_length=10, choices=EnterpriseSize.choices, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)  # EnterpriseTag values
    description = models.TextField(
        _("description"), max_length=PROFILE_DESCRIPTION_MAX_LENGTH, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    show_as_likely_taker = models.BooleanField(
        _("may be shown to universities as a likely taker of their patents"), default=False
    )
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.PENDING,
        db_index=True,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_reason = models.TextField(
        _("reason"), max_length=VERIFICATION_REASON_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_verified(self) -> bool:
        return self.verification_status == Verification.VERIFIED

    def get_tags_display(self) -> list[str]:
        labels = dict(EnterpriseTag.choices)
        return [str(labels.get(tag, tag)) for tag in self.tags]


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")


class TechnologyNeed(models.Model):
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="technology_needs",
        verbose_name=_("enterprise"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=NEED_DESCRIPTION_MAX_LENGTH)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True)
    industries = models.ManyToManyField(
        "refdata.Industry", blank=True, related_name="+", verbose_name=_("industries")
    )
    preferred_deal_forms = models.JSONField(
        _("preferred deal forms"), default=list, blank=True
    )  # patents.DealForm values
    budget_min = models.DecimalField(
        _("budget from (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget to (10,000 yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    region_preference = models.ForeignKey(
        "refdata.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred region"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("technology need")
        verbose_name_plural = _("technology needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="need_budget_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class SubscriptionBase(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    by_inbox = models.BooleanField(_("in the inbox"), default=True)
    by_email = models.BooleanField(_("by e-mail"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Events after this moment are new to the subscriber.
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class PatentSubscription(SubscriptionBase):
    patent = models.ForeignKey(
        "patents.Patent", on_delete=models.CASCADE, related_name="subscriptions"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("patent subscription")
        verbose_name_plural = _("patent subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "patent"], name="one_subscription_per_patent")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.patent_id}"


class TopicSubscription(SubscriptionBase):
    """A saved library search: keywords plus filter parameters."""

    name = models.CharField(_("name"), max_length=100)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    # {"ipc_subclass": "H01M", "industry": "C38", "patent_type": "invention", "province": "330000"}
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("topic subscription")
        verbose_name_plural = _("topic subscriptions")

    def __str__(self) -> str:
        return self.name


class IntentKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    INVESTMENT = "investment", _("Investment")
    IMPROVEMENT = "improvement", _("Technology improvement")
    JOINT_RESEARCH = "joint_research", _("Joint research")


class IntentStatus(models.TextChoices):
    DECLARED = "declared", _("Declared")
    ACCEPTED = "accepted", _("Accepted for talks")
    DECLINED = "declined", _("Declined")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Deal signed")
    CLOSED = "closed", _("Closed")


#: Statuses in which the conversation is still going on.
ACTIVE_INTENT_STATUSES = (IntentStatus.DECLARED, IntentStatus.ACCEPTED, IntentStatus.NEGOTIATING)

#: A reason for declining or closing an intent: a few sentences, quoted to the other side in
#: their notification (the form, the API and the services read the limit from the fields).
INTENT_REASON_MAX_LENGTH = 500


class CooperationIntent(models.Model):
    patent = models.ForeignKey(
        "patents.Patent", on_delete=models.PROTECT, related_name="intents", verbose_name=_("patent")
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="intents",
        verbose_name=_("enterprise"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kinds = models.JSONField(_("kinds"), default=list)  # IntentKind values
    # Room for a considered first message, not for a pasted document (the form and the API
    # read the limit from here).
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IntentStatus.choices,
        default=IntentStatus.DECLARED,
        db_index=True,
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    answer_due = models.DateField(_("answer due"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(
        _("reason for declining"), max_length=INTENT_REASON_MAX_LENGTH, blank=True
    )
    negotiating_at = models.DateTimeField(_("negotiation started"), null=True, blank=True)
    signed_at = models.DateTimeField(_("deal signed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(
        _("reason for closing"), max_length=INTENT_REASON_MAX_LENGTH, blank=True
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("cooperation intent")
        verbose_name_plural = _("cooperation intents")
        constraints = [
            models.UniqueConstraint(
                fields=["patent", "enterprise"],
                condition=Q(status__in=["declared", "accepted", "negotiating"]),
                name="one_active_intent_per_enterprise_and_patent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.patent_id} ({self.status})"

    @property
    def is_answered(self) -> bool:
        return self.status != IntentStatus.DECLARED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Unanswered after the end of the due day."""
        today = today or timezone.localdate()
        return self.status == IntentStatus.DECLARED and today > self.answer_due

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def contacts_exchanged(self) -> bool:
        return self.accepted_at is not None

    def get_kinds_display(self) -> list[str]:
        labels = dict(IntentKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]


class RatingReason(models.TextChoices):
    TOO_EARLY = "too_early", _("Too early stage")
    ADVANTAGE_UNCLEAR = "advantage_unclear", _("Advantage over existing solutions unclear")
    ROUTE_UNCLEAR = "route_unclear", _("Commercial route unclear")
    DESCRIPTION_UNCLEAR = "description_unclear", _("Description unclear")
    NOT_OUR_FIELD = "not_our_field", _("Not our field")
    PRICE_OR_TERMS = "price_or_terms", _("Price or terms")
    OTHER = "other", _("Other")


class ProspectScore(models.IntegerChoices):
    """How well a patent could be industrialized, in an enterprise's view. Matching reads 1 and 2
    as "not for us" (matching.profiles.POOR_RATING), so the scale is spelled out on the form."""

    POOR = 1, _("1 – poor prospects")
    WEAK = 2, _("2 – weak prospects")
    FAIR = 3, _("3 – fair prospects")
    GOOD = 4, _("4 – good prospects")
    EXCELLENT = 5, _("5 – excellent prospects")


class ProspectRating(models.Model):
    patent = models.ForeignKey(
        "patents.Patent", on_delete=models.CASCADE, related_name="prospect_ratings"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="prospect_ratings"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("industrialization prospects (1–5)"), choices=ProspectScore.choices
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # RatingReason values
    # A remark beside the structured reasons (the form and the API read the limit from here).
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("prospect rating")
        verbose_name_plural = _("prospect ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "patent"], name="one_rating_per_enterprise_and_patent"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.patent_id}: {self.score}"

    def get_reasons_display(self) -> list[str]:
        labels = dict(RatingReason.choices)
        return [str(labels.get(reason, reason)) for reason in self.reasons]


class DealKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    INVESTMENT = "investment", _("Investment (equity)")


#: Deals that move the patent itself to the enterprise: the university has nothing left to offer.
HANDING_OVER_KINDS = (DealKind.TRANSFER, DealKind.INVESTMENT)


class LicenceType(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive")
    ORDINARY = "ordinary", _("Ordinary")
    OPEN = "open", _("Open licence")


class Deal(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=DealKind.choices)
    licence_type = models.CharField(
        _("licence type"), max_length=10, choices=LicenceType.choices, blank=True
    )
    patent = models.ForeignKey(
        "patents.Patent", on_delete=models.PROTECT, related_name="deals", verbose_name=_("patent")
    )
    university = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="deals_as_owner",
        verbose_name=_("university"),
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="deals_as_taker",
        verbose_name=_("enterprise"),
    )
    intent = models.OneToOneField(
        CooperationIntent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deal",
        verbose_name=_("intent"),
    )
    contract_date = models.DateField(_("contract date"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    registration_no = models.CharField(
        _("transfer registration or licence filing number"), max_length=50, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contract_date", "-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="licence") & ~Q(licence_type=""))
                | (~Q(kind="licence") & Q(licence_type="")),
                name="deal_licence_type_only_for_licences",
            ),
            models.UniqueConstraint(
                fields=["patent", "enterprise"],
                condition=Q(licence_type="open"),
                name="one_open_licence_per_enterprise_and_patent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.patent_id} → {self.enterprise_id}"
