"""What the glossary adds to the features below it, connected at start-up (webapp/signals.py):
activity types named by the project's preferred term."""
from __future__ import annotations

from .. import signals
from .services import activity_type_name


@signals.activity_type_name.connect
def _activity_type_name(code: str, language: str | None = None) -> str | None:
    return activity_type_name(code, language)
