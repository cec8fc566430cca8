"""Translation helpers: the one place that exports `_`, `_l` and `ngettext`.

Bilingual *content* (theme labels, activity titles in two languages, ...) follows one
pattern everywhere: a `<field>_nl` and a `<field>_en` column, read through `localized()`
(or the `localized` Jinja filter), which picks the current locale and falls back to the
other language when the text is missing. Interface strings go through Babel catalogs.
"""
from __future__ import annotations

from flask_babel import get_locale, gettext as _, lazy_gettext as _l, ngettext  # noqa: F401

LANGUAGES = ("nl", "en")
#: Languages a finding or contributor can be in; labels are translated where shown.
CONTENT_LANGUAGES = {
    "nl": _l("Dutch"),
    "en": _l("English"),
    "ar": _l("Arabic"),
    "ti": _l("Tigrinya"),
    "fa": _l("Persian"),
    "uk": _l("Ukrainian"),
    "tr": _l("Turkish"),
    "so": _l("Somali"),
    "other": _l("Other language"),
}
#: Scripts written right to left: their text gets dir="rtl" wherever it is shown.
RTL_LANGUAGES = {"ar", "fa"}


def text_direction(language: str | None) -> str:
    """The HTML `dir` of text in `language`: "rtl" for Arabic and Persian, else "ltr"."""
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "nl"


def localized(obj, field: str, language: str | None = None, fallback: bool = True) -> str | None:
    """The `field` of `obj` in the current (or given) language, e.g. `theme.label_nl`.

    With `fallback`, a missing text is taken from the other language, so a screen never
    shows a blank; the report builder passes `fallback=False` to list what is missing.
    """
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", None)
    if value or not fallback:
        return value
    other = "en" if language == "nl" else "nl"
    return getattr(obj, f"{field}_{other}", None)
