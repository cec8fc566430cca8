"""`flask --app wsgi report build ...`: build a report synchronously from the command line."""
from __future__ import annotations

import time
from pathlib import Path

import click

from .. import signals
from ..extensions import db
from . import bp
from .models import REPORT_FORMATS, REPORT_LANGUAGES, Report
from .builds import build_to_bytes, demo_report
from .texts import ReportError
from .translations import missing_translations, untranslated_findings, untranslated_review_comments


@bp.cli.command("build")
@click.option("--demo", is_flag=True, help="Build the demo report (loading the demo data first if needed).")
@click.option("--report-id", type=int, help="The id of the report to build.")
@click.option("--lang", "language", type=click.Choice(REPORT_LANGUAGES), default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="pdf", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def build_command(demo: bool, report_id: int | None, language: str, fmt: str, out: Path):
    """Build a report as PDF or DOCX and write it to --out (an unchanged report reuses its stored file)."""
    if demo == (report_id is not None):
        raise click.UsageError("give either --demo or --report-id")
    if demo:
        report = demo_report()
        if report is None:
            signals.demo_wanted.send()  # the demo loader (a feature above this one) loads it
            report = demo_report()
    else:
        report = db.session.get(Report, report_id)
    if report is None:
        raise click.ClickException("no such report")
    for item in missing_translations(report, language):
        click.echo(f"warning: {item.where}: '{item.field}' has no {language} text", err=True)
    for finding in untranslated_findings(report, language):
        click.echo(f"warning: finding {finding.id} ({finding.language}) prints without a {language} translation",
                   err=True)
    for finding in untranslated_review_comments(report, language):
        click.echo(f"warning: the review comment of finding {finding.id} ({finding.language}) prints without a "
                   f"{language} translation", err=True)
    started = time.perf_counter()
    try:
        version, content = build_to_bytes(report, language, fmt)
    except ReportError as error:
        raise click.ClickException(str(error)) from error
    out.write_bytes(content)
    click.echo(f"version {version.number} ({version.content_hash[:12]}), {len(content):,} bytes, "
               f"{time.perf_counter() - started:.2f} s -> {out}")
