"""Reading uploaded files that may be broken, huge or hostile: one place for every import.

Every import (findings CSV/XLSX, the codebook CSV, a project ZIP) reads its file through
these functions, so a file that cannot be read is an `UploadRefused` with a translated
message naming the row or the part of the file - never a 500 - and the caller has stored
nothing yet. What they guard against, with the reason:

- a CSV field longer than the `csv` module's default 131,072 characters (`csv.Error`): the
  reader takes longer fields, so such a row is read and then refused by the row checks that
  name the field;
- a CSV that is not UTF-8, has quotes that never close, or a NUL byte: refused with its row;
- a ZIP (an .xlsx is one) whose entries would unpack to far more than was uploaded (a
  "zip bomb"): refused from the sizes its directory declares, before anything is unpacked
  (`zipfile` stops reading an entry at its declared size, so the declaration is a bound);
- a workbook whose XML is malformed: the rows are read inside the same guard as the opening.
"""
from __future__ import annotations

import csv
import io
import zipfile

from .i18n import _

#: What a ZIP may unpack to at most, in all (an .xlsx of 2,000 findings is ~1 MB unpacked).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
#: An entry that unpacks to more than this many times its packed size is a bomb, not a file.
MAX_PACK_RATIO = 200
#: Entries in one ZIP: a project export holds its JSON, the codebook and the report files.
MAX_ZIP_ENTRIES = 10_000


class UploadRefused(ValueError):
    """The file as a whole cannot be read; the message is translated and names where."""


def read_limited(stream, max_bytes: int, too_large: str) -> bytes:
    """At most `max_bytes` of `stream`, or `UploadRefused(too_large)` when there is more."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise UploadRefused(too_large)
    return raw


def decode_utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise UploadRefused(_("The file is not UTF-8 text (line %(line)s). Save it as \"CSV UTF-8\" and upload "
                              "it again.", line=line)) from None


#: The `csv` module refuses a field over 131,072 characters; uploads are limited in size
#: already, so a long field is read and then refused by the row checks that name it. Set
#: once here (it is a process-wide setting: changing it per call would race between threads).
MAX_CSV_FIELD = 32 * 1024 * 1024
csv.field_size_limit(max(MAX_CSV_FIELD, csv.field_size_limit()))


def csv_rows(text: str) -> list[list[str]]:
    """The rows of CSV `text` (comma, semicolon or tab, sniffed); anything the `csv` module
    cannot read is refused with its line."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # strict: a quote that never closes is an error, not the rest of the file read as one field
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        return list(reader)
    except csv.Error:
        raise UploadRefused(_("Line %(line)s of the file cannot be read as CSV (a quote that does not close, or a "
                              "field that is too long).", line=reader.line_num)) from None


def csv_dicts(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (as {column: value}) of CSV `text`; refused like `csv_rows`."""
    rows = csv_rows(text)
    if not rows:
        return [], []
    header = [cell.strip() for cell in rows[0]]
    return header, [dict(zip(header, row)) for row in rows[1:]]


#: The kinds of ZIP an import reads: an Excel workbook, a project export.
WORKBOOK, PROJECT_EXPORT = "workbook", "project"


def _zip_problem(kind: str, problem: str, **values) -> str:
    """Whole sentences per kind of file (a translator cannot fit a file's name into any sentence)."""
    workbook = kind == WORKBOOK
    if problem == "broken":
        return (_("The Excel file could not be read: it is not a complete .xlsx file.") if workbook else
                _("The project export could not be read: it is not a complete ZIP archive."))
    if problem == "bomb":
        return (_("The Excel file would unpack to far more than its own size (%(size)s MB). It was not read.",
                  **values) if workbook else
                _("The project export would unpack to far more than its own size (%(size)s MB). It was not read.",
                  **values))
    if problem == "missing":
        return (_("The Excel file lacks its part “%(part)s”.", **values) if workbook else
                _("The project export lacks its part “%(part)s”.", **values))
    return (_("The part “%(part)s” of the Excel file is damaged.", **values) if workbook else
            _("The part “%(part)s” of the project export is damaged.", **values))


def open_zip(raw: bytes, kind: str) -> zipfile.ZipFile:
    """`raw` as a ZIP archive of `kind`, refused when it is none or would unpack into a bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRefused(_zip_problem(kind, "broken")) from None
    unpacked = sum(entry.file_size for entry in entries)
    if (len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES
            or any(entry.file_size > MAX_PACK_RATIO * max(entry.compress_size, 1024) for entry in entries)):
        raise UploadRefused(_zip_problem(kind, "bomb", size=unpacked // (1024 * 1024)))
    return archive


def read_zip_entry(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """One entry of an archive checked by `open_zip`; a damaged entry is refused by name."""
    try:
        return archive.read(name)
    except KeyError:
        raise UploadRefused(_zip_problem(kind, "missing", part=name)) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise UploadRefused(_zip_problem(kind, "damaged", part=name)) from None


def xlsx_rows(raw: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as text, at most `max_rows` + 1 (so the caller can tell there
    were more); a workbook that cannot be read - at opening or at any row - is refused."""
    open_zip(raw, WORKBOOK)
    rows: list[list[str]] = []
    try:
        from openpyxl import load_workbook  # loaded where used: keeps the app's start-up fast

        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(["" if cell is None else str(cell) for cell in row])
                if len(rows) > max_rows + 1:
                    break
        finally:
            workbook.close()
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - malformed XML, missing parts, bad styles: one message, with the row
        if rows:
            raise UploadRefused(_("The Excel file could not be read from row %(row)s on. Save it again in Excel or "
                                  "upload a CSV file.", row=len(rows) + 1)) from None
        raise UploadRefused(_("The Excel file could not be read. Save it again in Excel or upload a CSV "
                              "file.")) from None
    return rows
