"""The data counter (webapp/data_version.py): an unchanged report is found without collecting
it, and every way data can change moves the counter, so a changed report is never "unchanged"."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from webapp.data_version import current_data_version
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.reports import builds
from webapp.reports.models import ReportVersion
from webapp.reports.builds import start_build

from .test_report_versions import report  # noqa: F401 - a small report with one linked theme


def test_an_unchanged_report_is_answered_without_collecting_it(report, monkeypatch):  # noqa: F811
    first = start_build(report, "en", "pdf")
    counter = current_data_version()
    assert first.input_key and first.input_key.endswith(f":{counter}")

    def collecting(*_args, **_kwargs):
        raise AssertionError("collected an unchanged report")

    monkeypatch.setattr(builds, "collect_report", collecting)
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


def test_the_evidence_matrix_is_kept_until_the_data_changes(app, make_activity):
    from webapp.analysis.matrix import build_matrix
    from webapp.themes.models import Theme

    theme = Theme(code="taal", theme_group="topic", label_nl="Taal", label_en="Language")
    activity = make_activity()
    db.session.add(Finding(activity=activity, text="Taal op de werkvloer.", language="nl", kind="observation",
                           themes=[theme]))
    db.session.commit()
    assert build_matrix().evidence[theme.id].findings == 1
    counter = current_data_version()
    assert build_matrix().evidence[theme.id].findings == 1 and current_data_version() == counter

    db.session.add(Finding(activity=activity, text="Taalcoach gevraagd.", language="nl", kind="observation",
                           themes=[theme]))
    db.session.commit()
    assert build_matrix().evidence[theme.id].findings == 2, "a new finding is counted at once"
    # A raw write (as an erasure or a bulk tagging does) also shows at once.
    db.session.execute(text("DELETE FROM finding_themes"))
    db.session.commit()
    assert theme.id not in build_matrix().evidence


def test_a_transaction_holds_the_counter_only_while_committing(app, make_activity):
    """On PostgreSQL the counter is a row lock: taken at the first flush, one open transaction
    would make every other writer wait for it (and could deadlock with rows it locks later)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite takes one write lock per database anyway)")
    from sqlalchemy.orm import Session

    first, second = (Finding(activity=make_activity(title=title), text=title, language="nl", kind="observation")
                     for title in ("Eerste", "Tweede"))
    db.session.add_all([first, second])
    db.session.commit()
    before = current_data_version()
    with Session(db.engine) as slow, Session(db.engine) as quick:
        slow.get(Finding, first.id).text = "Eerste, nog niet bewaard"
        slow.flush()  # an open transaction that has written
        quick.execute(text("SET LOCAL lock_timeout = '2s'"))
        quick.get(Finding, second.id).text = "Tweede, bewaard"
        quick.commit()  # does not wait for the open one
        slow.commit()
    assert current_data_version() == before + 2
