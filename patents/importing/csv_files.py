"""Read an uploaded CSV: decode its text, find its dialect, count its rows; or refuse it saying
what is wrong (rather than "not a spreadsheet" for a readable file).

Encodings: a byte-order mark decides (UTF-8; UTF-16, which Excel's "Unicode Text" writes;
UTF-32). Without one, UTF-8, then GB18030 (GBK: Excel's "CSV" on Chinese Windows). GB18030
decodes almost any bytes, so a file in another encoding (Big5, Shift-JIS) turns into garbage
rather than failing; such text is refused as an encoding Panhuo does not read, instead of being
read as garbled headers ("required columns missing") or, worse, garbled titles.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from patents.importing.columns import column_for_header
from patents.importing.refusals import not_a_spreadsheet, reject

# UTF-32's little-endian mark begins with UTF-16's: it is looked for first.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
BINARY_TEXT = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
SAMPLE = 65536
# Chinese text in GBK keeps almost all its characters within GB2312's 7,445 (rare name characters
# are the exception); Big5 read as GB18030 turns about half of them into rare characters and
# private-use code points.
GARBLED_SHARE = 0.2
_FIELD_LIMIT_LOCK = threading.Lock()


def _unknown_encoding(name: str) -> ValidationError:
    return reject(
        _(
            "“%(name)s” is in a text encoding Panhuo does not recognise (it reads UTF-8, UTF-16 "
            "and GB18030/GBK): save it as “CSV UTF-8” or as .xlsx and upload again."
        ),
        "unknown_encoding",
        name=name,
    )


@lru_cache(maxsize=8192)
def _rare(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _looks_garbled(text: str) -> bool:
    wide = [character for character in text[:SAMPLE] if character > "\x7f"]
    return sum(map(_rare, wide)) > GARBLED_SHARE * len(wide)


def _looks_like_utf16(content: bytes) -> bool:
    """UTF-16 without its byte-order mark: every other byte of digits and Latin text is a zero,
    so at least 40 % of one half of the bytes in an inventory's mix of digits and Chinese."""
    head = content[:2000]
    return max(head[0::2].count(0), head[1::2].count(0)) > 0.4 * (len(head) // 2)


def decode(content: bytes, name: str) -> str:
    for mark, encoding in BYTE_ORDER_MARKS:
        if content.startswith(mark):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                raise _unknown_encoding(name) from None
            if BINARY_TEXT.search(text[:SAMPLE]):
                raise not_a_spreadsheet(name)
            return text
    if BINARY.search(content[:SAMPLE]):
        raise _unknown_encoding(name) if _looks_like_utf16(content) else not_a_spreadsheet(name)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise _unknown_encoding(name) from None
    if _looks_garbled(text):
        raise _unknown_encoding(name)
    return text


def read_csv(content: bytes, name: str, *, header_rows: int) -> tuple[Iterator[list[str]], int]:
    """(rows, how many): the rows are read again from the text, once, by the caller."""
    text = decode(content, name)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",\t;"
        )
    except csv.Error:
        dialect = csv.excel
    early: list[list[str]] = []  # the rows the header may be in, to name a column
    rows = 0
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            if rows < header_rows:
                early.append(row)
            rows += 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(text, dialect, rows + 1, early) from None
        raise not_a_spreadsheet(name) from None
    return csv.reader(io.StringIO(text), dialect), rows


def _cell_too_long(
    text: str, dialect: type[csv.Dialect] | csv.Dialect, row_number: int, early: list[list[str]]
) -> ValidationError:
    """Which cell of the row is too long, read again with the csv module's limit raised.

    The limit is process-wide: the lock keeps two of these from restoring each other's raised
    limit, and anyone else reading meanwhile can only read more, never less."""
    with _FIELD_LIMIT_LOCK:
        limit = csv.field_size_limit(len(text) + 1)
        try:
            row = next(islice(csv.reader(io.StringIO(text), dialect), row_number - 1, None))
        finally:
            csv.field_size_limit(limit)
    index = max(range(len(row)), key=lambda i: len(row[i]))
    return reject(
        _(
            "Row %(row)s, column %(column)s: the cell holds %(length)s characters, more than the "
            "%(limit)s a CSV cell may hold. A quotation mark that is never closed often runs the "
            "rest of the file into one cell: check that row, or save the file as .xlsx."
        ),
        "cell_too_long",
        row=row_number,
        column=_column_name(early, index),
        length=len(row[index]),
        limit=limit,
    )


def _column_name(early: list[list[str]], index: int) -> str:
    """C, or C (“摘要”) when a header row names the column."""
    letter = get_column_letter(index + 1)
    for row in early:
        if any(column_for_header(cell) for cell in row):
            header = row[index].strip() if index < len(row) else ""
            return f"{letter} (“{header}”)" if header else letter
    return letter
