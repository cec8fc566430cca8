"""Import findings from CSV/XLSX (a transcript typed elsewhere) and export them.

An import is checked row by row with the same service the screens use; the preview lists
every row's problems and nothing is stored until the whole file is valid. Exports use the
same column names, so an exported file can be imported again (its client_ids then make a
second import of the same rows store nothing twice).
"""
from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import func, select

from ..activities.models import Activity
from ..extensions import db
from ..i18n import CONTENT_LANGUAGES, _, localized
from ..jobs.exports import XLSX
from ..jobs.services import JobResult, set_progress
from ..text import TextRefused, clean_text, spreadsheet_cell
from ..uploads import UploadRefused, csv_rows, decode_utf8, read_limited, xlsx_rows
from ..organisations.services import find_organisation
from .models import FINDING_KINDS, Finding
from .services import FindingInput, client_id_conflict, list_findings, validate_finding

MAX_ROWS = 2000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Column headers understood on import, English and Dutch, lower-cased.
HEADERS = {
    "text": "text", "tekst": "text",
    "kind": "kind", "soort": "kind",
    "language": "language", "taal": "language",
    "themes": "themes", "thema's": "themes", "themas": "themes",
    "stakeholder_type": "stakeholder_type", "stakeholder type": "stakeholder_type", "belanghebbende": "stakeholder_type",
    "organisation": "organisation", "organisatie": "organisation",
    "client_id": "client_id",
    "translation": "translation", "vertaling": "translation",
    "translation_language": "translation_language", "translation language": "translation_language",
    "taal van de vertaling": "translation_language",
    # How a report may print it (Finding.verbatim, .attribution, .source_reference).
    "verbatim": "verbatim", "letterlijk": "verbatim",
    "attribution": "attribution", "toeschrijving": "attribution",
    "source_reference": "source_reference", "source reference": "source_reference", "vindplaats": "source_reference",
    # A finding's further translations, one column per language ("translation_en", "vertaling_en").
    **{f"{prefix}_{code}": f"translation_{code}" for code in CONTENT_LANGUAGES for prefix in ("translation", "vertaling")},
}
#: Columns added later come after the earlier ones, so files made before them keep their column
#: positions: the translation beside the text, then how a report may print the finding.
EXPORT_COLUMNS = ("id", "client_id", "created_at", "kind", "language", "stakeholder_type", "organisation",
                  "contributor", "themes", "theme_labels", "text", "translation", "translation_language",
                  "verbatim", "attribution", "source_reference")
#: What an import reads as verbatim or not (lower-cased); an empty cell takes the default.
YES, NO = {"yes", "ja", "true", "1", "y", "j"}, {"no", "nee", "false", "0", "n"}


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is translated."""


@dataclass
class ImportRow:
    number: int  # as the user sees it: the header is row 1
    values: dict[str, str]
    data: FindingInput
    errors: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"number": self.number, "values": self.values}


def _kind_code(value: str) -> str:
    """A kind by its code or its label in either language ("Knelpunt", "bottleneck")."""
    key = value.strip().lower()
    for code, label in FINDING_KINDS.items():
        if key in (code, code.replace("_", " ")) or key == str(label).lower():
            return code
    for language in ("nl", "en"):
        with force_locale(language):
            for code, label in FINDING_KINDS.items():
                if key == str(label).lower():
                    return code
    return key


def parse_upload(upload, activity_id: int) -> list[ImportRow]:
    if upload is None or not upload.filename:
        raise ImportFileError(_("Choose a CSV or Excel (.xlsx) file."))
    name = upload.filename.lower()
    if not name.endswith((".xlsx", ".csv", ".txt")):
        raise ImportFileError(_("Choose a CSV or Excel (.xlsx) file."))
    try:
        raw = read_limited(upload, MAX_UPLOAD_BYTES, _("The file is larger than 5 MB. Split it into several files."))
        table = xlsx_rows(raw, MAX_ROWS) if name.endswith(".xlsx") else csv_rows(decode_utf8(raw))
    except UploadRefused as refused:
        raise ImportFileError(str(refused)) from None
    table = [row for row in table if any((cell or "").strip() for cell in row)]
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [HEADERS.get((cell or "").strip().lower()) for cell in table[0]]
    if "text" not in header or "kind" not in header:
        raise ImportFileError(_("The first row must name the columns; at least \"text\" and \"kind\" are needed."))
    if len(table) == 1:
        raise ImportFileError(_("The file names its columns but holds no findings below them."))
    if len(table) - 1 > MAX_ROWS:
        raise ImportFileError(_("A file can hold at most %(max)s findings.", max=MAX_ROWS))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header) if name}
        rows.append(_row(number, values, activity_id))
    return rows


def rows_from_json(payload: str, activity_id: int) -> list[ImportRow]:
    """The rows a preview carried to its confirm step; checked again before storing."""
    items = json.loads(payload)
    if not isinstance(items, list) or len(items) > MAX_ROWS:
        raise ValueError("bad rows")
    rows = []
    for item in items:
        values = {key: str(value) for key, value in dict(item["values"]).items() if key in set(HEADERS.values())}
        rows.append(_row(int(item["number"]), values, activity_id))
    return rows


#: Import columns whose text keeps its line ends; the others are one line.
MULTILINE_COLUMNS = {"text", "translation", *(f"translation_{code}" for code in CONTENT_LANGUAGES)}


def _row(number: int, values: dict[str, str], activity_id: int) -> ImportRow:
    errors: dict[str, str] = {}
    # The text boundary first: a refused character is that cell's error and never reaches
    # a query (PostgreSQL refuses NUL even in a WHERE clause).
    for name, value in list(values.items()):
        try:
            values[name] = clean_text(value, multiline=name in MULTILINE_COLUMNS)
        except TextRefused as refused:
            errors[name] = refused.message
            values[name] = ""
    organisation_id = None
    if values.get("organisation"):
        organisation = find_organisation(values["organisation"])
        if organisation is None:
            errors["organisation"] = _("Unknown organisation. Choose one from the list or add it to the register first.")
        else:
            organisation_id = organisation.id
    client_id = None
    if values.get("client_id"):
        try:
            client_id = uuid.UUID(values["client_id"])
        except ValueError:
            errors["client_id"] = _("Must be a UUID, e.g. %(example)s.", example="3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64")
    verbatim = None
    if values.get("verbatim"):
        answer = values["verbatim"].strip().lower()
        if answer in YES | NO:
            verbatim = answer in YES
        else:
            errors["verbatim"] = _("Write yes or no.")
    themes = [code.strip() for code in values.get("themes", "").replace(",", ";").split(";") if code.strip()]
    data = FindingInput(activity_id=activity_id, text=values.get("text", ""), kind=_kind_code(values.get("kind", "")),
                        language=(values.get("language") or "nl").strip().lower(), theme_codes=themes,
                        stakeholder_type=values.get("stakeholder_type") or None,
                        organisation_id=organisation_id, client_id=client_id,
                        translation=values.get("translation") or None,
                        translation_language=(values.get("translation_language") or "").strip().lower() or None,
                        translations={code: values[f"translation_{code}"] for code in CONTENT_LANGUAGES
                                      if values.get(f"translation_{code}")} or None,
                        verbatim=verbatim, attribution=(values.get("attribution") or "").strip().lower() or None,
                        source_reference=values.get("source_reference") or None)
    return ImportRow(number=number, values=values, data=data, errors=errors)


def validate_rows(rows: list[ImportRow]) -> None:
    """Fill in each row's errors, as the service would refuse them; stores nothing."""
    seen: dict[uuid.UUID, int] = {}
    for row in rows:
        for name, message in validate_finding(row.data).items():
            row.errors.setdefault(name, message)  # a refused character says more than "empty"
        if row.data.client_id is not None:
            if row.data.client_id in seen:
                row.errors["client_id"] = _("The same client_id as row %(row)s.", row=seen[row.data.client_id])
            elif (message := client_id_conflict(row.data)) is not None:
                row.errors["client_id"] = message
            seen.setdefault(row.data.client_id, row.number)


