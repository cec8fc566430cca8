"""The report: texts, theme chapters, recommendations with their evidence, sources and built versions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, CheckConstraint, Column, ForeignKey, LargeBinary, String, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Finding
from ..i18n import _l
from ..projects.scope import ProjectScoped, child_of, link_of
from ..reference.models import GoodExample
from ..surveys.models import Survey
from ..themes.models import Theme

REPORT_LANGUAGES = ("nl", "en")
REPORT_FORMATS = ("pdf", "docx")
BUILD_STATUSES = ("queued", "running", "done", "failed")

#: The bilingual free texts of a report, in the order the report prints them.
REPORT_TEXT_FIELDS = ("title", "subtitle", "author_organisation", "funder_notice", "emblem_alt", "keywords",
                      "colophon", "disclaimer", "acknowledgements", "executive_summary", "project", "scope",
                      "problem_analysis", "literature_review")
#: Emblems a report may show on its cover: our own drawings in static/emblems/, as SVG for the
#: PDF and PNG for the DOCX. Only these are loaded, like every file the renderer reads (pdf.py).
EMBLEMS = {"eu": {"svg": "emblems/eu-flag.svg", "png": "emblems/eu-flag.png", "label": _l("Flag of the European Union")}}
#: Where a numbered box can stand: a chapter of its own, or one of the report's texts.
BOX_SECTIONS = ("project", "scope", "problem_analysis", "chapter")

chapter_good_examples = link_of("chapter_id", Table(
    "report_chapter_good_examples",
    db.metadata,
    Column("chapter_id", ForeignKey("report_chapters.id", ondelete="CASCADE"), primary_key=True),
    Column("good_example_id", ForeignKey("good_examples.id", ondelete="CASCADE"), primary_key=True, index=True),
))

#: Surveys whose result charts a chapter prints (open or closed ordinary surveys;
#: see survey_results.chapter_survey_choices).
chapter_surveys = link_of("chapter_id", Table(
    "report_chapter_surveys",
    db.metadata,
    Column("chapter_id", ForeignKey("report_chapters.id", ondelete="CASCADE"), primary_key=True),
    Column("survey_id", ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True, index=True),
))


class Report(ProjectScoped, db.Model):
    __tablename__ = "reports"
    __audit_kind__ = "report"  # its create, update, delete are audited
    __table_args__ = (UniqueConstraint("project_id", "key", name="uq_reports_project_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A stable handle for reports that code creates (the demo report is "demo"); None for others.
    key: Mapped[str | None] = mapped_column(String(40))
    title_nl: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    subtitle_nl: Mapped[str] = mapped_column(String(300), default="")
    subtitle_en: Mapped[str] = mapped_column(String(300), default="")
    #: As printed on the cover, e.g. "IOM Netherlands".
    authors: Mapped[str] = mapped_column(String(300), default="")
    #: The cover line in Dutch / English ("lerend netwerk LEARN"); empty: `authors` as typed.
    authors_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    authors_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    report_date: Mapped[date | None]
    colophon_nl: Mapped[str] = mapped_column(Text, default="")
    colophon_en: Mapped[str] = mapped_column(Text, default="")
    acknowledgements_nl: Mapped[str] = mapped_column(Text, default="")
    acknowledgements_en: Mapped[str] = mapped_column(Text, default="")
    executive_summary_nl: Mapped[str] = mapped_column(Text, default="")
    executive_summary_en: Mapped[str] = mapped_column(Text, default="")
    scope_nl: Mapped[str] = mapped_column(Text, default="")
    scope_en: Mapped[str] = mapped_column(Text, default="")
    problem_analysis_nl: Mapped[str] = mapped_column(Text, default="")
    problem_analysis_en: Mapped[str] = mapped_column(Text, default="")
    #: A chapter about the project itself (LEARN: the learning network, its aims and partners).
    project_nl: Mapped[str] = mapped_column(Text, default="", server_default="")
    project_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The literature review, printed in the methodology after the activities.
    literature_review_nl: Mapped[str] = mapped_column(Text, default="", server_default="")
    literature_review_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The organisation that wrote the report, on the cover and in the colophon ("International
    #: Organization for Migration (IOM)" / "Internationale Organisatie voor Migratie (IOM)").
    author_organisation_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    author_organisation_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The funder's line on the cover, beside the emblem ("Funded by the European Union").
    funder_notice_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    funder_notice_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: A key of EMBLEMS shown on the cover with the funder's line; None: no emblem.
    emblem: Mapped[str | None] = mapped_column(String(40))
    #: What the emblem shows, for readers who cannot see it (the PDF's /Alt).
    emblem_alt_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    emblem_alt_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The funder's or author's disclaimer, printed in the colophon.
    disclaimer_nl: Mapped[str] = mapped_column(Text, default="", server_default="")
    disclaimer_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Keywords in the colophon and the PDF's metadata; empty: the report's general keywords.
    keywords_nl: Mapped[str] = mapped_column(String(500), default="", server_default="")
    keywords_en: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: Print an annex "How the review was used": every review comment with its disposition.
    review_annex: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Print every linked finding in an evidence annex after the appendices.
    evidence_annex: Mapped[bool] = mapped_column(default=False)
    #: The title in further languages members read (the outcome page and mail): {"ar": {"title": ...}}
    #: (webapp/reader_texts.py); Dutch and English stay in their own columns.
    extra_texts: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chapters: Mapped[list[ReportChapter]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportChapter.position")
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportVersion.id.desc()")
    boxes: Mapped[list[ReportBox]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportBox.position")

    def __repr__(self) -> str:
        return f"<Report {self.id}>"


@child_of("report")
class ReportChapter(db.Model):
    """One chapter per recommendation theme: the author's introduction and the recommendations."""

    __tablename__ = "report_chapters"

    __audit_kind__ = "chapter"  # its create, update, delete are audited
    __table_args__ = (UniqueConstraint("report_id", "theme_id", name="uq_report_chapters_report_theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    intro_nl: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    #: The title in further languages members read: {"ar": {"title": ...}} (its Dutch and English
    #: title are its theme's labels).
    extra_texts: Mapped[dict | None] = mapped_column(JSON)

    report: Mapped[Report] = relationship(back_populates="chapters")
    theme: Mapped[Theme] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="chapter", cascade="all, delete-orphan", order_by="Recommendation.position")
    good_examples: Mapped[list[GoodExample]] = relationship(secondary=chapter_good_examples,
                                                            order_by=GoodExample.id)
    surveys: Mapped[list[Survey]] = relationship(secondary=chapter_surveys, order_by=Survey.id)

    @property
    def title_nl(self) -> str:
        """A chapter is titled by its theme (read as `title` by webapp/reader_texts.py)."""
        return self.theme.label_nl if self.theme else ""

    @property
    def title_en(self) -> str:
        return self.theme.label_en if self.theme else ""


@child_of("chapter.report")
class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __audit_kind__ = "recommendation"  # its create, update, delete are audited

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("report_chapters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title_nl: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_nl: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    #: The title in further languages members read: {"ar": {"title": ...}}.
    extra_texts: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chapter: Mapped[ReportChapter] = relationship(back_populates="recommendations")
    evidence: Mapped[list[RecommendationFinding]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="RecommendationFinding.finding_id")


@child_of("finding")
class RecommendationFinding(db.Model):
    """A finding that supports a recommendation; `quoted` prints its words in the report."""

    __tablename__ = "recommendation_findings"

    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    quoted: Mapped[bool] = mapped_column(default=False)

    recommendation: Mapped[Recommendation] = relationship(back_populates="evidence")
    finding: Mapped[Finding] = relationship()


@child_of("report")
class ReportBox(db.Model):
    """A numbered box ("Box 1 The potential of work-study programmes") in a chapter or a report text.

    Boxes and the chapters' good examples are numbered together in the order the report prints them;
    an unnumbered box (`numbered` false) takes no number. In a chapter a box stands after the
    introduction, or after the recommendation it names.
    """

    __tablename__ = "report_boxes"
    __table_args__ = (
        CheckConstraint(f"section IN ({', '.join(repr(s) for s in BOX_SECTIONS)})", "known_section"),
        CheckConstraint("(section = 'chapter') = (chapter_id IS NOT NULL)", "chapter_when_in_chapter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(20), default="chapter")
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("report_chapters.id", ondelete="CASCADE"), index=True)
    #: In a chapter: the recommendation the box follows; None: after the chapter's introduction.
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id", ondelete="SET NULL"),
                                                         index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: False: a box without a number ("Sectoral development paths" in the LEARN report).
    numbered: Mapped[bool] = mapped_column(default=True, server_default="1")
    title_nl: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    body_nl: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="boxes")
    chapter: Mapped[ReportChapter | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()


class Source(ProjectScoped, db.Model):
    """An entry of the sources register; authors cite it in any text as [^key], printed as a footnote."""

    __tablename__ = "report_sources"

    __audit_kind__ = "source"  # its create, update, delete are audited
    __table_args__ = (UniqueConstraint("project_id", "key", name="uq_report_sources_project_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short, stable handle used in the texts: "wrr-2015".
    key: Mapped[str] = mapped_column(String(60))
    citation_nl: Mapped[str] = mapped_column(Text, default="")
    citation_en: Mapped[str] = mapped_column(Text, default="")
    #: Printed as text, never fetched or linked by the PDF renderer.
    url: Mapped[str] = mapped_column(String(1000), default="")


@child_of("report")
class ReportVersion(db.Model):
    """A build of a report: queued, then running with progress, then an immutable numbered file."""

    __tablename__ = "report_versions"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in BUILD_STATUSES)})", "known_status"),
        CheckConstraint("language IN ('nl', 'en')", "known_language"),
        CheckConstraint("format IN ('pdf', 'docx')", "known_format"),
        CheckConstraint("progress >= 0 AND progress <= 100", "progress_percent"),
        UniqueConstraint("report_id", "number", name="uq_report_versions_report_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3... per report, given when the build succeeds; None while building or after a failure.
    number: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(2))
    format: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    #: SHA-256 of everything that goes into the file: an unchanged report hashes the same.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: Renderer and data counter the file was built from (webapp/data_version.py): the same key
    #: again means an unchanged report, found without collecting it.
    input_key: Mapped[str | None] = mapped_column(String(40), index=True)
    #: The built file; deferred so that listing versions does not load every PDF.
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    size: Mapped[int] = mapped_column(default=0)
    #: A short technical reason when the build failed (no user text in it).
    error: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Ids of the findings whose words the file prints (quotes, evidence annex); None for
    #: versions built before this was kept. An erasure withdraws the versions that printed any.
    printed_finding_ids: Mapped[list | None] = mapped_column(JSON)
    #: Ids of the photos the file prints as figures (figures.py): an erasure of a photo's person withdraws it.
    printed_photo_ids: Mapped[list | None] = mapped_column(JSON)
    #: Set when an erasure withdrew the version: its file is deleted, its number stays.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the version was published (services.publish_version); a published version is final:
    #: the newest published one per language is the report's public download.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="versions")

    @property
    def filename(self) -> str:
        return f"report-{self.report_id}-v{self.number or 0}-{self.language}.{self.format}"

    def __repr__(self) -> str:
        return f"<ReportVersion {self.id} {self.status}>"


@child_of("version.report")
class PublicationOverride(db.Model):
    """Why a version was published although its preflight listed open items.

    The reason is free text someone typed (it may name people), so it is kept here, beside the
    version, not in the audit log, which refuses free text: the audit entry of the publication
    holds the open items' codes, their number and this row's id instead.
    """

    __tablename__ = "publication_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    #: The open items when it was published: [{"code": "untranslated", "count": 3}, ...].
    open_items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ReportVersion] = relationship()
