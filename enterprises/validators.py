"""The unified social credit code (GB 32100-2015), checked with python-stdnum; text lengths."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc


def clean_uscc(value: str) -> str:
    """Return the compact code or raise ValidationError with one exact, translated message."""
    code = uscc.compact(value or "")
    try:
        uscc.validate(code)
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="uscc_length",
        ) from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."),
            code="uscc_checksum",
        ) from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError(
            _(
                "A unified social credit code is 8 digits followed by 10 digits or capital "
                "letters (without I, O, S, V or Z)."
            ),
            code="uscc_format",
        ) from exc
    return code


def max_length_of(model: type[models.Model], field: str) -> int:
    """The max_length of a model's text field: the one definition forms, serializers and
    services read."""
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, models.Field) and model_field.max_length is not None
    return model_field.max_length


def too_long(model: type[models.Model], field: str, value: str) -> str | None:
    """Django's own "at most N characters" message if `value` does not fit `model.field`, else
    None. A TextField's max_length binds only the form and serializer fields built from it (not
    full_clean, not the database), so the service that stores the text checks it with this:
    whatever the caller skipped, nothing longer is written."""
    try:
        MaxLengthValidator(max_length_of(model, field))(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None
