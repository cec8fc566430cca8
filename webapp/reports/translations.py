"""What a build would print untranslated, and the translation screen's queue: author texts
filled in one language only, register names, and printed findings in another language."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import signals
from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Finding, FindingTranslation
from ..findings.services import set_translation
from ..i18n import _, localized
from ..organisations.models import Organisation
from ..signals import answers
from ..text import TextRefused, clean_text
from .models import REPORT_LANGUAGES, REPORT_TEXT_FIELDS, Recommendation, RecommendationFinding, Report, ReportChapter
from .survey_results import REPORTED_QUESTION_TYPES
from .texts import GOOD_EXAMPLE_FIELDS, TEXT_FIELD_LABELS, ReportError


@dataclass(frozen=True)
class MissingText:
    where: str  # stable, for the CLI and tests: "report", "chapter 2", "recommendation 3.2", ...
    field: str  # e.g. "intro", "title"
    #: The same place in words for the screen, in the interface language.
    label: str = field(default="", compare=False)


def missing_translations(report: Report, language: str) -> list[MissingText]:
    """Texts filled in the other language but empty in `language`: shown before building."""
    other = "en" if language == "nl" else "nl"
    missing = []

    def check(obj, field_name, where, place):
        if not getattr(obj, f"{field_name}_{language}") and getattr(obj, f"{field_name}_{other}"):
            missing.append(MissingText(where, field_name, f"{place}: {TEXT_FIELD_LABELS[field_name]}"))

    for field_name in REPORT_TEXT_FIELDS:
        check(report, field_name, "report", _("Report"))
    for c_index, chapter in enumerate(report.chapters, start=1):
        chapter_place = _("Chapter %(number)s (%(theme)s)", number=c_index, theme=localized(chapter.theme, "label"))
        check(chapter, "intro", f"chapter {c_index}", chapter_place)
        for r_index, recommendation in enumerate(chapter.recommendations, start=1):
            for field_name in ("title", "body"):
                check(recommendation, field_name, f"recommendation {c_index}.{r_index}",
                      _("Recommendation %(number)s", number=f"{c_index}.{r_index}"))
        for example in chapter.good_examples:
            for field_name in ("title", "place", *GOOD_EXAMPLE_FIELDS):
                check(example, field_name, f"good example {example.id}",
                      _("Good example “%(title)s”", title=localized(example, "title")))
        for survey in chapter.surveys:
            check(survey, "title", f"survey {survey.id}", _("Survey “%(title)s”", title=localized(survey, "title")))
            for question in survey.questions:
                if question.type in REPORTED_QUESTION_TYPES:
                    check(question, "label", f"survey {survey.id}, question {question.position}",
                          _("Survey “%(title)s”, question %(number)s", title=localized(survey, "title"),
                            number=question.position))
    for b_index, box in enumerate(report.boxes, start=1):
        for field_name in ("title", "body"):
            check(box, field_name, f"box {box.id}", _("Box %(number)s", number=b_index))
    return missing


def missing_register_names(language: str) -> dict[str, list]:
    """Activities and organisations the report prints whose name in `language` is not filled in.

    The build prints the register's own spelling for them; the report page lists them so an
    author can fill them in on the activity and organisation screens first.
    """
    activities = [a for a in db.session.scalars(
        select(Activity).where(Activity.status == "held").order_by(Activity.type, Activity.number))
        if not getattr(a, f"title_{language}")]
    organisations = [o for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
                     if not getattr(o, f"display_name_{language}")]
    return {"activities": activities, "organisations": organisations}


def _printed_findings_query(report: Report):
    """The findings a build of `report` prints: the quoted ones, and all linked ones with an evidence annex."""
    query = (select(Finding).join(RecommendationFinding, RecommendationFinding.finding_id == Finding.id)
             .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
             .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
             .where(ReportChapter.report_id == report.id))
    if not report.evidence_annex:
        query = query.where(RecommendationFinding.quoted.is_(True))
    return query


def review_comment_findings(report: Report, language: str) -> list[Finding]:
    """The findings the review comments on `report` became (when the report prints its annex
    "How the review was used"), in another language than `language`: the annex prints each
    comment with its translation from the finding, so it is translated like any finding.
    The review answers (webapp/signals.py, `report_annex_findings`)."""
    if not report.review_annex:
        return []
    return [finding for found in answers(signals.report_annex_findings.send(report, language=language))
            for finding in found]


def untranslated_review_comments(report: Report, language: str) -> list[Finding]:
    """Review comments the annex prints in another language, with no translation into `language`."""
    return [f for f in review_comment_findings(report, language) if not f.translation_in(language)]


def untranslated_findings(report: Report, language: str) -> list[Finding]:
    """Printed findings in another language with no translation into `language`; quoted ones first."""
    findings = db.session.scalars(_printed_findings_query(report).where(Finding.language != language)
                                  .options(selectinload(Finding.translations)).distinct()).all()
    quoted = set(db.session.scalars(_printed_findings_query(report).where(RecommendationFinding.quoted.is_(True))
                                    .with_only_columns(Finding.id)))
    return sorted((f for f in findings if not f.translation_in(language)), key=lambda f: (f.id not in quoted, f.id))


#: The longest translation the translation screen accepts (a finding's text has no other limit).
TRANSLATION_MAX_LENGTH = 10_000


def save_translation(finding: Finding, language: str, text: str, checked: bool) -> FindingTranslation | None:
    """Store (or with empty `text` remove) the translation of `finding` into `language`."""
    if language not in REPORT_LANGUAGES or language == finding.language:
        raise ReportError(_("A finding is translated into Dutch or English, not into its own language."))
    try:
        text = (clean_text(text or "") or "").strip()
    except TextRefused as error:
        raise ReportError(str(error)) from error
    if len(text) > TRANSLATION_MAX_LENGTH:
        raise ReportError(_("A translation can be at most %(max)s characters long.", max=TRANSLATION_MAX_LENGTH))

    stored = set_translation(finding, language, text, checked=bool(checked))
    db.session.commit()
    return stored


def translation_queue(report: Report, language: str) -> list[Finding]:
    """Findings a build of `report` in `language` prints, in another language: quoted ones first,
    those without a translation before those with one."""
    findings = db.session.scalars(_printed_findings_query(report).where(Finding.language != language).options(
        selectinload(Finding.translations), selectinload(Finding.activity)).distinct()).all()
    quoted = set(db.session.scalars(_printed_findings_query(report).where(RecommendationFinding.quoted.is_(True))
                                    .with_only_columns(Finding.id)))
    comments = {f.id: f for f in review_comment_findings(report, language)}
    findings = list({f.id: f for f in (*findings, *comments.values())}.values())
    return sorted(findings, key=lambda f: (bool(f.translation_in(language)), f.id not in quoted, f.id in comments,
                                           f.id))
