"""Every Flask extension, created once here and bound to the app in `create_app`."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Predictable constraint names: SQLite migrations run in batch mode and need them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
#: Login throttling (auth/routes.py). Storage from RATELIMIT_STORAGE_URI: memory:// in one
#: process, Redis when REDIS_URL is set so every web process counts the same attempts.
limiter = Limiter(key_func=get_remote_address, default_limits=[], strategy="moving-window",
                  headers_enabled=True)
#: Outgoing e-mail (webapp/mail): SMTP settings from the environment, see Config.
mail = Mail()
