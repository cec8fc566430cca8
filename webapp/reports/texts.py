"""How a report prints the author's texts: footnotes numbered across the report, dates,
names from the register in the report's language, and the one error every report service raises."""
from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale

from ..activities.models import Activity
from ..activities.types import type_label
from ..i18n import _l
from ..organisations.models import Organisation
from .labels import label
from .models import Source

FOOTNOTE_MARK = re.compile(r"\[\^([A-Za-z0-9_.-]{1,60})\]")
GOOD_EXAMPLE_FIELDS = ("target_group", "partners", "results", "funding")


class ReportError(Exception):
    pass


# ---------------------------------------------------------------- texts and footnotes

class Footnotes:
    """Numbers footnotes in order of appearance across the whole report."""

    def __init__(self, sources: dict[str, Source], language: str):
        self.sources = sources
        self.language = language
        self.items: list[dict] = []
        self.unknown: list[str] = []

    def paragraphs(self, text: str | None) -> list[list[dict]]:
        """Split a text into paragraphs of segments: {"text": ...} or {"note": n, "citation": ...}."""
        result = []
        for block in re.split(r"\n\s*\n", (text or "").strip()):
            if not block.strip():
                continue
            segments, last = [], 0
            for match in FOOTNOTE_MARK.finditer(block):
                source = self.sources.get(match.group(1))
                if source is None:
                    self.unknown.append(match.group(1))
                    continue  # left in the text as typed, so the author sees it
                between = block[last:match.start()]
                # Calls side by side ("[^a][^b]", or with a space) print with a separator,
                # "²,³", never as "²³", which reads as footnote 23.
                after_note = bool(segments) and "note" in segments[-1] and not between.strip()
                if not after_note:
                    segments.append({"text": between})
                citation = getattr(source, f"citation_{self.language}") or ""
                number = len(self.items) + 1
                note = {"note": number, "citation": citation, "url": source.url, "key": source.key,
                        "after_note": after_note}
                self.items.append(note)
                segments.append(note)
                last = match.end()
            segments.append({"text": block[last:]})
            result.append(segments)
        return result


def author_text(obj, field: str, language: str) -> str:
    """The author's text in `language`, never the other language: a gap stays a gap."""
    return getattr(obj, f"{field}_{language}") or ""


def printed_date(value: date | None, language: str, precision: str = "day") -> str:
    if value is None:
        return label("date_unknown", language)
    return format_date(value, "MMMM yyyy" if precision == "month" else "d MMMM yyyy", locale=language)


def activity_title(activity: Activity, language: str) -> str:
    """An activity's title as the report prints it: `title_nl`/`title_en`, else the register's title."""
    return getattr(activity, f"title_{language}") or activity.title


def organisation_name(organisation: Organisation, language: str) -> str:
    """An organisation as the report prints it: its display name in `language`, else its canonical name."""
    return getattr(organisation, f"display_name_{language}") or organisation.name


def activity_type_label(language: str):
    """Activity types named in the report's language (the evidence line, a summary's source), by
    the project's preferred term when its glossary has one."""
    def name(code: str) -> str:
        with force_locale(language):
            return type_label(code, language)
    return name


def with_date(title: str, when: str) -> str:
    """ "Study trip to Essen (three days)" + "November 2023" -> "... (three days, November 2023)". """
    if title.endswith(")"):
        return f"{title[:-1]}, {when})"
    return f"{title} ({when})"


#: How the screens name a text field of a report, chapter, recommendation, box or survey.
TEXT_FIELD_LABELS = {
    "title": _l("title"), "subtitle": _l("subtitle"), "colophon": _l("colophon"),
    "acknowledgements": _l("acknowledgements"), "executive_summary": _l("executive summary"),
    "scope": _l("scope"), "problem_analysis": _l("problem analysis"), "intro": _l("introduction"),
    "body": _l("text"), "target_group": _l("target group"), "partners": _l("partners"),
    "results": _l("results"), "funding": _l("funding"), "label": _l("question"), "place": _l("place"),
    "project": _l("the project"), "literature_review": _l("literature review"),
    "author_organisation": _l("author organisation"), "funder_notice": _l("funder's line"),
    "emblem_alt": _l("what the emblem shows"), "keywords": _l("keywords"), "disclaimer": _l("disclaimer"),
}
