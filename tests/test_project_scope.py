"""The scope hook adds loader criteria only for the tables a statement reads (issue 17's
benchmark: ~20 criteria on every statement cost more than the statement). These tests pin
that leaving the others out never lets another project's rows through."""
from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.projects.scope import in_project, set_scope, tables_in
from webapp.reports.models import Recommendation, Report, ReportChapter
from webapp.surveys.models import Question, Survey

from .test_projects import demo  # noqa: F401 - the fixture that loads both demo projects


def test_tables_in_sees_joins_aliases_and_subqueries():
    chapter = aliased(ReportChapter)
    assert tables_in(select(Finding).where(Finding.id == 1)) == {"findings"}
    assert tables_in(select(Recommendation).join(chapter, Recommendation.chapter)) == {
        "recommendations", "report_chapters"}
    assert {"reports", "report_chapters"} <= tables_in(
        select(Report).where(Report.id.in_(select(ReportChapter.report_id))))
    assert {"surveys", "survey_questions"} <= tables_in(
        select(func.count()).select_from(Survey).where(exists().where(Question.survey_id == Survey.id)))


def test_child_rows_of_another_project_stay_hidden_in_joins_and_subqueries(app, demo):  # noqa: F811
    learn, pilot = demo
    set_scope(None, None)
    every_chapter = set(db.session.scalars(select(ReportChapter.id)))
    with in_project(learn):
        learn_chapters = set(db.session.scalars(select(ReportChapter.id)))
    assert learn_chapters, "the demo's LEARN report has chapters"
    assert learn_chapters <= every_chapter
    with in_project(pilot):
        # Straight, through a join from the parent, through an aliased join and in a subquery.
        assert not learn_chapters & set(db.session.scalars(select(ReportChapter.id)))
        assert not learn_chapters & set(db.session.scalars(
            select(ReportChapter.id).join(Report, ReportChapter.report)))
        alias = aliased(ReportChapter)
        assert not learn_chapters & set(db.session.scalars(select(alias.id)))
        assert db.session.scalar(select(func.count()).select_from(Recommendation)
                                 .where(Recommendation.chapter_id.in_(learn_chapters))) == 0
        assert db.session.get(ReportChapter, min(learn_chapters)) is None
