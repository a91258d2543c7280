"""Validate one spreadsheet row into Patent field values, or into the list of what is wrong.

Pure Python (no queries per row): the reference data it needs (colleges, industry codes) is
loaded once per job, so 100,000 rows validate in seconds.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxValueValidator,
    MinValueValidator,
    validate_email,
)
from django.db import models
from django.utils import translation

from accounts.validators import max_length_of
from patents.importing import messages
from patents.importing.columns import COLUMNS_BY_KEY
from patents.models import (
    DEAL_FORM_FIELDS,
    DealForm,
    ImplementationStatus,
    InventoryCategory,
    LegalStatus,
    OpenLicenceFeeBasis,
    Patent,
    ValueGrade,
)
from patents.numbers import (
    IPC_LIST_SPLIT,
    check_digit,
    normalise_ipc,
    parse_application_number,
)

# Words people actually write in inventories, beyond the labels of the choices themselves.
SYNONYMS: dict[str, dict[str, str]] = {
    "legal_status": {
        "有效": "valid", "授权": "valid", "维持": "valid", "专利权维持": "valid",
        "审中": "pending", "在审": "pending", "实质审查": "pending", "公开": "pending",
        "未缴年费": "lapsed", "未缴年费终止": "lapsed", "失效": "lapsed",
        "期限届满": "expired", "届满": "expired", "全部无效": "invalidated",
        "被宣告无效": "invalidated", "无效": "invalidated", "驳回": "rejected",
        "撤回": "withdrawn", "视为撤回": "withdrawn", "放弃": "abandoned",
    },
    "inventory_category": {
        "有转化前景": "has_prospects", "具有转化前景": "has_prospects",
        "无明确转化前景": "no_clear_prospects", "暂无转化前景": "no_clear_prospects",
        "已转化": "converted", "拟放弃": "to_abandon", "待放弃": "to_abandon",
    },
    "value_grade": {"高": "A", "中": "B", "低": "C"},
    "deal_forms": {
        "转让": "transfer", "独占许可": "exclusive_licence", "排他许可": "exclusive_licence",
        "普通许可": "ordinary_licence", "开放许可": "open_licence", "作价入股": "investment",
        "作价投资": "investment", "入股": "investment",
    },
    "open_licence_fee_basis": {
        "一次性支付": "lump_sum", "一次性": "lump_sum", "固定费用": "lump_sum",
        "提成": "royalty", "销售提成": "royalty", "入门费加提成": "upfront_plus_royalty",
    },
    "implementation_status": {
        "未实施": "not_implemented", "自行实施": "self_implemented", "许可实施": "licensed",
        "已许可": "licensed", "已转让": "transferred", "作价投资": "invested",
        "已产业化": "industrialized", "产业化": "industrialized",
    },
}  # fmt: skip
CHOICES: dict[str, type[models.TextChoices]] = {
    "legal_status": LegalStatus,
    "inventory_category": InventoryCategory,
    "value_grade": ValueGrade,
    "deal_forms": DealForm,
    "open_licence_fee_basis": OpenLicenceFeeBasis,
    "implementation_status": ImplementationStatus,
}


def _patent_field(key: str) -> models.Field[Any, Any]:
    field = Patent._meta.get_field(key)
    assert isinstance(field, models.Field)
    return field


# Read from the model once, here, not per cell: a cell longer than the column holds is a row
# error, by the limit the form and the API check too.
TEXT_LIMITS: dict[str, int] = {
    key: max_length_of(Patent, key)
    for key in (
        "title", "publication_no", "open_licence_payment_method",
        "contact_name", "contact_phone", "contact_email",
    )
}  # fmt: skip
PLAIN_TEXT: tuple[str, ...] = (
    "abstract", "application_field", "target_products", "prospect_note", *TEXT_LIMITS,
)  # fmt: skip
LIST_SPLIT = re.compile(r"[;；,，、\n]+")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", "✗"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# China's Patent Law came into force on 1985-04-01: no Chinese application or grant is older.
PATENT_LAW_IN_FORCE = datetime.date(1985, 4, 1)
# The example row of the templates downloaded before it moved to the notes sheet: a template
# uploaded unchanged made a patent of it. Number, title and patentee ("浙江测试大学") together.
TEMPLATE_EXAMPLE = tuple(
    COLUMNS_BY_KEY[key].example for key in ("application_no", "title", "patentees")
)
NUMBER_COLUMNS = (
    "maturity", "open_licence_period_years", "open_licence_fee_amount",
    "open_licence_royalty_rate",
)  # fmt: skip


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@lru_cache(maxsize=1)
def _choice_lookup() -> dict[str, dict[str, str]]:
    lookup: dict[str, dict[str, str]] = {}
    for key, choices in CHOICES.items():
        words = {fold(value): value for value in choices.values}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words.update({fold(str(label)): value for value, label in choices.choices})
        words.update({fold(word): value for word, value in SYNONYMS.get(key, {}).items()})
        lookup[key] = words
    return lookup


def choice_labels(key: str) -> list[str]:
    """The accepted labels for a column, in the active language (for error messages)."""
    return [str(label) for label in CHOICES[key].labels]


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # spreadsheets store 13-digit numbers and counts as floats
    return str(raw).strip()


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class ParsedRow:
    row_number: int
    application_no: str = ""
    filing_year: int | None = None  # the year the application number encodes
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)  # key, value


@dataclass
class RowParser:
    """Turns a row of cells into Patent values. `positions` maps column key → cell index."""

    positions: dict[str, int]
    departments: dict[str, int]  # folded college name → Department id
    industries: frozenset[str]
    # The import's one day (ImportContext.today), which every row is judged by: dates after it
    # are in the future, and application numbers cannot be from a later year.
    today: datetime.date
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Decide once per file which check each column gets (not once per cell): on 100,000
        # rows of 20 columns the if-chain alone cost seconds.
        self._plan = [(key, index, self._handler(key)) for key, index in self.positions.items()]

    def parse(self, row_number: int, cells: Sequence[object]) -> ParsedRow:
        parsed = ParsedRow(row_number)
        values = parsed.values
        width = len(cells)
        formulas = self.formula_cells
        for key, index, handler in self._plan:
            raw = cells[index] if index < width else None
            try:
                if formulas and (row_number, index) in formulas:
                    raise CellError("formula", formula=formulas[(row_number, index)])
                if raw is None:
                    text = ""
                elif isinstance(raw, str):
                    text = raw.strip()
                else:
                    text = _text(raw)
                handler(parsed, values, key, raw, text)
            except CellError as error:
                parsed.errors.append((key, _text(raw), error.code, error.params))
        self._check_row(parsed)
        return parsed

    def _handler(self, key: str) -> Any:
        if key == "application_no":
            return self._application_no
        if key == "title":
            return self._title
        if key in TEXT_LIMITS or key in PLAIN_TEXT:
            return self._plain_text
        if key in ("ipc_main", "ipc_other"):
            return self._ipc
        if key in ("patentees", "inventors"):
            return self._names
        if key in ("application_date", "grant_date"):
            return self._date
        if key == "deal_forms":
            return self._deal_forms
        if key in CHOICES:
            return self._choice
        if key in NUMBER_COLUMNS:
            return self._number
        if key == "is_fiscally_funded":
            return self._boolean
        if key == "department":
            return self._department
        if key == "industry":
            return self._industry
        raise KeyError(key)  # every column of columns.COLUMNS has a handler above

    def _application_no(
        self, parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        if not text:
            raise CellError("required")
        text = _typed_as_number(raw, text)
        try:
            number = parse_application_number(text, today=self.today)
        except ValueError as exc:
            raise CellError("bad_application_no", value=text, message=str(exc)) from None
        parsed.application_no = number.canonical
        parsed.filing_year = number.filing_year
        values["patent_type"] = number.patent_type.value

    @staticmethod
    def _title(parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str) -> None:
        if not text:
            raise CellError("required")
        if len(text) > TEXT_LIMITS["title"]:
            raise CellError("too_long", length=len(text), limit=TEXT_LIMITS["title"])
        values[key] = text

    @staticmethod
    def _plain_text(
        parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        limit = TEXT_LIMITS.get(key)
        if limit and len(text) > limit:
            raise CellError("too_long", length=len(text), limit=limit)
        if key == "contact_email" and text:
            _check_email(text)
        values[key] = text

    def _ipc(
        self, parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        self._parse_ipc(values, key, text)

    @staticmethod
    def _names(parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str) -> None:
        values[key] = list(_names(text))

    def _date(
        self, parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        date = _date(raw, text)
        if date is not None and date > self.today:
            raise CellError("future_date", value=str(date))
        if date is not None and date < PATENT_LAW_IN_FORCE:
            raise CellError("before_patent_law", value=str(date), first=str(PATENT_LAW_IN_FORCE))
        values[key] = date

    @staticmethod
    def _deal_forms(
        parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        values.update(_deal_form_flags(key, text))

    @staticmethod
    def _choice(
        parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        values[key] = _choice(key, text) if text else ""

    @staticmethod
    def _number(
        parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        values[key] = _number(key, text)

    @staticmethod
    def _boolean(
        parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        values[key] = _boolean(text)

    def _department(
        self, parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        self._parse_department(values, text)

    def _industry(
        self, parsed: ParsedRow, values: dict[str, Any], key: str, raw: object, text: str
    ) -> None:
        if text and text not in self.industries:
            raise CellError("unknown_industry", value=text)
        values["industry_id"] = text or None

    @staticmethod
    def _parse_ipc(values: dict[str, Any], key: str, text: str) -> None:
        codes = _ipc_codes(key, text)
        if key == "ipc_main":
            values["ipc_main"] = codes[0] if codes else ""
            values["ipc_subclass"] = codes[0][:4] if codes else ""
        else:
            values["ipc_other"] = list(codes)

    def _parse_department(self, values: dict[str, Any], text: str) -> None:
        if not text:
            values["department_id"] = None
            return
        department_id = self.departments.get(fold(text))
        if department_id is None:
            raise CellError("unknown_department", value=text)
        values["department_id"] = department_id

    @staticmethod
    def _check_row(parsed: ParsedRow) -> None:
        filed = parsed.values.get("application_date")
        granted = parsed.values.get("grant_date")
        patentees = parsed.values.get("patentees") or [""]
        if (parsed.application_no, parsed.values.get("title"), patentees[0]) == TEMPLATE_EXAMPLE:
            number = parsed.application_no
            parsed.errors.append(("application_no", number, "template_example", {}))
        if filed and granted and granted < filed:
            parsed.errors.append(("grant_date", str(granted), "date_order", {"value": granted}))
        # A number is allotted when an application is filed (Implementing Rules 2023 Art. 43),
        # so its year cannot come before the application date's. The other way round is no
        # error: a divisional application keeps its parent's application date (Art. 49), and a
        # PCT application's date is its international filing date (Art. 119) while its number
        # is given when it enters the Chinese national phase (Art. 121), years later.
        if filed and parsed.filing_year and filed.year > parsed.filing_year:
            parsed.errors.append(
                (
                    "application_date",
                    str(filed),
                    "date_after_number_year",
                    {"value": filed, "year": parsed.filing_year},
                )
            )


def _typed_as_number(raw: object, text: str) -> str:
    """An application number as Excel keeps a number typed into a General cell.

    Typed as a number, 202310900001.0 is stored as 202310900001: without its dot and check
    digit. Those 12 (or 8) digits are unambiguous only if their check digit is 0, and then they
    are that number. Otherwise the digit is lost, as are the last digits of a number Excel shows
    in scientific notation (2.02211E+12) when it saves the file as CSV: say so, and how to keep
    them, rather than "wrong check digit"."""
    if _SCIENTIFIC.match(text):
        raise CellError("number_in_scientific_notation", value=text)
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12)):
        return text
    if check_digit(text) == "0":
        return f"{text}.0"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError("number_lost_check_digit", value=text)
    return text  # typed as text without its check digit: the parser says what is missing


# The parsers below are pure functions of a cell's text, and cached: an inventory repeats the
# same IPC codes, names, dates and amounts on row after row. A cell in error is parsed again
# each time (lru_cache keeps no exceptions), which only errors pay for. Cached values are
# immutable (tuples, not lists), so no row can change another row's values.


@lru_cache(maxsize=16384)
def _ipc_codes(key: str, text: str) -> tuple[str, ...]:
    parts = [text] if key == "ipc_main" else IPC_LIST_SPLIT.split(text)
    codes = []
    for part in (p for p in parts if p.strip()):
        try:
            codes.append(normalise_ipc(part))
        except ValueError as exc:
            raise CellError("bad_ipc", value=part.strip(), message=str(exc)) from None
    return tuple(codes)


@lru_cache(maxsize=16384)
def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in LIST_SPLIT.split(text) if part.strip())


@lru_cache(maxsize=1024)
def _deal_form_flags(key: str, text: str) -> tuple[tuple[str, bool], ...]:
    forms = {_choice(key, part) for part in LIST_SPLIT.split(text) if part.strip()}
    return tuple((name, form in forms) for form, name in DEAL_FORM_FIELDS.items())


@lru_cache(maxsize=4096)
def _check_email(text: str) -> None:
    """Cached: an inventory repeats a handful of contact addresses on every row."""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError("bad_email", value=text) from None


@lru_cache(maxsize=4096)
def _folded_choice(key: str, text: str) -> str | None:
    """Cached: a column of choices holds a handful of distinct words over 100,000 rows."""
    return _choice_lookup()[key].get(fold(text))


def _choice(key: str, text: str) -> str:
    value = _folded_choice(key, text)
    if value is None:
        raise CellError("bad_choice", value=text, field=key)
    return value


def _date(raw: object, text: str) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if not text:
        return None
    return _date_text(text)


@lru_cache(maxsize=16384)
def _date_text(text: str) -> datetime.date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError("bad_date", value=text)


@dataclass(frozen=True)
class NumberRule:
    """What a numeric column takes, read from its model field (so the upload, the form and the
    API share one definition): whole numbers or `places` decimals, from `low` to `high`."""

    places: int
    low: decimal.Decimal
    high: decimal.Decimal

    @property
    def step(self) -> decimal.Decimal:
        return decimal.Decimal(1).scaleb(-self.places)


@cache
def number_rule(key: str) -> NumberRule:
    """The tightest bounds of the field's validators. For a decimal, max_digits counts too: 14
    digits with 2 places hold at most 999,999,999,999.99, and a larger value fails on the
    database ("numeric field overflow") or, on SQLite, on every page that reads it back. An
    integer field's validators include the database column's own range (a smallint's 32767)."""
    field = _patent_field(key)
    places = field.decimal_places if isinstance(field, models.DecimalField) else 0
    low: decimal.Decimal | None = None
    high: decimal.Decimal | None = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            limit = decimal.Decimal(validator.limit_value)
            low = limit if low is None else max(low, limit)
        elif isinstance(validator, MaxValueValidator):
            limit = decimal.Decimal(validator.limit_value)
            high = limit if high is None else min(high, limit)
        elif isinstance(validator, DecimalValidator):
            whole = (validator.max_digits or 0) - (validator.decimal_places or 0)
            limit = decimal.Decimal(10) ** whole - decimal.Decimal(1).scaleb(-places)
            high = limit if high is None else min(high, limit)
    if low is None or high is None:
        raise ValueError(f"Patent.{key} has no lower or upper bound to check uploads against")
    return NumberRule(places, low, high)


def bound_text(number: decimal.Decimal) -> str:
    """A bound as people write it: 100, not 100.00 or 1E+2."""
    return f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}"


