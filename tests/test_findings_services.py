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
