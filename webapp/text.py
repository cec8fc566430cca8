"""The one boundary for user text: `clean_text` for text coming in, `export_safe` for text going out.

Every way in (forms through `webapp.forms.BaseForm`, the API's payload parser, CSV/XLSX
imports, survey/member/reviewer pages, the CLI) calls `clean_text`, so the database only
ever holds text that every export format and both databases accept:

- Unicode NFC (a word typed on a phone and the same word pasted from Word compare equal);
- line ends: CRLF and CR become LF; vertical tab and form feed (Word pastes them) become LF;
- tab is kept;
- one-line fields (`multiline=False`): tab and every line end are *folded* into one space
  each, so a name pasted with a trailing newline is simply accepted;
- refused (`TextRefused`, with a translated message): the other C0 control characters
  (NUL, ESC, ...), DEL and the C1 controls (U+007F-U+009F), the non-characters U+FFFE and
  U+FFFF, and lone surrogates. Nothing is half-stored: the caller keeps what was typed
  and shows the message.

`export_safe` is the last line of defence for rows stored before this boundary existed:
it never raises, and replaces whatever XML 1.0 (XLSX, DOCX, REFI-QDA), PostgreSQL or a PDF
could choke on, so an odd old row cannot make an export fail.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote_to_bytes

import click

from .i18n import _

#: Characters refused on the way in: C0 controls except tab/LF/VT/FF/CR, DEL, C1 controls,
#: U+FFFE/U+FFFF and (lone) surrogates. VT and FF are not refused: they become line ends.
_REFUSED_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
#: Every line end a paste can bring, longest first so CRLF counts once.
_LINE_END_RE = re.compile("\r\n|[\r\x0b\x0c]")
#: What a one-line field folds into a space: tab and every line end.
_FOLD_RE = re.compile("\r\n|[\t\n\r\x0b\x0c]")
#: What export_safe replaces: everything XML 1.0 forbids plus the controls refused above.
_UNSAFE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
#: Shown in an export where a refused character stood.
REPLACEMENT = "\ufffd"


class TextRefused(ValueError):
    """Text holding a character the boundary refuses; `str(error)` is a translated message.

    `args[0]` is the message (WTForms shows a filter's ValueError `args[0]` as the field
    error); `code_point` (e.g. "U+0000") and `position` (1-based) say what and where, and
    never the text itself, so the error can be logged without user words.
    """

    def __init__(self, message: str, *, code_point: str, position: int, field: str | None = None):
        super().__init__(message)
        self.message, self.code_point, self.position, self.field = message, code_point, position, field

    def for_field(self, field: str) -> "TextRefused":
        return TextRefused(self.message, code_point=self.code_point, position=self.position, field=field)


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def refused_message(code_point: str, position: int) -> str:
    return _("This text holds an invisible control character (%(code)s at position %(position)s) that "
             "cannot be stored. Remove it, or type the text again instead of pasting it.",
             code=code_point, position=position)


def clean_text(value: str | None, *, multiline: bool = True, field: str | None = None) -> str | None:
    """`value` cleaned for storage, or TextRefused. None stays None.

    Valid text (NFC, LF line ends, no refused character; in a one-line field also no tab
    or line end) comes back unchanged.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"clean_text expects str, got {type(value).__name__}")
    found = _REFUSED_RE.search(value)
    if found is not None:
        code_point = _code_point(found.group())
        raise TextRefused(refused_message(code_point, found.start() + 1), code_point=code_point,
                          position=found.start() + 1, field=field)
    if multiline:
        value = _LINE_END_RE.sub("\n", value)
    else:
        value = _FOLD_RE.sub(" ", value)
    return unicodedata.normalize("NFC", value)


def undecodable_form_text(body: bytes) -> TextRefused | None:
    """For a URL-encoded form body: the refusal of its first name or value that is not UTF-8
    text, else None.

    Werkzeug leaves a percent-escape that is not UTF-8 as the literal text ("%ED%A0%80", an
    encoded surrogate, would be stored as those nine characters) and parses a body with raw
    non-UTF-8 bytes as an empty form. Refused here with the message the API gives for the
    same character in JSON (`refused_message`), before the form is read at all.
    """
    for pair in body.split(b"&"):
        for piece in pair.split(b"=", 1):
            raw = unquote_to_bytes(piece.replace(b"+", b" "))
            try:
                raw.decode("utf-8")
                continue
            except UnicodeDecodeError as error:
                bad_at = error.start
            try:
                text = raw.decode("utf-8", "surrogatepass")  # an encoded surrogate: name it as the API does
                found = _REFUSED_RE.search(text)
                code_point, position = _code_point(found.group()), found.start() + 1
            except (UnicodeDecodeError, AttributeError):
                code_point = f"0x{raw[bad_at]:02X}"
                position = len(raw[:bad_at].decode("utf-8", "replace")) + 1
            return TextRefused(refused_message(code_point, position), code_point=code_point, position=position)
    return None


def export_safe(value) -> str:
    """`value` as text that every export format accepts; never raises. None becomes "".

    Line ends become LF (VT and FF too), every character XML 1.0 forbids and every other
    control character becomes U+FFFD, so a reader sees that something stood there.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = _LINE_END_RE.sub("\n", value)
    return _UNSAFE_RE.sub(REPLACEMENT, value)


def is_clean(value: str | None, *, multiline: bool = True) -> bool:
    """Whether `value` would be stored unchanged by `clean_text`."""
    try:
        return clean_text(value, multiline=multiline) == value
    except TextRefused:
        return False


#: A spreadsheet runs a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value):
    """A value for a CSV or XLSX cell: text export-safe and, when it starts like a formula,
    prefixed with an apostrophe so it stays text. Numbers, dates and None pass unchanged."""
    if not isinstance(value, str):
        return value
    formula = value.startswith(FORMULA_START)
    value = export_safe(value)
    return "'" + value if formula or value.startswith(FORMULA_START) else value


def export_safe_tree(value):
    """`value` with every string in it (dicts, lists, tuples, nested) through export_safe:
    for builders that take plain data (the report's PDF and DOCX)."""
    if isinstance(value, str):
        return export_safe(value)
    if isinstance(value, dict):
        return {key: export_safe_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(export_safe_tree(item) for item in value)
    return value


class CliText(click.ParamType):
    """A command-line argument through the text boundary (one line): `type=CLI_TEXT`."""

    name = "text"

    def convert(self, value, param, ctx):
        try:
            return clean_text(value, multiline=False) if isinstance(value, str) else value
        except TextRefused as refused:
            self.fail(refused.message, param, ctx)


CLI_TEXT = CliText()
