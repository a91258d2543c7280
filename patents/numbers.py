"""Chinese patent application numbers (ZC 0006-2003) and IPC symbols: parse, check, normalise.

See DOMAIN.md §1 and §5. Parsing returns a canonical value or raises ValueError with a message
meant for the user (translated by the caller's active language).
"""

from __future__ import annotations

import datetime
import itertools
import operator
import re
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PatentType(models.TextChoices):
    INVENTION = "invention", gettext_lazy("Invention")
    UTILITY_MODEL = "utility_model", gettext_lazy("Utility model")
    DESIGN = "design", gettext_lazy("Design")
    PCT_INVENTION = "pct_invention", gettext_lazy("PCT national phase (invention)")
    PCT_UTILITY_MODEL = "pct_utility_model", gettext_lazy("PCT national phase (utility model)")


_TYPE_BY_DIGIT = {
    "1": PatentType.INVENTION,
    "2": PatentType.UTILITY_MODEL,
    "3": PatentType.DESIGN,
    "8": PatentType.PCT_INVENTION,
    "9": PatentType.PCT_UTILITY_MODEL,
}
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
_SEPARATORS = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class ApplicationNumber:
    body: str
    check: str

    @property
    def canonical(self) -> str:
        return f"{self.body}.{self.check}"

    @property
    def patent_type(self) -> PatentType:
        return _TYPE_BY_DIGIT[self.body[4] if len(self.body) == 12 else self.body[2]]

    @property
    def filing_year(self) -> int:
        if len(self.body) == 12:
            return int(self.body[:4])
        yy = int(self.body[:2])
        return 1900 + yy if yy >= 85 else 2000 + yy


def check_digit(body: str) -> str:
    total = sum(map(operator.mul, map(int, body), itertools.cycle(_WEIGHTS)))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def parse_application_number(raw: str, *, today: datetime.date | None = None) -> ApplicationNumber:
    """Accept CN202110123456.7, 202110123456.7, 2021101234567, ZL95115608.X and friends."""
    text = _SEPARATORS.sub("", str(raw or "")).upper().replace("．", ".")
    for prefix in ("CN", "ZL"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if "." in text:
        body, _dot, check = text.partition(".")
    elif len(text) in (9, 13):
        body, check = text[:-1], text[-1]
    else:
        body, check = text, ""
    if not text:
        raise ValueError(_("The application number is empty."))
    if (
        not (body.isdigit() and len(body) in (8, 12))
        or len(check) != 1
        or check not in "0123456789X"
    ):
        raise ValueError(
            _(
                "“%(value)s” is not an application number: expected 12 digits, a dot and a check "
                "digit, e.g. 202110123456.7 (or the older 8-digit form)."
            )
            % {"value": raw}
        )
    number = ApplicationNumber(body, check)
    type_digit = body[4] if len(body) == 12 else body[2]
    if type_digit not in _TYPE_BY_DIGIT:
        raise ValueError(
            _("“%(value)s” has patent type digit %(digit)s; it must be 1, 2, 3, 8 or 9.")
            % {"value": raw, "digit": type_digit}
        )
    year = (today or timezone.localdate()).year
    if len(body) == 12 and not 2003 <= number.filing_year <= year:
        raise ValueError(_("“%(value)s” has an impossible filing year.") % {"value": raw})
    if len(body) == 8 and not (int(body[:2]) >= 85 or int(body[:2]) <= 3):
        raise ValueError(_("“%(value)s” has an impossible filing year.") % {"value": raw})
    expected = check_digit(body)
    if expected != check:
        raise ValueError(
            _("“%(value)s” fails its check digit: it should end in .%(expected)s.")
            % {"value": raw, "expected": expected}
        )
    return number


_IPC = re.compile(r"^([A-H])(\d{2})([A-Z])(?:(\d{1,4})/(\d{1,6}))?$")
_IPC_VERSION = re.compile(r"[(\[]\d{4}\.\d{2}[)\]]")


def normalise_ipc(raw: str) -> str:
    """Return the display form `G06F 16/35` (or the subclass `G06F`); raise ValueError if bad."""
    text = _IPC_VERSION.sub("", str(raw or "")).upper()
    text = _SEPARATORS.sub("", text).replace("／", "/")
    match = _IPC.match(text)
    if not match:
        raise ValueError(
            _("“%(value)s” is not an IPC symbol: expected e.g. G06F 16/35 or G06F.")
            % {"value": raw}
        )
    section, klass, subclass, group, subgroup = match.groups()
    symbol = f"{section}{klass}{subclass}"
    if group is None:
        return symbol
    return f"{symbol} {int(group)}/{subgroup.zfill(2)}"


IPC_LIST_SPLIT = re.compile(r"[;；,，、\n]+")


def parse_ipc_list(raw: str) -> list[str]:
    return [normalise_ipc(part) for part in IPC_LIST_SPLIT.split(str(raw or "")) if part.strip()]