def _safe_cell(value) -> str:
    """Export-safe text, quoted when a spreadsheet would run it as a formula (CSV injection)."""
    return spreadsheet_cell("" if value is None else str(value))


def _further_translations(findings: list[Finding]) -> list[str]:
    """Languages of translations beyond a finding's first: one more column each, after the
    `translation`/`translation_language` pair (absent when every finding has at most one)."""
    return sorted({t.language for finding in findings for t in finding.translations[1:]})


def _export_columns(findings: list[Finding]) -> list[str]:
    return [*EXPORT_COLUMNS, *(f"translation_{code}" for code in _further_translations(findings))]


def _export_rows(findings: list[Finding], language: str) -> list[list[str]]:
    further = _further_translations(findings)
    rows = []
    for finding in findings:
        first, *others = finding.translations or [None]
        by_language = {t.language: t.text for t in others}
        rows.append([
            str(finding.id), str(finding.client_id), finding.created_at.isoformat(timespec="seconds"), finding.kind,
            finding.language, finding.stakeholder_type or "", finding.organisation.name if finding.organisation else "",
            finding.contributor.pseudonym if finding.contributor else "",
            "; ".join(t.code for t in finding.themes),
            "; ".join(localized(t, "label", language) or "" for t in finding.themes),
            finding.text, first.text if first else "", first.language if first else "",
            "yes" if finding.verbatim else "no", finding.attribution, finding.source_reference or "",
            *(by_language.get(code, "") for code in further),
        ])
    return rows


def export_csv(activity: Activity, findings: list[Finding], language: str) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(_export_columns(findings))
    for row in _export_rows(findings, language):
        writer.writerow([_safe_cell(cell) for cell in row])
    return "\ufeff" + output.getvalue()  # the BOM makes Excel read UTF-8 (Arabic, Tigrinya) correctly


def export_xlsx(activity: Activity, findings: list[Finding], language: str) -> io.BytesIO:
    from openpyxl import Workbook

    # Write-only: rows go straight to the file instead of living as cell objects until the
    # save (a 50,000-finding export as a job; docs/benchmarks.md).
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("findings")
    sheet.column_dimensions["K"].width = 100
    sheet.column_dimensions["L"].width = 100
    sheet.append(_export_columns(findings))
    for row in _export_rows(findings, language):
        sheet.append([_safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def findings_count(activity_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).where(Finding.activity_id == activity_id))


def export_findings(activity_id: int, fmt: str, language: str) -> JobResult:
    """Job: an activity's findings as CSV or XLSX (the same file the screen makes for a small one)."""
    activity = db.session.get(Activity, activity_id)
    findings = list_findings(activity_id)
    set_progress(30)
    name = f"findings-{activity.type}-{activity.number}.{fmt}"
    with force_locale(language):
        if fmt == "csv":
            return JobResult(export_csv(activity, findings, language).encode("utf-8"), name, "text/csv")
        return JobResult(export_xlsx(activity, findings, language).getvalue(), name, XLSX)
