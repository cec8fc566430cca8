"""What the reports add to the features below them, connected at start-up (webapp/signals.py,
contributors/erasure.py): the evidence matrix's recommendations, and what an erasure or a
person's data request finds in reports."""
from __future__ import annotations

from sqlalchemy import delete, select

from .. import signals
from ..contributors.access_request import when
from ..contributors.erasure import Erasure, PersonalData, register
from ..extensions import db
from ..jobs.models import Job
from .builds import withdraw_versions_printing
from .evidence import recommendation_sources
from .models import Recommendation, RecommendationFinding, Report, ReportChapter, ReportVersion


@signals.evidence_matrix_recommendations.connect
def _recommendation_sources(_sender) -> list[dict]:
    """The evidence matrix (analysis) lists every recommendation and where its evidence comes from."""
    return recommendation_sources()


def _erase(erasure: Erasure) -> None:
    erasure.detail["report_versions_withdrawn"] = withdraw_versions_printing(erasure.finding_ids, erasure.photo_ids)
    # A build job carries the report's collected texts as its arguments: finished ones
    # (done or failed) are only a record, so they go rather than keep the person's words.
    db.session.execute(delete(Job).where(Job.kind == "report_build", Job.state.in_(("done", "failed")))
                       .execution_options(synchronize_session=False))


def _export(_contributor, finding_ids: set[int]) -> dict[str, dict]:
    """Where the person's words were used: recommendations, and the versions that printed them."""
    links = db.session.execute(
        select(RecommendationFinding, Recommendation, Report)
        .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
        .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
        .join(Report, Report.id == ReportChapter.report_id)
        .where(RecommendationFinding.finding_id.in_(finding_ids or {0})))
    versions = db.session.execute(select(ReportVersion, Report).join(Report, Report.id == ReportVersion.report_id)
                                  .where(ReportVersion.status == "done").order_by(ReportVersion.id))
    return {"where_used.json": {
        "recommendations": [{"finding_id": link.finding_id, "quoted": link.quoted,
                             "report": report.title_nl or report.title_en,
                             "recommendation": rec.title_nl or rec.title_en} for link, rec, report in links],
        "report_versions": [{"report": report.title_nl or report.title_en, "version": v.number,
                             "language": v.language, "format": v.format, "built_at": when(v.finished_at),
                             "withdrawn_at": when(v.withdrawn_at)}
                            for v, report in versions
                            if v.printed_finding_ids and finding_ids & set(v.printed_finding_ids)],
    }}


#: Versions that printed the person's words are withdrawn (contributors/erasure.py).
register(PersonalData(tables=(), counts=("report_versions_withdrawn",), erase_everything=_erase, export=_export))
