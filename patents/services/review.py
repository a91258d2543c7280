"""The review workflow: draft → college review → university review → admitted, or back.

- submit:  draft/returned → college review (records with a college) or university review (none);
           by the institution's admin, staff, the record's college staff or one of its inventors;
- approve: college review → university review, by staff of that college;
           university review → admitted, by the institution's admin or staff;
- return:  college/university review or admitted → returned, with a reason; by whoever may
           approve the current step (admin/staff also for admitted records).
Every step is recorded in the history with source "review".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.text import join_list
from accounts.validators import too_long
from patents.models import ChangeSource, Patent, ReviewStatus
from patents.selectors import patents_for
from patents.services import history


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", gettext_lazy("Submit for review")
    APPROVE = "approve", gettext_lazy("Approve")
    RETURN = "return", gettext_lazy("Return")


_UNIVERSITY_ROLES = ("admin", "staff")


def _next_status(patent: Patent, action: str) -> str:
    """Where `action` takes the record, or ValidationError if it cannot from here."""
    status = patent.review_status
    if action == ReviewAction.SUBMIT and status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        return (
            ReviewStatus.COLLEGE_REVIEW if patent.department_id else ReviewStatus.UNIVERSITY_REVIEW
        )
    if action == ReviewAction.APPROVE and status == ReviewStatus.COLLEGE_REVIEW:
        return ReviewStatus.UNIVERSITY_REVIEW
    if action == ReviewAction.APPROVE and status == ReviewStatus.UNIVERSITY_REVIEW:
        return ReviewStatus.ADMITTED
    if action == ReviewAction.RETURN and status in (
        ReviewStatus.COLLEGE_REVIEW,
        ReviewStatus.UNIVERSITY_REVIEW,
        ReviewStatus.ADMITTED,
    ):
        return ReviewStatus.RETURNED
    if action not in ReviewAction.values:
        raise ValidationError(_("Unknown review action “%(action)s”.") % {"action": action})
    raise ValidationError(
        _("%(number)s is “%(status)s”: it cannot be %(action)s now.")
        % {
            "number": patent.application_no,
            "status": patent.get_review_status_display(),
            "action": _action_past(action),
        }
    )


def _action_past(action: str) -> str:
    return {
        ReviewAction.SUBMIT: _("submitted"),
        ReviewAction.APPROVE: _("approved"),
        ReviewAction.RETURN: _("returned"),
    }[ReviewAction(action)]


def _check_role(patent: Patent, action: str, by: User) -> None:
    """PermissionDenied unless `by` may take `action` on `patent` at its current step."""
    in_college = by.role == "college_staff" and by.department_id == patent.department_id
    university = by.role in _UNIVERSITY_ROLES and by.organisation_id == patent.organisation_id
    if action == ReviewAction.SUBMIT:
        inventor = by.role == "inventor" and by.organisation_id == patent.organisation_id
        allowed = university or in_college or inventor
    elif patent.review_status == ReviewStatus.COLLEGE_REVIEW:
        allowed = in_college
    else:
        allowed = university
    if not allowed:
        raise PermissionDenied(
            _("Your role may not %(action)s records at the “%(status)s” step.")
            % {
                "action": ReviewAction(action).label.lower(),
                "status": patent.get_review_status_display(),
            }
        )


def _apply(patent: Patent, *, action: str, note: str, by: User) -> Patent:
    new_status = _next_status(patent, action)
    _check_role(patent, action, by)
    note = (note or "").strip()
    if action == ReviewAction.RETURN and not note:
        raise ValidationError({"note": [_("Give a reason for returning the record.")]})
    if error := too_long(Patent, "review_note", note):
        raise ValidationError({"note": [error]})
    old_status = patent.review_status
    patent.review_status = new_status
    patent.review_note = note if action == ReviewAction.RETURN else ""
    patent.updated_by = by
    patent.version += 1
    patent.save(
        update_fields=["review_status", "review_note", "updated_by", "version", "updated_at"]
    )
    changes: dict[str, object] = {"review_status": [old_status, new_status], "action": action}
    if note:
        changes["note"] = note
    history.record_change(patent=patent, by=by, source=ChangeSource.REVIEW, changes=changes)
    return patent


@transaction.atomic
def review_patent(*, patent: Patent, action: str, by: User, note: str = "") -> Patent:
    """Take one review step on a record the user can see. Raises Patent.DoesNotExist if the user
    cannot see it, PermissionDenied if their role may not take the step, ValidationError if the
    record is not at a step where the action applies (or a return has no reason, or one too
    long)."""
    # Lock the row so two reviewers clicking at once cannot both move it from the same step.
    locked = patents_for(by).select_for_update(of=("self",)).get(pk=patent.pk)
    return _apply(locked, action=action, note=note, by=by)


@transaction.atomic
def bulk_review(
    *, patent_ids: Sequence[int], action: str, by: User, note: str = ""
) -> list[Patent]:
    """Take the same step on several records, all or nothing: if any record cannot take it, raise
    ValidationError (or PermissionDenied) naming it, and change none."""
    if not patent_ids:
        raise ValidationError(_("Select at least one record."))
    ids = sorted(set(patent_ids))
    # Lock in id order, so two bulk reviews over overlapping records cannot deadlock.
    patents = list(
        patents_for(by).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    )
    if len(patents) != len(ids):
        raise ValidationError(_("Some of the selected records do not exist or are not yours."))
    problems: list[str] = []
    for patent in patents:
        try:
            _next_status(patent, action)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return [_apply(patent, action=action, note=note, by=by) for patent in patents]


def publication_warnings(patents: Iterable[Patent]) -> list[str]:
    """What to tell the reviewer about records just admitted that enterprises will not see in
    the library, and why. Admission does not wait for them: the record is checked, and the
    library follows the legal status by itself once the patent is granted or restored."""
    return [
        _(
            "%(number)s is admitted, but it will not be published in the library (%(reasons)s): "
            "only valid patents with conversion prospects are."
        )
        % {"number": patent.application_no, "reasons": join_list(patent.unpublished_reasons)}
        for patent in patents
        if patent.unpublished_reasons
    ]


def available_actions(*, patent: Patent, by: User) -> list[str]:
    """The review actions `by` may take on `patent` now (to show only the buttons that work)."""
    actions = []
    for action in ReviewAction.values:
        try:
            _next_status(patent, action)
            _check_role(patent, action, by)
        except (ValidationError, PermissionDenied):
            continue
        actions.append(action)
    return actions
