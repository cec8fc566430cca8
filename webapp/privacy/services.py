"""Saving the privacy settings (the screens call these; the purge is purge.py)."""
from __future__ import annotations

from ..extensions import db
from ..projects.models import Project
from .models import InstallationPrivacy, ProjectPrivacy
from .retention import installation_settings, project_settings
from .statement import FREE_TEXTS


def save_project_privacy(project: Project, periods: dict[str, int | None], controller: str, contact: str,
                         texts: dict[str, dict[str, str]]) -> ProjectPrivacy:
    """A project's periods (None: the default) and statement texts per language."""
    settings = project_settings(project.id) or ProjectPrivacy(project_id=project.id)
    for name, value in periods.items():
        setattr(settings, name, value or None)
    settings.controller, settings.contact = controller.strip(), contact.strip()
    settings.texts = {language: {name: (values.get(name) or "").strip() for name in FREE_TEXTS}
                      for language, values in texts.items()
                      if any((values.get(name) or "").strip() for name in FREE_TEXTS)} or None
    db.session.add(settings)
    db.session.commit()
    return settings


def save_installation_privacy(values: dict) -> InstallationPrivacy:
    settings = installation_settings()
    for name, value in values.items():
        setattr(settings, name, value.strip() if isinstance(value, str) else (value or None))
    db.session.add(settings)
    db.session.commit()
    return settings
