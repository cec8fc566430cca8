"""Kinds of activity and their formats: the vocabulary of the activity register.

The report's appendices are built from three of them: A - learning-network meetings,
B - individual consultations, C - testing with the field.
"""
from .. import signals
from ..i18n import _l

ACTIVITY_TYPES = {
    "kickoff": _l("Kick-off meeting"),
    "ln_meeting": _l("Learning network meeting"),
    "consultation": _l("Individual consultation"),
    "maab": _l("Advisory board session"),
    "exchange": _l("International exchange"),
    "taking_stock": _l("Taking-stock session"),
    "field_test": _l("Testing with the field"),
    "literature": _l("Literature review"),
    #: Made up to show or try out a feature (demo and training data): screens mark it, a report
    #: names it as a fictional example and never counts it in its methodology or appendices.
    "sample": _l("Fictional example"),
}

FORMATS = {
    "workshop": _l("Workshop"),
    "working_visit": _l("Working visit"),
    "panel": _l("Panel"),
    "interview": _l("Interview"),
    "session": _l("Session"),
    "study_trip": _l("Study trip"),
    "virtual_visit": _l("Virtual study visit"),
    "written_feedback": _l("Written feedback"),
    "desk_research": _l("Desk research"),
}

#: The formats that make sense for each type; the form offers only these.
FORMATS_BY_TYPE = {
    "kickoff": ("workshop", "session", "panel"),
    "ln_meeting": ("workshop", "working_visit", "panel"),
    "consultation": ("interview",),
    "maab": ("session",),
    "exchange": ("study_trip", "virtual_visit"),
    "taking_stock": ("session",),
    "field_test": ("written_feedback", "session", "interview"),
    "literature": ("desk_research",),
    "sample": ("workshop", "session", "interview"),
}

STATUSES = {
    "held": _l("Held"),
    "planned": _l("Planned"),
}


def type_label(code: str, language: str | None = None) -> str:
    """An activity type's name: the project's preferred term (the glossary answers
    `signals.activity_type_name`), else the fixed label in `language` (default: the current
    locale's)."""
    name = signals.first(signals.activity_type_name.send(code, language=language))
    return name or str(ACTIVITY_TYPES.get(code, code))


def type_names() -> dict[str, str]:
    """Every activity type with its name as the screens show it (the glossary's term first)."""
    return {code: type_label(code) for code in ACTIVITY_TYPES}


def format_label(code: str | None) -> str:
    return str(FORMATS.get(code, code)) if code else ""
