"""The methodology chapter and appendices A-C, every number counted in the activity register."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..themes.models import Theme
from .labels import label, label_n
from .texts import activity_title, printed_date, with_date


def activities_by_type() -> dict[str, list[Activity]]:
    by_type: dict[str, list[Activity]] = {}
    # Fictional examples (type "sample") show a feature; they are no part of what was done.
    for activity in db.session.scalars(
            select(Activity).where(Activity.status == "held", Activity.type != "sample")
            .options(selectinload(Activity.organisations)).order_by(Activity.type, Activity.number)):
        by_type.setdefault(activity.type, []).append(activity)
    return by_type


def _themes(group: str, language: str) -> list[str]:
    """The labels of a group of the codebook, in its order: the kick-off's themes, the meetings' topics."""
    return [getattr(t, f"label_{language}") or t.label_en for t in db.session.scalars(
        select(Theme).where(Theme.theme_group == group, Theme.archived.is_(False)).order_by(Theme.position, Theme.id))]


#: Where the methodology prints the report's literature review (its text is the author's).
LITERATURE = "literature"


def methodology(by_type: dict[str, list[Activity]], language: str, review: dict | None = None,
                with_literature: bool = False) -> dict:
    """Headings and sentences of the methodology chapter, every number counted in the register,
    lettered A, B, C... in the order the activities took place (the literature review, when the
    report has one, before the testing with the field, which includes the taking-stock sessions).

    `review` (webapp.review.annex.field_test_summary, asked through webapp/signals.py) replaces
    the register's field-test activities when the report's draft was reviewed in Klankbord's
    own review rounds.
    """

    def dates(activities):
        days = [a.starts_on for a in activities if a.starts_on]
        return (min(days), max(days)) if days else (None, None)

    def month_or_day(activities, which):
        items = [a for a in activities if a.starts_on]
        if not items:
            return label("date_unknown", language)
        item = min(items, key=lambda a: a.starts_on) if which == "first" else max(items, key=lambda a: a.starts_on)
        return printed_date(item.starts_on, language, item.date_precision)

    everything = [a for items in by_type.values() for a in items]
    sections = []
    kickoff = by_type.get("kickoff", [])
    if kickoff:
        sections.append((label("m_kickoff", language), label(
            "m_kickoff_text", language, date=printed_date(kickoff[0].starts_on, language, kickoff[0].date_precision),
            title=activity_title(kickoff[0], language)), _themes("learning-network", language),
            label("m_kickoff_themes", language)))
    meetings = by_type.get("ln_meeting", [])
    if meetings:
        sections.append((label("m_ln_meeting", language, n=len(meetings)), label(
            "m_ln_meeting_text", language, n=len(meetings), first=month_or_day(meetings, "first"),
            last=month_or_day(meetings, "last")), _themes("topic", language), label("m_topics", language)))
    consultations = by_type.get("consultation", [])
    if consultations:
        orgs = {o.id for a in consultations for o in a.organisations}
        sections.append((label("m_consultation", language, n=len(consultations)), label(
            "m_consultation_text", language, n=len(consultations),
            organisations=label_n("n_organisations", language, len(orgs)),
            first=month_or_day(consultations, "first"), last=month_or_day(consultations, "last"))))
    exchanges = by_type.get("exchange", [])
    if exchanges:
        items = [with_date(activity_title(a, language), printed_date(a.starts_on, language, a.date_precision))
                 for a in exchanges]
        joined = (", ".join(items[:-1]) + f" {label('and', language)} " + items[-1]) if len(items) > 1 else items[0]
        sections.append((label("m_exchange", language, n=len(exchanges)),
                         label("m_exchange_text", language, n=len(exchanges), list=joined)))
    maab = by_type.get("maab", [])
    if maab:
        members = db.session.scalar(select(func.count()).select_from(Contributor).where(
            Contributor.kind == "advisory_member", Contributor.sample.is_(False)))
        sections.append((label("m_maab", language, n=len(maab)), label(
            "m_maab_text_members" if members else "m_maab_text", language, n=len(maab), members=members)))
    if with_literature:  # before the testing of the results, as the activities happened
        sections.append((label("literature_review", language), LITERATURE))
    stock = by_type.get("taking_stock", [])
    stock_text = label("m_taking_stock_text", language, n=len(stock), date=month_or_day(stock, "first")) if stock else ""
    field = by_type.get("field_test", [])
    if stock and not (review or field):
        sections.append((label("m_taking_stock", language, n=len(stock)), stock_text))
    if review:
        period = printed_date(review["first"], language, "month")
        if (review["last"].year, review["last"].month) != (review["first"].year, review["first"].month):
            period += f" {label('and', language)} " + printed_date(review["last"], language, "month")
        sections.append((label("m_field_test", language), " ".join(filter(None, (stock_text, label(
            "m_field_test_text", language, contributions=label_n("n_contributions", language, len(review["contributions"])),
            organisations=label_n("n_organisations", language, review["organisations"]),
            period=period))))))
    elif field:
        orgs = {o.id for a in field for o in a.organisations}
        first, _ = dates(field)
        last = max((a.ends_on or a.starts_on for a in field if a.starts_on), default=None)
        period = printed_date(first, language, "month")
        if last and (last.year, last.month) != (first.year, first.month):
            period += f" {label('and', language)} " + printed_date(last, language, "month")
        sections.append((label("m_field_test", language), " ".join(filter(None, (stock_text, label(
            "m_field_test_text", language, contributions=label_n("n_contributions", language, len(field)),
            organisations=label_n("n_organisations", language, len(orgs)), period=period))))))
    first, _ = dates(everything)
    last = max((a.ends_on or a.starts_on for a in everything if a.starts_on), default=None)
    finding_count = db.session.scalar(select(func.count()).select_from(Finding).join(Activity)
                                      .where(Activity.type != "sample"))
    return {
        "intro": label("m_intro", language, first=printed_date(first, language, "month"),
                       last=printed_date(last, language, "month")),
        "sections": [{"heading": f"{chr(ord('A') + index)}. {section[0]}",
                      "text": "" if section[1] == LITERATURE else section[1],
                      "literature": section[1] == LITERATURE,
                      "topics": section[2] if len(section) > 2 else [],
                      "topics_intro": section[3] if len(section) > 3 else ""}
                     for index, section in enumerate(sections[:26])],
        "closing": label("m_findings", language, n=finding_count),
    }


def appendices(by_type: dict[str, list[Activity]], language: str, review: dict | None = None) -> dict:
    """The appendices as the register holds them, in the report's language.

    B prints each consultation's own title, so what tells rows apart stays ("1st interview",
    "unit PDV", "/ Municipality of Alkmaar"); C is in the order the contributions came in,
    numbered as in the register (no. 1 is SCP), or the reviewers' contributions from review
    rounds when there are any.
    """
    return {
        "a": [{"number": a.number, "date": printed_date(a.starts_on, language, a.date_precision),
               "title": activity_title(a, language)} for a in by_type.get("ln_meeting", [])],
        "b": [{"number": a.number, "date": printed_date(a.starts_on, language, a.date_precision),
               "organisation": activity_title(a, language)} for a in by_type.get("consultation", [])],
        "c": review["contributions"] if review else [
            {"number": a.number, "organisation": activity_title(a, language)}
            for a in sorted(by_type.get("field_test", []), key=lambda a: a.number)],
    }
