"""Builders shared by the codebook and analysis tests (this module holds no tests itself)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert

from webapp.search_words import search_text_for
from webapp.extensions import db
from webapp.findings.models import Finding, finding_themes
from webapp.themes.models import Theme


def make_theme(code: str, parent: Theme | None = None, group: str = "topic", archived: bool = False) -> Theme:
    theme = Theme(code=code, label_en=f"{code} (en)", label_nl=f"{code} (nl)", theme_group=group,
                  parent=parent, archived=archived)
    db.session.add(theme)
    db.session.commit()
    return theme


def make_finding(activity, text: str = "A finding", themes=(), language: str = "en", kind: str = "bottleneck",
                 stakeholder_type: str | None = "employer", organisation=None) -> Finding:
    finding = Finding(activity=activity, text=text, language=language, kind=kind, stakeholder_type=stakeholder_type,
                      organisation=organisation, themes=list(themes))
    db.session.add(finding)
    db.session.commit()
    return finding


def bulk_findings(activity, count: int, themes=(), text: str = "Werkgevers zoeken coördinatie") -> None:
    """`count` findings in two statements: fast enough for 2,000 or 5,000 in a test."""
    words = search_text_for(text)
    rows = [{"client_id": uuid.uuid4(), "activity_id": activity.id, "text": f"{text} {n}", "language": "nl",
             "kind": "bottleneck", "stakeholder_type": ("employer", "municipality", None)[n % 3],
             "search_text": words, "version": 1,
             "project_id": activity.project_id} for n in range(count)]  # a bulk insert bypasses the ORM events
    ids = db.session.scalars(insert(Finding).returning(Finding.id), rows).all()
    themes = list(themes)
    if themes:
        db.session.execute(insert(finding_themes), [
            {"finding_id": finding_id, "theme_id": themes[n % len(themes)].id} for n, finding_id in enumerate(ids)])
    db.session.commit()


def activity_on(make_activity, type="ln_meeting", day=date(2023, 10, 30), title="Workshop"):
    return make_activity(type=type, title=title, day=day)
