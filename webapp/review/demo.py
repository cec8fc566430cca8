"""The demo's field test (March-April 2024) as a review round of the demo report.

The activity register holds 26 field-test contributions from 17 organisations (appendix C
of the IOM report). Here each becomes a reviewer (a pseudonymous stakeholder contributor of
that organisation) who submitted in round 1, so appendix C and the methodology of the demo
report come from the review round, as they do for a real one. A few reviewers' comments
are added, with the authors' dispositions, so the board has something to show; they are
findings of the reviewer's own field-test activity.

Called at the end of `webapp.demo.services.load_demo`; loading twice adds nothing.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Contributor
from ..findings.services import FindingInput, create_finding_once
from ..reports.models import Report
from .models import ReviewAssignment, ReviewComment, ReviewRound, hash_token
from .services import FINDING_NAMESPACE, LINK_DAYS_AFTER_DUE, freeze_texts

#: (contribution number, chapter position, recommendation position, relevance, workability, language, text,
#:  disposition, response, source reference). The comments say what the IOM report itself says (its
#: place in the last item); which reviewer made which is an illustration, as for every demo finding.
DEMO_COMMENTS = (
    (5, 4, 1, 5, 3, "nl", "Naast doorlopende financiering is het belangrijk dat de bestaande subsidies voor statushouders "
     "goed op elkaar zijn afgestemd.", "incorporated", "De afstemming van regelingen staat nu in aanbeveling 5.2.",
     "IOM 2024 · Funding · p. 32 · “properly coordinated”"),
    (11, 2, 1, 4, 2, "nl", "Zonder heldere definitie van duurzaam werk kiezen gemeenten soms voor snelle uitstroom in plaats "
     "van duurzame participatie.", "partly",
     "Het spanningsveld staat in de toelichting; de indicatoren zelf vallen buiten dit rapport.",
     "IOM 2024 · Participation › 2. Sustainable employment · p. 27 · “contrary to the interests of the permit holder”"),
    (12, 0, 0, 5, 4, "en", "Employer ambassadors should come from different sectors, shortage sectors included, and from "
     "companies of every size, so that they reach as many employers as possible.", "incorporated",
     "Added: sectors and company sizes.",
     "IOM 2024 · Perception › Employer ambassadors · p. 18 · “various (shortage) sectors and company sizes”"),
    (17, 5, 1, 4, 4, "nl", "Zolang de derde leerweg niet door de overheid wordt bekostigd, is financiering per deelnemer "
     "lastig rond te krijgen.", "open", "",
     "IOM 2024 · Modular Education · p. 33 · “not state funded”"),
    (23, 3, 1, 5, 3, "en", "Develop the guideline for hiring permit holders as professionals together with experts by "
     "experience.", "incorporated", "The recommendation now names experts by experience among the partners.",
     "IOM 2024 · Support Professionals › Good examples · p. 31 · “experts by experience”"),
)


def load_review_demo() -> int:
    """Model the demo's field test as round 1 of the demo report once; returns 1 when created."""
    report = db.session.scalar(select(Report).where(Report.key == "demo"))
    if report is None or db.session.scalar(select(ReviewRound.id).where(ReviewRound.report_id == report.id)):
        return 0
    activities = list(db.session.scalars(select(Activity).where(Activity.type == "field_test")
                                         .order_by(Activity.number)))
    if not activities:
        return 0
    opened = min(a.starts_on for a in activities if a.starts_on) if any(a.starts_on for a in activities) \
        else date(2024, 3, 1)
    due = max((a.ends_on or a.starts_on for a in activities if a.starts_on), default=opened + timedelta(days=60))
    opened_at = datetime.combine(opened, time(9), tzinfo=timezone.utc)
    review_round = ReviewRound(report=report, number=1, activity=activities[0], due_on=due, opened_at=opened_at,
                               texts=freeze_texts(report), chapter_ids=[])
    next_number = (db.session.scalar(select(Contributor.pseudonym_number).where(Contributor.kind == "stakeholder")
                                     .order_by(Contributor.pseudonym_number.desc()).limit(1)) or 0) + 1
    by_number: dict[int, ReviewAssignment] = {}
    span = max((due - opened).days - 10, 1)
    for index, activity in enumerate(activities):
        organisation = activity.organisations[0] if activity.organisations else None
        # Demo reviewers are pseudonyms only: no name, no contact.
        reviewer = Contributor(kind="stakeholder", pseudonym_number=next_number + index, language="nl",
                               organisation=organisation)
        assignment = ReviewAssignment(
            contributor=reviewer, token_hash=hash_token(secrets.token_urlsafe(32)),  # nobody holds this link
            expires_at=datetime.combine(due + timedelta(days=LINK_DAYS_AFTER_DUE), time(22), tzinfo=timezone.utc),
            created_at=opened_at,
            submitted_at=opened_at + timedelta(days=round(index * span / max(len(activities) - 1, 1)), hours=index % 7))
        review_round.assignments.append(assignment)
        by_number[activity.number] = assignment
    db.session.add(review_round)
    db.session.flush()
    _demo_comments(review_round, by_number, {a.number: a for a in activities})
    db.session.flush()
    return 1


def _demo_comments(review_round: ReviewRound, by_number: dict[int, ReviewAssignment],
                   activities: dict[int, Activity]) -> None:
    chapters = review_round.texts["chapters"]
    for number, c_pos, r_pos, relevance, workability, language, text, disposition, response, reference in DEMO_COMMENTS:
        assignment = by_number.get(number)
        if assignment is None or c_pos >= len(chapters) or r_pos >= len(chapters[c_pos]["recommendations"]):
            continue
        chapter = chapters[c_pos]
        recommendation = chapter["recommendations"][r_pos]
        comment = ReviewComment(target="recommendation", chapter_id=chapter["id"],
                                recommendation_id=recommendation["id"], relevance=relevance, workability=workability,
                                text=text, language=language, disposition=disposition, response=response,
                                handled_at=assignment.submitted_at + timedelta(days=14) if disposition != "open"
                                else None, created_at=assignment.submitted_at)
        assignment.comments.append(comment)
        db.session.flush()
        organisation = assignment.contributor.organisation
        finding, _new = create_finding_once(FindingInput(
            activity_id=activities[number].id, text=text, kind="observation", language=language,
            theme_codes=[chapter["theme_code"]], stakeholder_type=organisation.stakeholder_type if organisation else None,
            organisation_id=organisation.id if organisation else None, contributor_id=assignment.contributor.id,
            source_reference=reference,
            client_id=uuid.uuid5(FINDING_NAMESPACE, f"demo-review-comment-{number}-{recommendation['id']}")),
            None, commit=False)
        comment.finding_id = finding.id
