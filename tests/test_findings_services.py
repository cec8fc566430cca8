import pytest

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.findings.services import FindingError, FindingInput, create_finding, update_finding
from webapp.themes.models import Theme


@pytest.fixture
def theme(app):
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    db.session.add(theme)
    db.session.commit()
    return theme


def test_create_and_update_a_finding(make_activity, theme):
    activity = make_activity()
    finding = create_finding(FindingInput(activity.id, "  Funding stops after one year. ", "bottleneck", "en",
                                          ["funding"]), author=None)
    assert (finding.text, [t.code for t in finding.themes], finding.version) == (
        "Funding stops after one year.", ["funding"], 1)
    update_finding(finding, FindingInput(activity.id, "Funding stops after a year.", "bottleneck", "en", []))
    assert (finding.version, finding.themes) == (2, [])


@pytest.mark.parametrize("change, field", [
    ({"text": " "}, "text"),
    ({"text": "x" * 10_001}, "text"),
    ({"kind": "rumour"}, "kind"),
    ({"language": "xx"}, "language"),
    ({"theme_codes": ["funding", "no-such-theme"]}, "themes"),
    ({"activity_id": 999}, "activity_id"),
    ({"organisation_id": 999}, "organisation_id"),
])
def test_bad_input_stores_nothing(make_activity, theme, change, field):
    activity = make_activity()
    values = {"activity_id": activity.id, "text": "A finding", "kind": "solution", "language": "nl",
              "theme_codes": ["funding"]} | change
    with pytest.raises(FindingError) as raised:
        create_finding(FindingInput(**values), author=None)
    assert field in raised.value.errors
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0


def test_changing_only_the_themes_moves_the_version(make_activity, theme):
    """Otherwise two people re-tagging the same finding would not see each other's change."""
    activity = make_activity()
    finding = create_finding(FindingInput(activity.id, "A finding", "solution", "nl", []), author=None)
    update_finding(finding, FindingInput(activity.id, "A finding", "solution", "nl", ["funding"]))
    assert finding.version == 2


def test_a_new_finding_is_stored_as_a_flush_would_store_it(app, make_activity, theme, count_queries):
    """A finding without translations is written with INSERT statements, not the unit of work
    (issue 17): the same row, project, search words, themes, audit entry and data counter, and
    a finding loaded in the session that later changes treat as any other."""
    from sqlalchemy import select

    from webapp.audit.models import AuditEntry
    from webapp.data_version import current_data_version

    activity = make_activity()
    before = current_data_version()
    with count_queries() as queries:
        finding = create_finding(FindingInput(activity.id, " Taal op de werkvloer ", "solution", "nl", ["funding"]),
                                 author=None)
    first_write = next(n for n, q in enumerate(queries) if not q.startswith("SELECT"))
    # reads first (the write transaction stays short), then the finding, its theme, the audit entry, the counter
    assert [q.split()[:3] for q in queries[first_write:]] == [
        ["INSERT", "INTO", "findings"], ["INSERT", "INTO", "finding_themes"], ["INSERT", "INTO", "audit_entries"],
        ["UPDATE", "data_version", "SET"]]
    assert current_data_version() == before + 1
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.object_kind == "finding")).all()
    assert [(e.action, e.object_id, e.detail) for e in entries] == [("create", finding.id, {})]
    with count_queries() as reading:
        assert (finding.text, finding.version, [t.code for t in finding.themes], finding.translations) == (
            "Taal op de werkvloer", 1, ["funding"], [])
    assert reading == []  # everything set is loaded: nothing read back
    db.session.expire_all()
    stored = db.session.get(Finding, finding.id)
    assert (stored.project_id, stored.activity_id, stored.search_text.strip(), stored.created_at) == (
        activity.project_id, activity.id, "taal op de werkvloer", finding.created_at)
    update_finding(stored, FindingInput(activity.id, "Taal op de werkvloer.", "solution", "nl", []))
    assert (stored.version, stored.themes) == (2, [])


def test_a_new_finding_in_an_archived_project_is_refused(app, make_activity, theme):
    from sqlalchemy import func, select

    from webapp.projects.archive import ProjectArchived

    activity = make_activity()
    activity.project.status = "archived"
    db.session.commit()
    with pytest.raises(ProjectArchived):
        create_finding(FindingInput(activity.id, "A finding", "solution", "nl", []), author=None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
