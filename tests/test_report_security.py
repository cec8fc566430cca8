"""Hostile report content: it builds, prints as text, and makes the renderer fetch nothing."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.reports import pdf as report_pdf
from webapp.reports.models import Recommendation, RecommendationFinding, Report, ReportChapter, Source
from webapp.reports.collect import collect_report
from webapp.themes.models import Theme

IMG = '<img src="file:///etc/passwd">'
CSS = '<style>body{background:url("http://169.254.169.254/latest/meta-data/")}</style>'
LINK = '<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/x.css">'
LONG_WORD = "Arbeidsmarktinclusie" * 200
BIG_PARAGRAPH = ("statushouder " * 8000).strip()  # about 100 KB


@pytest.fixture
def hostile_report(app, make_activity):
    theme = Theme(code="funding", theme_group="recommendation", label_nl=f"Financiering {IMG}",
                  label_en=f"Funding {IMG}")
    activity = make_activity()
    finding = Finding(activity=activity, text=f"{CSS} {LINK} quoted words", language="en", kind="quote")
    db.session.add_all([theme, finding, Source(key="evil", citation_nl=f"Bron {IMG}", citation_en=f"Source {IMG}",
                                               url="file:///etc/passwd")])
    report = Report(title_nl=f"Rapport {IMG}", title_en=f"<h1>Report</h1>{CSS}", authors=LINK,
                    report_date=date(2024, 4, 1), evidence_annex=True,
                    executive_summary_en=f"Summary with a note.[^evil] {LONG_WORD}\n\n{BIG_PARAGRAPH}",
                    scope_en='<script>alert(1)</script> <a href="http://example.com">click</a>')
    recommendation = Recommendation(title_en=f"Do this {IMG}", body_en=f"{CSS}[^evil]")
    recommendation.evidence.append(RecommendationFinding(finding=finding, quoted=True))
    report.chapters.append(ReportChapter(theme=theme, intro_en=LINK, recommendations=[recommendation]))
    db.session.add(report)
    db.session.commit()
    return report


def test_hostile_texts_build_print_as_text_and_fetch_nothing(hostile_report, monkeypatch):
    fetchers = []

    class RecordingFetcher(report_pdf.StaticOnlyFetcher):
        def __init__(self, *args, **kwargs):  # the photos a build may read
            super().__init__(*args, **kwargs)
            fetchers.append(self)

    monkeypatch.setattr(report_pdf, "StaticOnlyFetcher", RecordingFetcher)
    data = collect_report(hostile_report, "en")
    html = report_pdf.render_report_html(data)
    assert "<img" not in html and "<script" not in html and 'rel="attachment"' not in html
    pdf = report_pdf.build_report_pdf(data)

    (fetcher,) = fetchers
    assert fetcher.served == ["report.css", "figures.css"]  # our own stylesheets, and nothing else
    assert fetcher.refused == []  # escaped markup is text: the renderer never even asked
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert '<img src="file:///etc/passwd">' in text.replace(" ", " ")
    assert "<script>alert(1)</script>" in text
    assert "Summary with a note." in text
    assert "Source <img" in text  # the hostile footnote, printed as text
    assert not reader.attachments
    assert len(reader.pages) > 10  # the 100 KB paragraph flowed over many pages


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://169.254.169.254/", "https://example.com/x.css", "ftp://example.com/x",
    "data:text/plain,hi", "klankbord-static:../../config.py", "klankbord-static:/../../../etc/passwd",
    "klankbord-static:missing.css",
])
def test_fetcher_refuses_everything_but_our_static_files(url):
    fetcher = report_pdf.StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.fetch("klankbord-static:report.css").read().startswith(b"/*")


def test_urls_in_hand_written_html_are_refused_and_do_not_stop_the_build():
    fetcher = report_pdf.StaticOnlyFetcher()
    html = (f'<html><body>{IMG}<img src="http://127.0.0.1:1/x.png"><p style="background:url(/etc/passwd)">x</p>'
            f'{LINK}</body></html>')
    pdf = report_pdf.html_to_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    assert "file:///etc/passwd" in fetcher.refused and "http://127.0.0.1:1/x.png" in fetcher.refused
    assert not any(url.startswith(report_pdf.SCHEME) for url in fetcher.refused)
    assert not PdfReader(io.BytesIO(pdf)).attachments
