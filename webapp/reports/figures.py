"""Photos in a report: an author places a cleared photo as a figure in a chapter or a box, with
alternative text and a caption in both languages (both required). A build prints the figures
of photos that are still cleared, numbered in print order ("Photo 1", "Foto 1"); the PDF as a
tagged figure with /Alt (PDF/UA), the DOCX as a picture whose description is the same text.
A photo that may show people or names never prints: its figures are listed as not printed."""
from __future__ import annotations

from datetime import datetime
from itertools import count

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..forms import BaseForm
from ..i18n import _, _l
from ..photos.models import Photo
from ..photos.storage import read_file
from ..projects.scope import child_of
from .models import Report, ReportBox, ReportChapter, ReportVersion

#: How a figure's photo is asked of the PDF renderer (pdf.StaticOnlyFetcher serves only these).
PHOTO_SCHEME = "klankbord-photo:"


@child_of("report")
class ReportFigure(db.Model):
    """A cleared photo placed in a chapter or a box, with its alternative text and caption."""

    __tablename__ = "report_figures"
    __audit_kind__ = "figure"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint("(chapter_id IS NULL) <> (box_id IS NULL)", "in_chapter_or_box"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("report_chapters.id", ondelete="CASCADE"), index=True)
    box_id: Mapped[int | None] = mapped_column(ForeignKey("report_boxes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: What the photo shows, for readers who cannot see it (the PDF's /Alt, the DOCX's description).
    alt_nl: Mapped[str] = mapped_column(Text, default="")
    alt_en: Mapped[str] = mapped_column(Text, default="")
    caption_nl: Mapped[str] = mapped_column(String(500), default="")
    caption_en: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship()
    photo: Mapped[Photo] = relationship()
    chapter: Mapped[ReportChapter | None] = relationship()
    box: Mapped[ReportBox | None] = relationship()

    @property
    def printable(self) -> bool:
        return not self.photo.may_show_people


class FigureForm(BaseForm):
    photo_id = RadioField(_l("Photo"), coerce=int, validators=[InputRequired(_l("Choose a cleared photo."))])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(0, 1000)], default=0)
    alt_nl = TextAreaField(_l("Alternative text (Dutch)"), validators=[InputRequired(), Length(max=2000)],
                           description=_l("What the photo shows, for readers who cannot see it."))
    alt_en = TextAreaField(_l("Alternative text (English)"), validators=[InputRequired(), Length(max=2000)])
    caption_nl = StringField(_l("Caption (Dutch)"), validators=[InputRequired(), Length(max=500)])
    caption_en = StringField(_l("Caption (English)"), validators=[InputRequired(), Length(max=500)])


def cleared_photos() -> list[Photo]:
    """The photos an author may place: cleared ones of the project, newest first."""
    return list(db.session.scalars(select(Photo).where(Photo.cleared_at.is_not(None))
                                   .options(selectinload(Photo.activity)).order_by(Photo.created_at.desc())))


def figures_of(report_id: int, chapter_id: int | None = None, box_id: int | None = None) -> list[ReportFigure]:
    where = ReportFigure.chapter_id == chapter_id if chapter_id is not None else ReportFigure.box_id == box_id
    return list(db.session.scalars(select(ReportFigure).where(ReportFigure.report_id == report_id, where)
                                   .options(selectinload(ReportFigure.photo))
                                   .order_by(ReportFigure.position, ReportFigure.id)))


def save_figure(figure: ReportFigure, form: FigureForm) -> None:
    photo = db.session.get(Photo, form.photo_id.data)
    if photo is None or photo.may_show_people:
        raise ValueError(_("Choose a cleared photo."))
    figure.photo = photo
    figure.position = form.position.data or 0
    for name in ("alt_nl", "alt_en", "caption_nl", "caption_en"):
        setattr(figure, name, getattr(form, name).data.strip())
    db.session.add(figure)
    db.session.commit()


# ---------------------------------------------------------------- what a build prints

class FigurePrinter:
    """The report's printable figures as plain data, numbered in the order they are asked for
    (collect.py asks in print order)."""

    def __init__(self, report: Report, language: str):
        self.language = language
        self.numbers = count(1)
        self.figures = list(db.session.scalars(select(ReportFigure).where(ReportFigure.report_id == report.id)
                                               .options(selectinload(ReportFigure.photo))
                                               .order_by(ReportFigure.position, ReportFigure.id)))

    def _data(self, figures: list[ReportFigure]) -> list[dict]:
        return [{"number": next(self.numbers), "alt": getattr(f, f"alt_{self.language}"),
                 "caption": getattr(f, f"caption_{self.language}"), "photo_id": f.photo_id,
                 # The key names the file (a file is never changed under its key): a new photo, a new hash.
                 "file": f.photo.file_key, "width": f.photo.width, "height": f.photo.height}
                for f in figures if f.printable]

    def of_chapter(self, chapter_id: int) -> list[dict]:
        return self._data([f for f in self.figures if f.chapter_id == chapter_id])

    def of_box(self, box_id: int) -> list[dict]:
        return self._data([f for f in self.figures if f.box_id == box_id])


def printed_photo_ids(report: Report) -> list[int]:
    """The photos a build of `report` prints: kept on the version, so an erasure withdraws it."""
    return sorted({f.photo_id for f in db.session.scalars(select(ReportFigure).where(ReportFigure.report_id == report.id)
                                                           .options(selectinload(ReportFigure.photo)))
                   if f.printable})


def figure_files(data: dict) -> dict[str, bytes]:
    """The photo files a build's data names: {URL the PDF asks for: bytes}, nothing else."""
    files = {}
    for figure in every_figure(data):
        files.setdefault(PHOTO_SCHEME + figure["file"], read_file(figure["file"]))
    return files


def every_figure(data: dict) -> list[dict]:
    found = []
    for key in ("project_boxes", "scope_boxes", "problem_analysis_boxes"):
        for box in data.get(key, []):
            found += box.get("figures", [])
    for chapter in data.get("chapters", []):
        found += chapter.get("figures", [])
        for box in chapter.get("boxes", []):
            found += box.get("figures", [])
    return found


def versions_printing_photos(photo_ids: set[int]) -> list[int]:
    """Versions (not withdrawn) whose file prints any of `photo_ids`."""
    if not photo_ids:
        return []
    return [version_id for version_id, printed in db.session.execute(
        select(ReportVersion.id, ReportVersion.printed_photo_ids).where(ReportVersion.withdrawn_at.is_(None)))
        if printed and photo_ids & set(printed)]
