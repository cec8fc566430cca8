"""`BaseForm`: the form every screen uses, so no text field can forget the text boundary.

Its `Meta.bind_field` puts `webapp.text.clean_text` first in the filters of every
`StringField` (and what derives from it: `TextAreaField`, `HiddenField`, `EmailField`, ...),
except password fields, whose characters are the user's secret. A `TextAreaField` keeps its
line ends; any other text field is one line (tab and line ends folded into spaces). A refused
character becomes a translated error on that field (WTForms turns a filter's ValueError into
a field error) and the field keeps what was typed, so the form comes back as it was sent.

`tests/test_text_boundary.py` fails when a form derives from `FlaskForm` directly.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from .text import clean_text


def _text_filter(multiline: bool):
    def clean(value):
        # Object data can be other than text (a list of aliases the field's own filter joins);
        # only what arrives as text is the boundary's business.
        return clean_text(value, multiline=multiline) if isinstance(value, str) else value

    return clean


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                # Ours first, then the field's own filters (strip, ...) on the cleaned text.
                own = list(unbound_field.kwargs.get("filters") or ())
                options = {**options, "filters": [_text_filter(issubclass(field_class, TextAreaField)), *own]}
            return super().bind_field(form, unbound_field, options)


class ActionForm(BaseForm):
    """A button that changes something (open, close, submit, revoke, send): only the CSRF check."""
