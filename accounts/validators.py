"""Limits every app's free text obeys: the model field defines the limit, and the forms, the
serializers and the services that store the text all read it from there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models


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
