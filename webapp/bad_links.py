"""One page for every public link that does not work: a survey's public link and kiosk (/s),
personal links (/i, /f, /o, /r) and the opt-out link (/mail/opt-out), whether unknown,
expired, revoked or tampered, and for any other address under those prefixes.

A view that refuses a link calls `link_not_working(language)` with the language the link was
made for when it knows it (an expired Arabic outcome link: "ar"); the 404 handler
(core/routes.py) answers every public-link path with this page. Without a known language the
page follows ?lang= (its own language links), the language a member chose on this browser,
then the browser's, then Dutch. It says nothing about what the link was for."""
from __future__ import annotations

import re
from typing import NoReturn

from flask import abort, g, make_response, render_template, request, session
from flask_babel import force_locale

from .i18n import RTL_LANGUAGES

#: The languages the page speaks: those of member mail and member pages.
LINK_LANGUAGES = ("nl", "en", "ar")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "ar": "العربية"}
PUBLIC_LINK_PATH = re.compile(r"^/(?:s|i|f|o|r)/|^/mail/opt-out/")


def is_public_link(path: str) -> bool:
    return bool(PUBLIC_LINK_PATH.match(path))


def link_not_working(language: str | None = None) -> NoReturn:
    """Stop this request with the page for a link that does not work, in `language` if known."""
    g.link_language = language
    abort(404)


def _page_language(known: str | None) -> str:
    for candidate in (known, request.args.get("lang"), session.get("member_lang")):
        if candidate in LINK_LANGUAGES:
            return candidate
    return request.accept_languages.best_match(LINK_LANGUAGES) or "nl"


def bad_link_page():
    """The 404 answer for a public link, never cached and never passing the token on."""
    language = _page_language(g.get("link_language"))
    with force_locale(language):
        response = make_response(render_template(
            "bad_link.html", page_language=language,
            page_direction="rtl" if language in RTL_LANGUAGES else "ltr",
            other_languages=[(code, LANGUAGE_NAMES[code]) for code in LINK_LANGUAGES if code != language]), 404)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
