"""Jinja filters and globals shared by every feature's templates."""
from __future__ import annotations

from datetime import date

from babel import dates as babel_dates
from flask import Flask, g, request
from flask_babel import format_decimal, get_locale, to_user_timezone

from .access import ROLE_LABELS, STAFF, current_role
from .activities.types import format_label, type_label
from .charts import page_svg
from .findings.models import FINDING_KINDS
from .i18n import CONTENT_LANGUAGES, LANGUAGES, _, current_language, localized, text_direction
from .organisations.stakeholder_types import stakeholder_label
from .projects.models import PROJECT_STATUSES
from .projects.services import projects_of


def _date_locale() -> str:
    """English dates day-month-year (en_GB), not in US order; other languages as they are."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return "en_GB"
    return str(locale)


def format_date(value, pattern: str = "medium") -> str:
    return babel_dates.format_date(value, pattern, locale=_date_locale())


def format_datetime(value, pattern: str = "short") -> str:
    return babel_dates.format_datetime(to_user_timezone(value), pattern, locale=_date_locale())


def format_activity_date(activity) -> str:
    """"8 mei 2023", "november 2023" or "maart – april 2024", in the interface language."""
    if activity.starts_on is None:
        return _("date unknown")
    pattern = "MMMM yyyy" if activity.date_precision == "month" else "d MMMM yyyy"
    start = format_date(activity.starts_on, pattern)
    if activity.ends_on is None or activity.ends_on == activity.starts_on:
        return start
    if activity.date_precision == "month" and (activity.ends_on.year, activity.ends_on.month) == (
            activity.starts_on.year, activity.starts_on.month):
        return start
    return f"{start} – {format_date(activity.ends_on, pattern)}"


def _switcher_projects():
    """The projects the header's switcher offers: the user's, when more than one (one query)."""
    from flask_login import current_user

    projects = projects_of(current_user)
    return projects if len(projects) > 1 else []


def _project_status(code: str) -> str:
    return str(PROJECT_STATUSES.get(code, code))


def _page_svg(svg):
    """A matplotlib chart without inline styles, for pages under the CSP (webapp/charts.py)."""
    return page_svg(svg) if svg else svg


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        localized=localized,
        activity_type=type_label,
        activity_format=format_label,
        stakeholder=stakeholder_label,
        activity_date=format_activity_date,
        finding_kind=lambda code: str(FINDING_KINDS.get(code, code)),
        content_language=lambda code: str(CONTENT_LANGUAGES.get(code, code)),
        role=lambda code: str(ROLE_LABELS.get(code, code)),
        project_status=_project_status,
        number=format_decimal,
        datetime=lambda value: format_datetime(value, "short") if value else "",
        date=lambda value: format_date(value, "medium") if isinstance(value, date) else "",
        page_svg=_page_svg,
    )

    # A global, not a context value: macros imported without context (`{% from ... import
    # finding_text %}`) call it too.
    app.jinja_env.globals["text_direction"] = text_direction

    @app.context_processor
    def _globals():
        return {
            "LANGUAGES": LANGUAGES,
            "current_language": current_language(),
            "STAFF": STAFF,
            "current_role": current_role(),
            "current_project": g.get("project"),
            "switcher_projects": _switcher_projects,
            # With the script root: behind a proxy that mounts the app under a prefix, `next`
            # must lead back under that prefix too.
            "current_path": (request.script_root + request.full_path).rstrip("?") if request else "/",
        }
