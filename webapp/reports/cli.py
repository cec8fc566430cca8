"""`flask --app wsgi report build ...`: build a report synchronously from the command line."""
from __future__ import annotations

import time
from pathlib import Path

import click
from sqlalchemy import inspect

from .. import signals
from ..extensions import db
from . import bp
from .models import REPORT_FORMATS, REPORT_LANGUAGES, Report
from .builds import build_to_bytes, demo_report
from .preflight import preflight_lines
from .texts import ReportError


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
        # A fresh database has no tables yet: the demo loader migrates it first.
        report = demo_report() if inspect(db.engine).has_table(Report.__tablename__) else None
        if report is None:
            signals.demo_wanted.send()  # the demo loader (a feature above this one) loads it
            report = demo_report()
    else:
        report = db.session.get(Report, report_id)
    if report is None:
        raise click.ClickException("no such report")
    # The preflight, as the version's preflight page lists it: what would stop publishing.
    lines = preflight_lines(report, language)
    click.echo(f"preflight: {len(lines)} open item{'' if len(lines) == 1 else 's'}", err=True)
    for line in lines:
        click.echo(f"  {line}", err=True)
    started = time.perf_counter()
    try:
        version, content = build_to_bytes(report, language, fmt)
    except ReportError as error:
        raise click.ClickException(str(error)) from error
    out.write_bytes(content)
    click.echo(f"version {version.number} ({version.content_hash[:12]}), {len(content):,} bytes, "
               f"{time.perf_counter() - started:.2f} s -> {out}")