@lru_cache(maxsize=4096)
def _number(key: str, text: str) -> int | decimal.Decimal | None:
    """A cell of a numeric column, rounded to the field's places, then checked against the
    field's range: the check comes after rounding, since the rounded value is what is stored."""
    if not text:
        return None
    rule = number_rule(key)
    whole = rule.places == 0
    try:
        number = decimal.Decimal(text.replace(",", "").replace("，", ""))
    except decimal.InvalidOperation:
        number = decimal.Decimal("NaN")
    if number.is_nan() or (whole and number.is_finite() and number != number.to_integral_value()):
        raise CellError("bad_integer" if whole else "bad_decimal", value=text)
    limits = {"value": text, "min": bound_text(rule.low), "max": bound_text(rule.high)}
    if number < 0 <= rule.low:
        raise CellError("negative", **limits)
    # Far outside (infinity, 1e20) is refused before rounding, which cannot handle it.
    if not rule.low - 1 <= number <= rule.high + 1:
        raise CellError("out_of_range", **limits)
    value = int(number) if whole else number.quantize(rule.step)
    if not rule.low <= value <= rule.high:  # the field's validators, as number_rule read them
        raise CellError("out_of_range", **limits)
    return value


@lru_cache(maxsize=1024)
def _boolean(text: str) -> bool:
    folded = fold(text)
    if folded in TRUE_WORDS:
        return True
    if not folded or folded in FALSE_WORDS:
        return False
    raise CellError("bad_boolean", value=text)


def render_errors(
    parsed: ParsedRow, headers: dict[str, str]
) -> Iterable[tuple[int, str, str, str, dict[str, Any], str]]:
    """(row, column header as in the file, value, code, params, message) for each error."""
    for key, value, code, params in parsed.errors:
        plain = {k: str(v) if isinstance(v, datetime.date) else v for k, v in params.items()}
        yield parsed.row_number, headers[key], value, code, plain, messages.render(code, plain)
