from webapp.dashboard.services import finding_counts_by_theme, total_findings
from webapp.extensions import db
from webapp.findings.services import FindingInput, create_finding, delete_finding, restore_finding
from webapp.themes.models import Theme
from .conftest import text_of


def test_theme_counts_leave_out_deleted_findings(make_activity, client, auth):
    activity = make_activity()
    db.session.add(Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"))
    db.session.commit()
    kept = create_finding(FindingInput(activity.id, "Funding ends after a year", "bottleneck", "en", ["funding"]), None)
    gone = create_finding(FindingInput(activity.id, "Typo, captured twice", "bottleneck", "en", ["funding"]), None)
    assert [(t.code, n) for t, n in finding_counts_by_theme()] == [("funding", 2)]
    delete_finding(gone)
    assert [(t.code, n) for t, n in finding_counts_by_theme()] == [("funding", 1)]
    assert total_findings() == 1
    auth.login("author")
    html = text_of(client.get("/p/learn/"))
    assert "Funding ends after a year" in html and "Typo, captured twice" not in html
    restore_finding(gone)
    assert total_findings() == 2 and kept.id
