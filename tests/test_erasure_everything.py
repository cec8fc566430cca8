"""Erasure that erases: no name, contact or word of the person is left anywhere —
not in any table, not in a stored report file, not in the SQLite file or its -wal."""
from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, select

from webapp import create_app
from webapp.audit.models import AuditEntry
from webapp.auth.services import create_user
from webapp.config import TestConfig
from webapp.contributors.erasure import erase_contributor
from webapp.contributors.services import ContributorInput, create_contributor
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding, FindingTranslation
from webapp.reports.models import ReportVersion
from webapp.reports.builds import start_build
from webapp.reports.evidence import set_evidence
from webapp.review.comments import CommentInput, save_comment, submit
from webapp.review.services import add_reviewer

from .conftest import text_of, start_default_project, PASSWORD, IsolatedClient
from .test_contributors_erasure import tables_containing
from .test_review_services import make_report, open_test_round

NAME = "Hendrika Wolkenveld"
CONTACT = "hendrika.wolkenveld@example.test"
COMMENT = "kwartelkoning vindt deze modules onhandig"
SAID = "zilverreiger zegt dat de stage te kort duurt"
TRANSLATION = "silverheron says the internship is too short"
NEEDLES = (NAME, CONTACT, COMMENT, SAID, TRANSLATION, "kwartelkoning", "zilverreiger", "silverheron")


def _the_person_everywhere(app):
    """A reviewer who commented (the comment became a finding), said something quoted in a
    built report, with a translation; and a report version that quotes nobody."""
    app.config["REPORT_BUILDS_INLINE"] = True
    admin = create_user("admin@example.test", "Admin", "admin", PASSWORD)
    report = make_report()
    reviewer = add_reviewer(NAME, CONTACT, None)
    db.session.commit()
    review_round, _tokens = open_test_round(report, [reviewer])
    assignment = review_round.assignments[0]
    chapter = report.chapters[0]
    save_comment(assignment, CommentInput("chapter", chapter.id, text=COMMENT, relevance=4))
    submit(assignment)
    finding = Finding(activity_id=review_round.activity_id, text=SAID, language="nl", kind="quote",
                      contributor_id=reviewer.id, translations=[FindingTranslation(language="en", text=TRANSLATION)])
    db.session.add(finding)
    db.session.commit()
    set_evidence(chapter.recommendations[0], {finding.id}, {finding.id})
    db.session.commit()
    quoting = start_build(report, "nl", "docx")
    other_report = make_report("-b")
    untouched = start_build(other_report, "nl", "docx")
    assert SAID.encode() in _file_text(quoting.content)  # the build printed the words
    return admin, report, reviewer, quoting.id, untouched.id


def _file_text(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def _assert_erased_in_database(report_version_ids):
    assert tables_containing(*NEEDLES) == []
    for table in db.metadata.sorted_tables:  # binary columns too: every stored report file
        for column in (c for c in table.columns if isinstance(c.type, LargeBinary)):
            for (value,) in db.session.execute(select(column).where(column.is_not(None))):
                text = _file_text(value) if value[:2] == b"PK" else value
                assert not any(n.encode() in text for n in NEEDLES), f"{table.name}.{column.name}"
    quoting, untouched = (db.session.get(ReportVersion, i) for i in report_version_ids)
    assert quoting.withdrawn_at is not None and quoting.content is None and quoting.number == 1
    assert untouched.withdrawn_at is None and untouched.content  # a version that quoted nobody stays


def test_erasing_everything_leaves_nothing_of_the_person(app, client):
    admin, report, reviewer, quoting_id, untouched_id = _the_person_everywhere(app)
    number = reviewer.pseudonym_number
    entry = erase_contributor(reviewer, "everything", admin)
    _assert_erased_in_database((quoting_id, untouched_id))
    assert entry.detail == {"links": 0, "findings": 2, "responses": 0, "photos": 0, "review_comments": 1,
                            "report_versions_withdrawn": 1}
    assert (entry.action, entry.object_kind, entry.subject) == ("erase_everything", "contributor",
                                                                f"stakeholder:{number}")

    client.post("/login", data={"email": "admin@example.test", "password": PASSWORD})
    board = text_of(client.get(f"/review/reports/{report.id}/board"))
    assert COMMENT not in board and NAME not in board
    show = text_of(client.get(f"/reports/{report.id}"))
    assert "Ingetrokken na een wissing" in show and 'data-testid="rebuild-1"' in show
    assert client.get(f"/reports/builds/{quoting_id}/download").status_code == 410
    # the rebuild gives a new number, without the words
    rebuilt = start_build(report, "nl", "docx")
    assert rebuilt.number == 2 and SAID.encode() not in _file_text(rebuilt.content)

    # the pseudonym number is never given again, by either way of adding a person
    assert add_reviewer("Someone Else", "", None).pseudonym_number == number + 1
    assert create_contributor(ContributorInput(kind="stakeholder")).pseudonym_number == number + 2



@pytest.fixture
def file_app(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'klankbord.db'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start_default_project()
        app.test_client_class = IsolatedClient
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_sqlite_file_and_its_wal_hold_nothing_of_the_person(file_app, tmp_path):
    path = tmp_path / "klankbord.db"
    admin, _report, reviewer, quoting_id, untouched_id = _the_person_everywhere(file_app)
    # A refused form kept for its redirect (webapp/refused_forms.py) that quotes the person.
    client = file_app.test_client()
    client.post("/login", data={"email": "admin@example.test", "password": PASSWORD})
    refused = client.post("/organisations/new", data={"name": "", "stakeholder_type": "network", "notes": SAID})
    assert refused.status_code == 303 and "refused_forms.state" in tables_containing(SAID)
    raw = path.read_bytes() + (Path(f"{path}-wal").read_bytes() if Path(f"{path}-wal").exists() else b"")
    assert NAME.encode() in raw and b"zilverreiger" in raw  # the scan can see them before

    erase_contributor(reviewer, "everything", admin)
    _assert_erased_in_database((quoting_id, untouched_id))
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    for file in (path, wal):
        if file.exists():
            data = file.read_bytes()
            found = [n for n in NEEDLES if n.encode() in data]
            assert found == [], file.name
    # every table, the search index's shadow tables included, read through SQLite itself
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert "findings_fts_data" in tables
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                cells = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
                assert not any(n.encode() in cells for n in NEEDLES), table
        assert connection.execute("SELECT count(*) FROM findings_fts WHERE findings_fts MATCH 'zilverreiger'"
                                  ).fetchone() == (0,)
