"""`flask report build --demo`: the demo report from the command line, reused when unchanged."""
from __future__ import annotations

from webapp.reports.models import ReportVersion


def test_cli_builds_the_demo_report_and_reuses_the_stored_file(runner, tmp_path, app):
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "build", "--demo", "--lang", "nl", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "version 1" in result.output

    again = tmp_path / "again.pdf"
    result = runner.invoke(args=["report", "build", "--demo", "--lang", "nl", "--format", "pdf", "--out", str(again)])
    assert result.exit_code == 0 and "version 1" in result.output
    assert again.read_bytes() == out.read_bytes()

    docx = tmp_path / "report.docx"
    result = runner.invoke(args=["report", "build", "--demo", "--lang", "en", "--format", "docx", "--out", str(docx)])
    assert result.exit_code == 0 and docx.read_bytes().startswith(b"PK") and "version 2" in result.output
    assert ReportVersion.query.count() == 2


def test_cli_needs_a_report(runner, tmp_path):
    result = runner.invoke(args=["report", "build", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "--demo" in result.output
