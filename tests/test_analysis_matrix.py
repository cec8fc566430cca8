"""The evidence matrix: roll-up counts, triangulation, co-occurrence, and clickable cells."""
from __future__ import annotations

from datetime import date

from tests.test_analysis_helpers import make_finding, make_theme
from webapp.analysis.matrix import build_matrix, theme_count_chart
from webapp.extensions import db
from webapp.organisations.models import Organisation
from .conftest import text_of


def test_counts_roll_up_each_finding_once_with_triangulation(app, make_activity):
    meeting = make_activity(type="ln_meeting", title="Meeting", day=date(2023, 5, 1))
    talk = make_activity(type="consultation", title="Talk", day=date(2023, 6, 1))
    divosa = Organisation(name="Divosa", stakeholder_type="network")
    db.session.add(divosa)
    work = make_theme("work", group="learning-network")
    buddy = make_theme("buddy", parent=work)
    other = make_theme("other")
    make_finding(meeting, "a", [work, buddy], stakeholder_type="employer")  # parent and child: counted once
    make_finding(talk, "b", [buddy], stakeholder_type=None, organisation=divosa)
    make_finding(talk, "c", [other, buddy], stakeholder_type="municipality", organisation=divosa)
    make_finding(meeting, "d", [])

    matrix = build_matrix()

    assert matrix.by_activity_type[(work.id, "ln_meeting")] == 1
    assert matrix.by_activity_type[(work.id, "consultation")] == 2
    assert matrix.by_activity_type[(buddy.id, "consultation")] == 2
    assert (other.id, "ln_meeting") not in matrix.by_activity_type
    assert matrix.by_stakeholder_type[(work.id, "none")] == 1
    assert matrix.by_stakeholder_type[(work.id, "employer")] == 1
    evidence = matrix.evidence[work.id]
    assert (evidence.findings, evidence.source_types, evidence.activities, evidence.organisations,
            evidence.stakeholder_types) == (3, 2, 2, 1, 2)
    assert matrix.evidence[other.id].findings == 1
    assert (matrix.total_findings, matrix.untagged_findings) == (4, 1)
    pairs = {(a.code, b.code): n for a, b, n in matrix.cooccurrence}
    assert pairs == {("work", "buddy"): 1, ("buddy", "other"): 1}
    assert matrix.activity_types == ["ln_meeting", "consultation"]  # only columns with evidence
    svg = theme_count_chart(matrix)
    assert svg.startswith("<svg") and "work (" in svg


def test_matrix_page_cells_link_to_their_findings(client, auth, make_activity):
    auth.login("author", locale="en")
    meeting = make_activity(type="ln_meeting", title="Meeting")
    theme = make_theme("work")
    finding = make_finding(meeting, "the only one", [theme], stakeholder_type="employer")
    page = text_of(client.get("/analysis/evidence"))
    assert "<svg" in page
    link = f"/analysis/findings?theme={theme.id}&amp;activity_type=ln_meeting"
    assert link in page
    cell = text_of(client.get(link.replace("&amp;", "&")))
    assert f'data-finding-id="{finding.id}"' in cell
