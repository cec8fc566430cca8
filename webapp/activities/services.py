"""The activity register: dates that may be known only to the month, numbering, filters."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from .models import Activity
from .types import ACTIVITY_TYPES, FORMATS_BY_TYPE


class ActivityError(ValueError):
    """Translated messages per form field; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class PartialDate:
    """A date as the register knows it: a day, or only a month (then `day` is the 1st)."""

    value: date
    precision: str  # "day" or "month"

    @property
    def last_day(self) -> date:
        if self.precision == "day":
            return self.value
        return self.value.replace(day=calendar.monthrange(self.value.year, self.value.month)[1])


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DUTCH_MONTH = re.compile(r"^(\d{1,2})[-/.](\d{4})$")


def parse_partial_date(text: str) -> PartialDate | None:
    """Read "2023-05-08", "8-5-2023", "2023-05" or "05-2023"; None for empty; ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if m := _ISO_DAY.match(text):
            return PartialDate(date(int(m[1]), int(m[2]), int(m[3])), "day")
        if m := _DUTCH_DAY.match(text):
            return PartialDate(date(int(m[3]), int(m[2]), int(m[1])), "day")
        if m := _MONTH.match(text):
            return PartialDate(date(int(m[1]), int(m[2]), 1), "month")
        if m := _DUTCH_MONTH.match(text):
            return PartialDate(date(int(m[2]), int(m[1]), 1), "month")
    except ValueError:
        pass
    raise ValueError(text)


def format_partial_date_input(value: date | None, precision: str) -> str:
    """How a stored date is shown back in the form field."""
    if value is None:
        return ""
    return value.strftime("%Y-%m") if precision == "month" else value.isoformat()


def next_number(activity_type: str) -> int:
    current = db.session.scalar(select(func.max(Activity.number)).where(Activity.type == activity_type))
    return (current or 0) + 1


@dataclass
class ActivityInput:
    """What a user (or the demo loader, or an import) gives for an activity."""

    type: str
    title: str
    number: int | None = None
    format: str | None = None
    status: str = "held"
    starts: PartialDate | None = None
    ends: PartialDate | None = None
    organisation_ids: tuple[int, ...] = ()
    facilitator_id: int | None = None
    notes: str = ""
    #: The title as a report prints it in Dutch / English (empty: the report prints `title`).
    title_nl: str = ""
    title_en: str = ""


def check_activity(activity: Activity | None, data: ActivityInput, today: date | None = None) -> dict[str, str]:
    """Every rule of the register that `data` breaks, as {field: translated message}.

    The screen shows them all at once, next to the form's own field checks.
    """
    today = today or date.today()
    errors: dict[str, str] = {}
    if data.type not in ACTIVITY_TYPES:
        errors["type"] = _("Unknown activity type.")
    elif data.format and data.format not in FORMATS_BY_TYPE[data.type]:
        errors["format"] = _("This format does not fit this type of activity.")
    if not (data.title or "").strip():
        errors["title"] = _("A title is required.")
    if data.ends and not data.starts:
        errors["starts"] = _("Give the start date too.")
    elif data.starts and data.ends and data.ends.last_day < data.starts.value:
        errors["ends"] = _("The end date lies before the start date.")
    if data.status == "held" and data.starts and data.starts.value > today:
        errors["starts"] = _("An activity that has been held cannot have a date in the future. "
                             "Mark it as planned, or correct the date.")
    if data.status == "planned" and data.starts and (data.ends or data.starts).last_day < today:
        errors["starts"] = _("A planned activity cannot lie in the past. Mark it as held, or correct the date.")
    if data.organisation_ids:
        found = db.session.scalar(select(func.count()).select_from(Organisation)
                                  .where(Organisation.id.in_(data.organisation_ids)))
        if found != len(set(data.organisation_ids)):
            errors["organisation_ids"] = _("Unknown organisation. Choose one from the list or add it to the "
                                           "register first.")
    if data.type in ACTIVITY_TYPES:
        number = _number_for(activity, data)
        clash = db.session.scalar(
            select(Activity.id).where(Activity.type == data.type, Activity.number == number,
                                      Activity.id != (activity.id if activity else -1)))
        if clash is not None:
            errors["number"] = _("There already is an activity of this type with number %(number)s.", number=number)
    return errors


def _number_for(activity: Activity | None, data: ActivityInput) -> int:
    """The number asked for, else the current one, else the next free one of the type."""
    if data.number:
        return data.number
    if activity is not None and activity.type == data.type:
        return activity.number
    return next_number(data.type)


def save_activity(activity: Activity | None, data: ActivityInput, today: date | None = None) -> Activity:
    """Create (activity=None) or change an activity after checking the register's rules."""
    errors = check_activity(activity, data, today)
    if errors:
        raise ActivityError(errors)
    number = _number_for(activity, data)
    organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(data.organisation_ids)))) if data.organisation_ids else []
    if activity is None:
        activity = Activity()
        db.session.add(activity)
    activity.type = data.type
    activity.number = number
    activity.title = data.title.strip()
    activity.title_nl = (data.title_nl or "").strip()
    activity.title_en = (data.title_en or "").strip()
    activity.format = data.format or None
    activity.status = data.status
    activity.starts_on = data.starts.value if data.starts else None
    activity.ends_on = data.ends.last_day if data.ends else None
    activity.date_precision = data.starts.precision if data.starts else "day"
    activity.organisations = organisations
    activity.facilitator_id = data.facilitator_id
    activity.notes = data.notes or ""
    db.session.commit()
    return activity


def list_activities(activity_type: str | None = None, year: int | None = None) -> list[Activity]:
    return list(db.session.scalars(activities_query(activity_type, year)))


def activities_query(activity_type: str | None = None, year: int | None = None):
    """The register's rows, newest first (the list view pages through it)."""
    query = select(Activity).options(selectinload(Activity.organisations))
    if activity_type:
        query = query.where(Activity.type == activity_type)
    if year:
        query = query.where(extract("year", Activity.starts_on) == year)
    return query.order_by(Activity.starts_on.desc().nullslast(), Activity.type, Activity.number.desc(), Activity.id)


def activity_years() -> list[int]:
    years = db.session.scalars(
        select(extract("year", Activity.starts_on)).where(Activity.starts_on.is_not(None)).distinct())
    return sorted({int(y) for y in years}, reverse=True)
