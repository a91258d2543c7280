"""Open an uploaded inventory safely: decide its type by content, refuse bad files, stream rows.

Every refusal is a django ValidationError with a code and a message naming what is wrong; callers
show it as is. `.xlsx` values are read by calamine (cached cell values, never evaluated; ten times
faster than openpyxl's read-only mode on 100,000 rows) after the zip has been checked for bombs and
every member's CRC verified by streaming it with zipfile, bounded by the declared sizes. The
upload check in the request (`rows_needed=False`) reads only the header rows and the last row's
number as a stream; calamine loads the whole sheet only for the import itself.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from accounts.text import join_list
from patents.importing import csv_files
from patents.importing.columns import REQUIRED_KEYS, column_for_header, header_label
from patents.importing.refusals import not_a_spreadsheet, reject

MAGIC: tuple[tuple[bytes, Any], ...] = (
    (b"\x89PNG", _("a PNG image")),
    (b"\xff\xd8\xff", _("a JPEG image")),
    (b"GIF8", _("a GIF image")),
    (b"%PDF", _("a PDF document")),
    (b"Rar!", _("a RAR archive")),
    (b"\x1f\x8b", _("a gzip archive")),
    (b"7z\xbc\xaf", _("a 7-Zip archive")),
)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc: Office 97–2003
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in Chinese templates


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_uncompressed_bytes() -> int:
    return _limit("INVENTORY_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024)


def max_compression_ratio() -> int:
    # Real inventories compress 5–15:1 (repetitive XML); zip bombs are 1,000:1 and beyond.
    return _limit("INVENTORY_MAX_COMPRESSION_RATIO", 100)


@dataclass
class Spreadsheet:
    """A checked upload: where its header is, which columns it has, and its data rows."""

    kind: str
    headers: list[str]
    header_row: int  # 1-based, as the spreadsheet shows it
    data_rows: int
    positions: dict[str, int]  # column key → index of the cell in each row
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    _rows: Iterator[Sequence[object]] = field(default_factory=lambda: iter(()))

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        """(row number, cells) for each row below the header, in file order (once)."""
        return ((self.header_row + 1 + index, cells) for index, cells in enumerate(self._rows))

    def header_for(self, key: str) -> str:
        return self.headers[self.positions[key]].strip()


def open_spreadsheet(
    stream: IO[bytes],
    *,
    name: str,
    size: int,
    rows_needed: bool = True,
    verified_sha256: str = "",
    formula_free: bool = False,
) -> Spreadsheet:
    """Check and open an upload; raise ValidationError saying why a bad file is refused.

    `rows_needed=False` (the upload check in the request) only checks the file, its header and
    its row count: an .xlsx is then read as a stream up to its header, with the row count taken
    from the last row's number, instead of loading the whole sheet (seconds and ~250 MB for
    100,000 rows, all spent again by the import itself). Its `rows()` is then empty.

    `verified_sha256`: the digest of a file that passed these checks before (the stored upload).
    If the content still has it, the archive's members are not streamed again for the zip-bomb
    check: they are the very bytes that passed it. Nor is the sheet, to look for formulas, if
    that check also found none (`formula_free`)."""
    if size > settings.INVENTORY_MAX_UPLOAD_BYTES:
        raise reject(
            _("The file is %(size)s; the limit is %(limit)s."),
            "too_big",
            size=filesizeformat(size),
            limit=filesizeformat(settings.INVENTORY_MAX_UPLOAD_BYTES),
        )
    stream.seek(0)
    content = stream.read()
    if not content:
        raise reject(_("“%(name)s” is empty."), "empty", name=name)
    if content.startswith(ZIP_MAGIC):
        verified = bool(verified_sha256) and hashlib.sha256(content).hexdigest() == verified_sha256
        return _open_xlsx(content, name, rows_needed, verified, verified and formula_free)
    if content.startswith(OLE_MAGIC):
        raise reject(
            _("“%(name)s” is an Excel 97–2003 (.xls) file: save it as .xlsx and upload again."),
            "xls",
            name=name,
        )
    for magic, kind in MAGIC:
        if content.startswith(magic):
            raise reject(
                _("“%(name)s” is %(kind)s, not a spreadsheet: upload an .xlsx or .csv file."),
                "wrong_type",
                name=name,
                kind=kind,
            )
    return _open_csv(content, name)


def _open_xlsx(
    content: bytes,
    name: str,
    rows_needed: bool = True,
    verified: bool = False,
    formula_free: bool = False,
) -> Spreadsheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError):
        raise not_a_spreadsheet(name) from None
    if "xl/workbook.xml" not in members:
        raise not_a_spreadsheet(name)
    _check_declared_sizes(archive, name)
    sheet_path = _first_sheet_path(archive, name)
    # One decompression pass does both: check every member's real size and look for formulas
    # (neither again for the very bytes that passed both checks on upload).
    may_have_formulas = not formula_free and _stream_members(
        archive, name, sheet_path, only_sheet=verified
    )
    formula_cells = _formula_cells(archive, sheet_path, name) if may_have_formulas else {}
    if not rows_needed:
        streamed = _stream_header(archive, sheet_path, name)
        if streamed is not None:
            first_rows, total_rows = streamed
            return _locate_header("xlsx", iter(first_rows), total_rows, formula_cells)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        column_offset = sheet.start[1] if sheet.start else 0
        total_rows = sheet.end[0] + 1 if sheet.end else 0
    except (CalamineError, ValueError, IndexError):
        raise not_a_spreadsheet(name) from None
    # calamine yields rows from the sheet's first row, cells from its first used column.
    formulas = {(row, col - column_offset): text for (row, col), text in formula_cells.items()}
    return _locate_header("xlsx", rows, total_rows, formulas)


def _check_declared_sizes(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    expanded = sum(info.file_size for info in infos)
    compressed = max(1, sum(info.compress_size for info in infos))
    ratio = expanded // compressed
    if expanded > max_uncompressed_bytes() or ratio > max_compression_ratio():
        raise reject(
            _(
                "“%(name)s” would expand to %(size)s when opened (%(ratio)s times its size): "
                "this looks like a zip bomb, so it was not opened."
            ),
            "zip_bomb",
            name=name,
            size=filesizeformat(expanded),
            ratio=ratio,
        )


def _stream_members(
    archive: zipfile.ZipFile, name: str, sheet_path: str, *, only_sheet: bool = False
) -> bool:
    """Stream every member (or only the sheet); True if the sheet may hold formula cells.

    Declared sizes can lie: zipfile stops at the declared size and checks the CRC, so the
    spreadsheet reader only ever sees an archive that is what it says. Formulas are looked for
    with a byte scan (memchr-fast); the caller walks the XML only if this finds a formula tag."""
    maybe_formulas = False
    try:
        for info in archive.infolist():
            is_sheet = info.filename == sheet_path
            if only_sheet and not is_sheet:
                continue
            with archive.open(info) as member:
                tail = b""
                while block := member.read(1 << 20):
                    if is_sheet and not maybe_formulas:
                        buffer = tail + block
                        if (b"<f" in buffer or b":f" in buffer) and FORMULA_TAG.search(buffer):
                            maybe_formulas = True
                        tail = block[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise not_a_spreadsheet(name) from None
    return maybe_formulas


def _first_sheet_path(archive: zipfile.ZipFile, name: str) -> str:
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with archive.open("xl/workbook.xml") as workbook:
            first = next(el for _e, el in iterparse(workbook) if el.tag == main + "sheet")
        rel_id = first.get(rel_ns + "id")
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            target = next(
                el.get("Target", "") for _e, el in iterparse(rels) if el.get("Id") == rel_id
            )
    except (KeyError, StopIteration, SyntaxError, zipfile.BadZipFile, OSError, EOFError,
            NotImplementedError):  # fmt: skip
        raise not_a_spreadsheet(name) from None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _formula_cells(
    archive: zipfile.ZipFile, sheet_path: str, name: str
) -> dict[tuple[int, int], str]:
    """{(row number, absolute column index): "=formula"} for every formula cell of the sheet:
    the slower XML walk, run only for the rare file whose byte scan found a formula tag."""
    found: dict[tuple[int, int], str] = {}
    try:
        with archive.open(sheet_path) as sheet:
            for _event, element in iterparse(sheet, events=("end",)):
                if element.tag.endswith("}c"):
                    formula = next((e for e in element if e.tag.endswith("}f")), None)
                    if formula is not None:
                        found[_cell_position(element.get("r", ""))] = "=" + (formula.text or "…")
                    element.clear()
    except (KeyError, SyntaxError, zipfile.BadZipFile):
        raise not_a_spreadsheet(name) from None
    return found


_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')


def _last_row_number(archive: zipfile.ZipFile, sheet_path: str) -> int | None:
    """The number of the sheet's last <row>, found with rfind on each block (fast); None when
    the rows carry no numbers (or a namespace prefix): the caller then loads the sheet."""
    last: int | None = None
    tail = b""
    with archive.open(sheet_path) as sheet:
        while block := sheet.read(1 << 20):
            buffer = tail + block
            end = len(buffer)
            while (index := buffer.rfind(b"<row", 0, end)) >= 0:
                match = _ROW_NUMBER.match(buffer, index)
                if match:
                    last = int(match.group(1))
                    break
                if buffer[index + 4 : index + 5] in (b" ", b">") and b">" in buffer[index:]:
                    return None  # a complete <row> without r="…"
                end = index  # <rowBreaks, or a tag cut by the block's end: look further back
            tail = buffer[-512:]
    return last


def _stream_header(
    archive: zipfile.ZipFile, sheet_path: str, name: str
) -> tuple[list[list[object]], int] | None:
    """(the first HEADER_SEARCH_ROWS rows' values, the last row's number), or None to fall back
    on calamine. Cells are placed by their own column letters; strings resolved from the shared
    string table, read only as far as the header needs."""
    total_rows = _last_row_number(archive, sheet_path)
    if total_rows is None:
        return None
    rows: list[list[object]] = []
    shared: dict[int, list[tuple[int, int]]] = {}  # string index → cells that show it
    try:
        with archive.open(sheet_path) as sheet:
            for _event, element in iterparse(sheet, events=("end",)):
                if not element.tag.endswith("}row"):
                    continue
                number = int(element.get("r") or len(rows) + 1)
                while len(rows) < number - 1:
                    rows.append([])  # empty rows are absent from the XML
                cells: list[object] = []
                for cell in element:
                    column = _cell_position(cell.get("r", ""))[1] if cell.get("r") else len(cells)
                    cells.extend([None] * (column + 1 - len(cells)))
                    value = next((e.text for e in cell if e.tag.endswith("}v")), None)
                    kind = cell.get("t")
                    if kind == "s" and value is not None:
                        shared.setdefault(int(value), []).append((len(rows), column))
                    elif kind == "inlineStr":
                        cells[column] = "".join(
                            t.text or "" for t in cell.iter() if t.tag.endswith("}t")
                        )
                    else:
                        cells[column] = value
                rows.append(cells)
                element.clear()
                if len(rows) >= HEADER_SEARCH_ROWS:
                    break
        if shared:
            for index, text in _shared_strings(archive, max(shared)):
                for row, column in shared.get(index, ()):
                    rows[row][column] = text
    except (KeyError, SyntaxError, ValueError, zipfile.BadZipFile):
        raise not_a_spreadsheet(name) from None
    return rows, max(total_rows, len(rows))


def _shared_strings(archive: zipfile.ZipFile, up_to: int) -> Iterator[tuple[int, str]]:
    """(index, text) of the shared strings 0..up_to, streamed (phonetic runs left out)."""
    index = 0
    with archive.open("xl/sharedStrings.xml") as table:
        for _event, element in iterparse(table, events=("end",)):
            if not element.tag.endswith("}si"):
                continue
            parts = [child for child in element if not child.tag.endswith("}rPh")]
            texts = [t.text or "" for part in parts for t in part.iter() if t.tag.endswith("}t")]
            yield index, "".join(texts)
            element.clear()
            index += 1
            if index > up_to:
                return


def _cell_position(reference: str) -> tuple[int, int]:
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :] or 0), column - 1


def _open_csv(content: bytes, name: str) -> Spreadsheet:
    rows, total_rows = csv_files.read_csv(content, name, header_rows=HEADER_SEARCH_ROWS)
    return _locate_header("csv", rows, total_rows, {})


def _locate_header(
    kind: str, rows: Iterator[Sequence[object]], total_rows: int, formulas: dict
) -> Spreadsheet:
    best: tuple[int, list[str], dict[str, int]] | None = None
    for row_number in range(1, min(HEADER_SEARCH_ROWS, total_rows) + 1):
        cells = [str(cell or "") for cell in next(rows)]
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = column_for_header(cell)
            if key is not None:
                positions.setdefault(key, index)
        if best is None or len(positions) > len(best[2]):
            best = (row_number, cells, positions)
        if any(key in positions for key in REQUIRED_KEYS):
            break
    if best is None:
        raise reject(_("The file has no rows."), "no_rows")
    header_row, headers, positions = best
    _check_columns(positions)
    data_rows = total_rows - header_row
    if data_rows <= 0:
        raise reject(_("The file has no data rows below the header."), "no_rows")
    if data_rows > settings.INVENTORY_MAX_ROWS:
        raise reject(
            _(
                "The file has %(rows)s data rows; the limit is %(limit)s: "
                "split it into smaller files."
            ),
            "too_many_rows",
            rows=data_rows,
            limit=settings.INVENTORY_MAX_ROWS,
        )
    return Spreadsheet(kind, headers, header_row, data_rows, positions, formulas, rows)


def _check_columns(positions: dict[str, int]) -> None:
    missing = [key for key in REQUIRED_KEYS if key not in positions]
    if missing:
        from django.utils.translation import get_language

        language = get_language() or "zh-hans"
        names = join_list(f"“{header_label(key, language)}”" for key in missing)
        raise reject(
            _(
                "Required column(s) missing: %(columns)s. The first row must hold the column "
                "headers, in Chinese or English (download the template)."
            ),
            "missing_columns",
            columns=names,
        )
