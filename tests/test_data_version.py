"""The data counter (webapp/data_version.py): an unchanged report is found without collecting
it, and every way data can change moves the counter, so a changed report is never "unchanged"."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from webapp.data_version import current_data_version
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.reports import services
from webapp.reports.models import ReportVersion
from webapp.reports.services import start_build

from .test_report_versions import report  # noqa: F401 - a small report with one linked theme


def test_an_unchanged_report_is_answered_without_collecting_it(report, monkeypatch):  # noqa: F811
    first = start_build(report, "en", "pdf")
    counter = current_data_version()
    assert first.input_key and first.input_key.endswith(f":{counter}")

    def collecting(*_args, **_kwargs):
        raise AssertionError("collected an unchanged report")

    monkeypatch.setattr(services, "collect_report", collecting)
    assert start_build(report, "en", "pdf").id == first.id
    assert current_data_version() == counter, "building a report is not a change to report data"


def test_a_change_by_flush_moves_the_counter_and_gives_a_new_version(report):  # noqa: F811
    first = start_build(report, "en", "pdf")
    finding = db.session.scalar(select(Finding))
    before = current_data_version()
    finding.text = "Funding stops when the pilot ends, every time."
    db.session.commit()
    assert current_data_version() == before + 1
    report.title_en = "Report, revised"
    db.session.commit()
    second = start_build(report, "en", "pdf")
    assert second.id != first.id and second.number == 2


def test_a_counter_move_without_a_real_change_still_finds_the_stored_file(report):  # noqa: F811
    first = start_build(report, "en", "pdf")
    db.session.execute(text("UPDATE findings SET text = text"))  # raw write: counted, changes nothing
    db.session.commit()
    again = start_build(report, "en", "pdf")
    assert again.id == first.id, "found again by its content hash"
    assert db.session.get(ReportVersion, first.id).input_key.endswith(f":{current_data_version()}")


@pytest.mark.parametrize("write", ["bulk update", "raw sql"])
def test_writes_past_the_flush_move_the_counter(report, write):  # noqa: F811
    before = current_data_version()
    if write == "bulk update":
        db.session.execute(update(Finding).values(language="nl"))
    else:
        db.session.execute(text("UPDATE reports SET title_en = 'Renamed'"))
    db.session.commit()
    assert current_data_version() == before + 1


def test_reads_and_rolled_back_writes_leave_the_counter(report):  # noqa: F811
    before = current_data_version()
    db.session.execute(text("SELECT count(*) FROM findings")).scalar()
    db.session.scalars(select(Finding)).all()
    db.session.commit()
    finding = db.session.scalar(select(Finding))
    finding.text = "Not kept."
    db.session.flush()
    db.session.rollback()
    assert current_data_version() == before


def test_one_transaction_moves_it_once(report):  # noqa: F811
    before = current_data_version()
    for word in ("one", "two", "three"):
        db.session.scalar(select(Finding)).text = word
        db.session.flush()
    db.session.commit()
    assert current_data_version() == before + 1
