"""A survey's responses as a table: CSV and XLSX, and the job for a large one (jobs/exports.py)."""
from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..i18n import _, localized
from ..jobs.exports import XLSX
from ..jobs.services import JobResult, set_progress
from ..text import spreadsheet_cell
from .models import Answer, Response, Survey
from .answering import response_counts
from .question_types import format_number


def _spreadsheet_safe(value):
    """Export-safe text; text starting with =, +, - or @ (a formula to Excel) prefixed so it stays text."""
    return spreadsheet_cell(value)


def response_table(survey: Survey) -> tuple[list[str], list[list]]:
    """One row per response, one column per question, in the current language."""
    questions = list(survey.questions)
    headers = [_("Response"), _("Date"), _("Language")]
    if survey.ask_name:
        headers.append(_("Name"))
    headers += [spreadsheet_cell(f"{q.position}. {localized(q, 'label')}") for q in questions]
    responses = db.session.execute(
        select(Response.id, Response.submitted_on, Response.language, Response.respondent_name)
        .where(Response.survey_id == survey.id).order_by(Response.id)).all()
    values: dict[tuple[int, int], list[str]] = {}
    for response_id, question_id, value in db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey.id).order_by(Answer.id)):
        values.setdefault((response_id, question_id), []).append(value)
    rows = []
    for response_id, day, language, name in responses:
        row = [response_id, day, language]
        if survey.ask_name:
            row.append(_spreadsheet_safe(name or ""))
        for question in questions:
            answer = values.get((response_id, question.id), [])
            cell = question.kind.export(question, answer) if answer else None
            row.append(_spreadsheet_safe(cell))
        rows.append(row)
    return headers, rows


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    return format_number(cell) if isinstance(cell, float) else str(cell)


def responses_csv(survey: Survey) -> str:
    headers, rows = response_table(survey)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 (ë, Arabic) correctly only with the BOM
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def responses_xlsx(survey: Survey) -> bytes:
    from openpyxl import Workbook

    headers, rows = response_table(survey)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def responses_count(survey_id: int) -> int:
    return response_counts([survey_id]).get(survey_id, 0)


def export_responses(survey_id: int, fmt: str, language: str) -> JobResult:
    """Job: a survey's responses as CSV or XLSX."""
    survey = db.session.get(Survey, survey_id)
    set_progress(10)
    name = f"survey-{survey.id}-responses.{fmt}"
    with force_locale(language):
        if fmt == "csv":
            return JobResult(responses_csv(survey).encode("utf-8"), name, "text/csv; charset=utf-8")
        return JobResult(responses_xlsx(survey), name, XLSX)
