"""The unified social credit code (GB 32100-2015), checked with python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
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
