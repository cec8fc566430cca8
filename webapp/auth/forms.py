from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..i18n import _, _l
from .roles import ROLE_LABELS


class EmailAddress:
    """WTForms' Email validator refuses the reserved `.test` domain our demo and test
    accounts use (on purpose: it can never reach a real person); this one allows it."""

    def __call__(self, form, field):
        try:
            validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError:
            raise ValidationError(_("Enter a valid e-mail address.")) from None


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Stay logged in on this device"))


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"),
                       validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    locale = SelectField(_l("Interface language"), choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=10, max=200)],
                             description=_l("At least 10 characters. Leave empty to keep the current password."))
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(code, str(label)) for code, label in ROLE_LABELS.items()]


class InviteUserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), EmailAddress(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[])
    locale = SelectField(_l("Language of the invitation and the screens"),
                         choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(code, str(label)) for code, label in ROLE_LABELS.items()]


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)],
                             description=_l("At least 10 characters."))
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_("The two passwords are not the same."))
