"""The register of processing (GDPR art. 30) as a PDF, laid out by a job."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale

from ..db_types import utcnow
from ..jobs.services import JobResult, set_progress
from .statement import REGISTER_COLUMNS


def register_pdf_job(rows: list[dict], language: str, controller: str) -> JobResult:
    """Job: the register's rows (read in the request) as a tagged PDF."""
    from ..reports.pdf import html_to_pdf  # WeasyPrint: only where a PDF is made

    set_progress(10)
    with force_locale(language):
        html = render_template("privacy/pdf/register.html", rows=rows, columns=REGISTER_COLUMNS, language=language,
                               controller=controller, made=utcnow().date().isoformat(),
                               app_name=current_app.name)
    return JobResult(html_to_pdf(html, progress=set_progress), "register-of-processing.pdf", "application/pdf")
