"""Arranging a report: boxes and where they stand, recommendations' order, and deleting one."""
from __future__ import annotations

from sqlalchemy import select

from .. import signals
from ..db_types import utcnow
from ..extensions import db
from ..i18n import _, localized
from ..reference.models import GoodExample
from ..signals import answers
from .models import Recommendation, Report, ReportBox
from .texts import TEXT_FIELD_LABELS, ReportError


def box_places(report: Report) -> list[tuple[str, str]]:
    """Where a box can stand in `report`: (value, label in the interface language)."""
    places = [("project", str(TEXT_FIELD_LABELS["project"])), ("scope", str(TEXT_FIELD_LABELS["scope"])),
              ("problem_analysis", str(TEXT_FIELD_LABELS["problem_analysis"]))]
    for index, chapter in enumerate(report.chapters, start=1):
        places.append((f"chapter:{chapter.id}", _("Chapter %(number)s (%(theme)s)", number=index,
                                                  theme=localized(chapter.theme, "label"))))
        places += [(f"recommendation:{r.id}", _("After recommendation %(number)s (%(title)s)",
                                                number=f"{index}.{r_index}", title=localized(r, "title")))
                   for r_index, r in enumerate(chapter.recommendations, start=1)]
    return places


def box_place(box: ReportBox) -> str:
    """The value of `box_places` where `box` stands."""
    if box.recommendation_id is not None:
        return f"recommendation:{box.recommendation_id}"
    return f"chapter:{box.chapter_id}" if box.section == "chapter" else box.section


def save_box(report: Report, box: ReportBox | None, place: str, position: int, texts: dict[str, str],
             numbered: bool = True) -> ReportBox:
    """Create or change a box; `place` is a value of `box_places` (a chapter's introduction, or
    after one of its recommendations)."""
    section, _sep, item_id = place.partition(":")
    chapters = {c.id: c for c in report.chapters}
    recommendation = None
    if section == "recommendation":
        recommendations = {r.id: r for c in report.chapters for r in c.recommendations}
        recommendation = recommendations.get(int(item_id)) if item_id.isdigit() else None
        if recommendation is None:
            raise ReportError(_("Choose a recommendation of this report."))
        section, chapter = "chapter", recommendation.chapter
    elif section == "chapter":
        chapter = chapters.get(int(item_id)) if item_id.isdigit() else None
        if chapter is None:
            raise ReportError(_("Choose a chapter of this report."))
    elif section in ("project", "scope", "problem_analysis"):
        chapter = None
    else:
        raise ReportError(_("Choose where the box stands."))
    if box is None:
        box = ReportBox()
        report.boxes.append(box)
    box.section, box.chapter, box.recommendation, box.position = section, chapter, recommendation, position
    box.numbered = numbered
    for name, value in texts.items():
        setattr(box, name, value or "")
    report.updated_at = utcnow()
    db.session.commit()
    return box


def good_examples() -> list[GoodExample]:
    return list(db.session.scalars(select(GoodExample).order_by(GoodExample.title_en)))


def move_recommendation(recommendation: Recommendation, offset: int) -> None:
    """Move a recommendation up (-1) or down (+1) among its chapter's; numbering follows order."""
    siblings = list(recommendation.chapter.recommendations)
    index = siblings.index(recommendation)
    target = index + offset
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
        recommendation.chapter.report.updated_at = utcnow()
        db.session.commit()


def delete_recommendation(recommendation: Recommendation) -> None:
    """Delete a recommendation that no reviewer has commented on.

    Review comments must keep pointing at what they were about (the dispositions board and
    the changes-since-review page read them), so such a recommendation stays; its text can
    still be changed.
    """
    refused = answers(signals.recommendation_deleting.send(recommendation))
    if refused:
        raise ReportError(refused[0])
    chapter = recommendation.chapter
    db.session.delete(recommendation)
    db.session.flush()
    db.session.expire(chapter, ["recommendations"])
    for position, sibling in enumerate(chapter.recommendations):
        sibling.position = position
    chapter.report.updated_at = utcnow()
    db.session.commit()
